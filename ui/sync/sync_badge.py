"""The always-visible sync state: a badge in the main toolbar and a message strip under it.

The badge says, in words and colour, whether this laptop is online, syncing, offline,
working alone (no archive set: 本机模式) or cannot sync, how many records and attachment
files wait to be sent and when the last sync succeeded; its tooltip explains the state.
It sits first in the toolbar, so it stays on screen at 1024 × 768 (the status bar is below
the fold there).
Tapping it opens 待同步.

The strip shows what the user has to act on — the laptop is not joined to the archive,
the archive refused a round or some records, attachment files that could not be sent
(refused, missing or changed here), records it sent that are set aside here, a
defect, a wrong clock — and any failed
background operation, in the user's language and in the app's own terms: the core's
sync errors name the command line's `fieldapp login`, which the desktop does not have, so
the text here is chosen by the error's kind (`SyncStatus.problem`), never copied from it.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from fieldapp.base.errors import FieldappError
from fieldapp.base.timeutil import to_local
from fieldapp.services.sync_status import ConnectionState
from ui.kit import i18n
from ui.sync.sync_service import SyncService, SyncStatus
from ui.workflows.workflow_widgets import button

STATE_STYLE = {  # text colour, background: the word says it too, never colour alone
    ConnectionState.OK: ("#1b5e20", "#e8f5e9"), ConnectionState.SYNCING: ("#0d47a1", "#e3f2fd"),
    ConnectionState.OFFLINE: ("#8a4b00", "#fff3e0"), ConnectionState.LOGIN: ("#8a4b00", "#fff3e0"),
    ConnectionState.ERROR: ("#b71c1c", "#ffebee"), ConnectionState.LOCAL: ("#37474f", "#eceff1"),
}
# problems the user must act on: shown in the strip, not only in the badge's tooltip
STRIP_PROBLEMS = ("login", "join", "archive", "defect")


def _lines(*texts: str) -> str:
    """Catalogue texts, one a line; the whole counts as translated too (test_language)."""
    text = "\n".join(dict.fromkeys(t for t in texts if t))
    i18n.produced(i18n.current()).add(text)
    return text


def _when(moment: datetime, timezone: str) -> str:
    local, today = to_local(moment, timezone), to_local(datetime.now().astimezone(), timezone)
    return local.strftime("%H:%M" if local.date() == today.date() else "%m-%d %H:%M")


def problem_text(status: SyncStatus) -> str:
    """What went wrong in the last round, said for the desktop ("" when nothing did)."""
    if status.state == ConnectionState.LOCAL:
        return i18n.tr("sync.problem.local")
    if status.state == ConnectionState.OFFLINE:
        return i18n.tr("sync.problem.offline")
    if status.state == ConnectionState.LOGIN:
        return i18n.tr("sync.problem.login")
    if status.state != ConnectionState.ERROR:
        return ""
    if status.problem == "archive":
        told = i18n.pair((status.error_zh, status.error_en))
        return i18n.tr("sync.problem.archive", message=told or status.error_zh)
    return i18n.tr(f"sync.problem.{status.problem or 'defect'}")


def strip_text(status: SyncStatus) -> str:
    """The strip's message for this status: only what needs the user ("" otherwise)."""
    parts = []
    if status.state == ConnectionState.LOGIN or (status.state == ConnectionState.ERROR
                                   and (status.problem or "defect") in STRIP_PROBLEMS):
        parts.append(problem_text(status))
    if status.overview.refused:
        parts.append(i18n.tr("sync.problem.refused", count=status.overview.refused))
    if status.overview.files_not_sent:
        parts.append(i18n.tr("sync.problem.files", count=status.overview.files_not_sent))
    if status.overview.parked:
        parts.append(i18n.tr("sync.problem.parked", count=status.overview.parked))
    if status.clock_skew_flagged:
        parts.append(i18n.tr("sync.clock_skew", seconds=status.overview.clock_skew_seconds))
    return _lines(*parts)


def badge_lines(status: SyncStatus | None, timezone: str) -> tuple[str, str]:
    """(state · waiting, last sync): 离线 · 待上传 3 条 / 上次同步 14:30. Short: the toolbar
    is narrow at 1024 px; refused and set-aside records and clock skew are in the tooltip
    and the strip."""
    tr = i18n.tr
    if status is None or status.state == ConnectionState.LOCAL:
        return tr("sync.badge.local"), tr("sync.badge.local_line")
    counts = status.overview
    files = counts.files_waiting + counts.files_not_sent
    if counts.pending and files:
        waiting = tr("sync.badge.waiting_files", count=counts.pending, files=files)
    elif files:
        waiting = tr("sync.badge.files_only", files=files)
    else:
        waiting = (tr("sync.badge.waiting", count=counts.pending) if counts.pending
                   else tr("sync.badge.all_sent"))
    last = (tr("sync.badge.last", time=_when(counts.last_success_at, timezone))
            if counts.last_success_at is not None else tr("sync.badge.never"))
    return tr("sync.badge.state_line", state=tr(f"sync.badge.{status.state}"),
              waiting=waiting), last


class SyncBadge(QToolButton):
    """Online / syncing / offline / 本机模式 with the waiting count and the last sync."""

    def __init__(self, sync: SyncService | None, timezone: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync_badge")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.sync, self.timezone = sync, timezone
        if sync is not None:
            # a bound slot, not a lambda: Qt drops it when the badge is gone, while the
            # sync service (the app's, longer-lived) keeps announcing changes
            sync.changed.connect(self._sync_changed)
        self.retranslate()
        i18n.connect(self)

    @property
    def status(self) -> SyncStatus | None:
        return self.sync.status if self.sync is not None else None

    @property
    def state(self) -> ConnectionState:
        return self.status.state if self.status is not None else ConnectionState.LOCAL

    @Slot(object)
    def _sync_changed(self, _status: object) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        tr = i18n.tr
        title, detail = badge_lines(self.status, self.timezone)
        self.setText(_lines(title, detail))
        status = self.status
        lines = [tr("sync.badge.state_line", state=title, waiting=detail)]
        if status is None:
            lines.append(i18n.tr("sync.problem.local"))
        else:
            lines += [problem_text(status), strip_text(status)]
        lines.append(tr("sync.badge.tap"))
        self.setToolTip(_lines(*lines))
        colour, background = STATE_STYLE.get(self.state, STATE_STYLE[ConnectionState.LOCAL])
        self.setStyleSheet(f"QToolButton#sync_badge {{ color: {colour}; background: "
                           f"{background}; border: 1px solid {colour}; text-align: left; "
                           "font-size: 13px; padding: 1px 10px; }")


class MessageStrip(QFrame):
    """One message under the toolbar: what needs the user, until it is gone or dismissed."""

    show_waiting = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("message_strip")
        self.setStyleSheet("QFrame#message_strip { background: #fff8e1; "
                           "border-bottom: 1px solid #ffe082; }")
        self.label = QLabel()
        self.label.setObjectName("message_text")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.waiting_button, self.dismiss_button = button(), button()
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 10, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.waiting_button)
        row.addWidget(self.dismiss_button)
        self.waiting_button.clicked.connect(self.show_waiting.emit)
        self.dismiss_button.clicked.connect(self.dismiss)
        self._sync: SyncStatus | None = None
        self._failure: object = None  # the exception of a failed background operation
        self._dismissed: str = ""
        self.hide()
        self.retranslate()
        i18n.connect(self)

    @property
    def text(self) -> str:
        """What the strip says now ("" when it is hidden)."""
        return "" if self.isHidden() else self.label.text()

    def show_sync(self, status: SyncStatus | None) -> None:
        self._sync = status
        self.retranslate()

    def show_failure(self, exc: object) -> None:
        """A background operation failed: say so (a known error in its own words, a
        defect plainly: its details are in the log, never on screen)."""
        self._failure = exc
        self.retranslate()

    def dismiss(self) -> None:
        self._dismissed, self._failure = self.label.text(), None
        self.retranslate()

    def retranslate(self) -> None:
        self.waiting_button.setText(i18n.tr("sync.strip.show_waiting"))
        self.dismiss_button.setText(i18n.tr("sync.strip.dismiss"))
        sync_text = strip_text(self._sync) if self._sync is not None else ""
        failure = ""
        if self._failure is not None:
            failure = i18n.tr("status.error", message=self._failure.message(i18n.current())
                              if isinstance(self._failure, FieldappError)
                              else i18n.tr("status.unexpected"))
        text = _lines(failure, sync_text)
        self.label.setText(text)
        self.waiting_button.setVisible(bool(sync_text))
        self.setVisible(bool(text) and text != self._dismissed)
