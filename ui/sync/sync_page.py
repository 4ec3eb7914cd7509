"""待同步 / Waiting to sync: what this laptop has not yet had acknowledged by the archive,
and what it could not yet store of what the archive sent.

Refused records come first, each with the archive's reason in the user's language; they
stay here (never dropped) until they change or the engineer sends them again. Then the
attachment files that could not be sent (附件未上传: refused by the archive, too large,
missing or changed on this laptop), each named by its record's number, with why. Then the
pulled records set aside here (暂存: a number met twice, a record they refer to not here
yet), each with why; every sync tries them again, and "retry set-aside records" does so
at once, after a pull. The status line says offline / syncing / N waiting / refused /
files waiting and not sent / set aside / last success / errors, in text and colour.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from fieldapp.base.timeutil import format_local
from fieldapp.services import sync_status
from fieldapp.services.sync_status import ConnectionState, WaitingState
from fieldapp.sync.status import TABLE_LABELS, WaitingRecord
from ui.kit import i18n
from ui.kit.ops import Ops
from ui.kit.table_models import Column, PagedModel, table_page, table_view
from ui.sync.sync_badge import problem_text
from ui.sync.sync_service import SyncService, SyncStatus
from ui.workflows.workflow_widgets import button

STATE_COLOURS = {ConnectionState.OK: "#1b7f3b", ConnectionState.SYNCING: "#1565c0",
                 ConnectionState.OFFLINE: "#b36b00", ConnectionState.LOGIN: "#b36b00",
                 ConnectionState.ERROR: "#c62828", ConnectionState.LOCAL: "#666666"}
REFUSED_COLOUR = "#c62828"
PARKED_COLOUR = "#b36b00"
ROW_COLOURS = {WaitingState.REFUSED: REFUSED_COLOUR, sync_status.PARKED: PARKED_COLOUR,
               sync_status.FILE: REFUSED_COLOUR}


def _reason(row: WaitingRecord) -> str:
    return i18n.pair((row.reason_zh, row.reason_en or row.reason_zh))


WAITING_COLUMNS = (
    Column("sync.col.kind", lambda r: i18n.pair(TABLE_LABELS.get(r.table, (r.table, r.table))),
           width=135),
    Column("sync.col.number", lambda r: r.label, width=190),
    Column("sync.col.state", lambda r: i18n.tr(f"sync.row.{r.state}"),
           lambda r: ROW_COLOURS.get(r.state), width=90),
    Column("sync.col.reason", _reason, width=0),
    Column("sync.col.since", lambda r: format_local(r.enqueued_at), width=150),
    Column("sync.col.attempts",  # parked records and files are tried at every sync
           lambda r: "" if r.state in (sync_status.PARKED, sync_status.FILE)
           else str(r.attempts), width=100),
)


def status_text(status: SyncStatus) -> tuple[str, str]:
    """The status line and its colour: never colour alone."""
    tr, counts = i18n.tr, status.overview
    parts = [tr(f"sync.state.{status.state}")]
    if counts.pending:
        parts.append(tr("sync.pending", count=counts.pending))
    if counts.refused:
        parts.append(tr("sync.refused", count=counts.refused))
    if counts.files_waiting:
        parts.append(tr("sync.files_waiting", count=counts.files_waiting))
        if status.state == ConnectionState.OFFLINE:
            parts.append(tr("sync.files_resume"))
    if counts.files_not_sent:
        parts.append(tr("sync.files_not_sent", count=counts.files_not_sent))
    if counts.parked:
        parts.append(tr("sync.parked", count=counts.parked))
    if counts.last_success_at is not None:
        parts.append(tr("sync.last_success", time=format_local(counts.last_success_at)))
    if status.state in (ConnectionState.ERROR, ConnectionState.LOGIN):
        parts.append(problem_text(status))  # in the app's terms, never the CLI's
    if status.clock_skew_flagged:
        parts.append(tr("sync.clock_skew", seconds=counts.clock_skew_seconds))
    colour = STATE_COLOURS.get(status.state, "#666666")
    if status.state == ConnectionState.OK and (counts.refused or counts.parked
                                               or counts.files_not_sent):
        colour = (REFUSED_COLOUR if counts.refused or counts.files_not_sent
                  else PARKED_COLOUR)
    return " · ".join(parts), colour


def show_status(label: QLabel, sync: SyncService | None) -> None:
    if sync is None:
        label.setText(i18n.tr("sync.state.local"))
        return
    text, colour = status_text(sync.status)
    label.setText(text)
    label.setStyleSheet(f"color: {colour};")


class WaitingPage(QWidget):
    """The list of unacknowledged and set-aside records, with "sync now", "send refused
    again" and (while some are set aside) "retry set-aside records"."""

    changed = Signal()

    def __init__(self, ops: Ops, sync: SyncService | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("waiting_page")
        self.ops, self.sync = ops, sync
        self.model: PagedModel = PagedModel(ops, WAITING_COLUMNS, self)
        self.view = table_view(self.model)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        # a tapped row's whole reason: the column cuts long ones off, and a finger has no
        # tooltip
        self.detail = QLabel()
        self.detail.setObjectName("waiting_detail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.hide()
        self._detail_row: WaitingRecord | None = None
        self.sync_button = button(primary=True)
        self.retry_button = button()
        self.parked_button = button()
        self.parked_button.setObjectName("retry_parked")
        self.parked_button.hide()  # shown while records are set aside
        self._retried: sync_status.ParkedRetry | None = None  # the last retry, said
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.retry_button)
        row.addWidget(self.parked_button)
        row.addWidget(self.sync_button)
        table_page(self, self.view, self.detail, row)
        self.sync_button.clicked.connect(self.sync_now)
        self.retry_button.clicked.connect(self.retry_refused)
        self.parked_button.clicked.connect(self.retry_parked)
        self.view.clicked.connect(lambda index: self.show_detail(self.model.row_at(
            index.row())))
        self.model.modelReset.connect(lambda: self.show_detail(None))
        if sync is not None:
            sync.parked_retried.connect(self._parked_retried)
            sync.changed.connect(self._sync_changed)
        self.sync_button.setEnabled(sync is not None)
        self.retranslate()
        i18n.connect(self)

    def retranslate(self) -> None:
        self.sync_button.setText(i18n.tr("sync.now"))
        self.retry_button.setText(i18n.tr("sync.retry_refused"))
        self.parked_button.setText(i18n.tr("sync.retry_parked"))
        shown = self._detail_row
        if shown is not None:
            self.detail.setText(i18n.tr(
                "sync.detail", kind=i18n.pair(TABLE_LABELS.get(shown.table, (shown.table,
                                                                           shown.table))),
                number=shown.label, state=i18n.tr(f"sync.row.{shown.state}"),
                reason=_reason(shown) or "—"))
        done = self._retried
        self.summary.setText(i18n.tr("sync.page_hint") if done is None else i18n.tr(
            "sync.parked_retried", stored=done.stored, left=done.left))

    def show_detail(self, row: WaitingRecord | None) -> None:
        """Say a tapped row in full under the list (None: nothing)."""
        self._detail_row = row
        self.detail.setVisible(row is not None)
        self.retranslate()

    def refresh(self) -> None:
        store = self.ops.store
        self.model.set_source(lambda offset, limit: sync_status.waiting(store, offset, limit))
        self.ops.call(lambda: sync_status.overview(store), self._counted)

    def _counted(self, counts: sync_status.SyncOverview) -> None:
        self.parked_button.setVisible(counts.parked > 0)
        if self.sync is not None:
            self.sync.refresh_counts(counts)

    @Slot(object)
    def _sync_changed(self, status: SyncStatus) -> None:
        self.parked_button.setVisible(status.overview.parked > 0)

    def sync_now(self) -> None:
        if self.sync is not None:
            self.sync.sync_now("manual")

    def retry_refused(self) -> None:
        store = self.ops.store
        self.ops.call(lambda: sync_status.retry_refused(store), self._queued_again, write=True)

    def _queued_again(self, _count: int) -> None:
        self.refresh()
        self.changed.emit()
        self.sync_now()

    def retry_parked(self) -> None:
        """Sync now and, after its pull, try the set-aside records again (without an
        archive round to run: try them at once)."""
        if self.sync is not None and self.sync.status.state != ConnectionState.LOCAL:
            self.sync.sync_now("parked", retry_parked=True)
            return
        store = self.ops.store
        self.ops.call(lambda: sync_status.retry_parked(store), self._parked_retried,
                      write=True)

    @Slot(object)
    def _parked_retried(self, done: sync_status.ParkedRetry) -> None:
        self._retried = done
        self.retranslate()
        self.refresh()
        self.changed.emit()
