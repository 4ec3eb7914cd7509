"""待同步 / Waiting to sync: what this laptop has not yet had acknowledged by the archive.

Refused records come first, each with the archive's reason in the user's language; they
stay here (never dropped) until they change or the engineer sends them again. The status
line says offline / syncing / N waiting / last success / errors, in text and colour.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from fieldapp.base.timeutil import format_local
from fieldapp.services import sync_status
from fieldapp.sync.status import TABLE_LABELS, WaitingRecord
from ui.kit import i18n
from ui.kit.ops import Ops
from ui.kit.table_models import Column, PagedModel, table_view
from ui.sync.sync_badge import problem_text
from ui.sync.sync_service import SyncService, SyncStatus
from ui.workflows.workflow_widgets import button

STATE_COLOURS = {"ok": "#1b7f3b", "syncing": "#1565c0", "offline": "#b36b00",
                 "login": "#b36b00", "error": "#c62828", "local": "#666666"}
REFUSED_COLOUR = "#c62828"


def _reason(row: WaitingRecord) -> str:
    return row.reason_zh if i18n.current() == "zh" else row.reason_en or row.reason_zh


WAITING_COLUMNS = (
    Column("sync.col.kind", lambda r: i18n.pair(TABLE_LABELS.get(r.table, (r.table, r.table))),
           width=110),
    Column("sync.col.number", lambda r: r.label, width=200),
    Column("sync.col.state", lambda r: i18n.tr(f"sync.row.{r.state}"),
           lambda r: REFUSED_COLOUR if r.state == "refused" else None, width=90),
    Column("sync.col.reason", _reason, width=0),
    Column("sync.col.since", lambda r: format_local(r.enqueued_at), width=150),
    Column("sync.col.attempts", lambda r: str(r.attempts), width=100),
)


def status_text(status: SyncStatus) -> tuple[str, str]:
    """The status line and its colour: never colour alone."""
    tr, counts = i18n.tr, status.overview
    parts = [tr(f"sync.state.{status.state}")]
    if counts.pending:
        parts.append(tr("sync.pending", count=counts.pending))
    if counts.refused:
        parts.append(tr("sync.refused", count=counts.refused))
    if counts.last_success_at is not None:
        parts.append(tr("sync.last_success", time=format_local(counts.last_success_at)))
    if status.state in ("error", "login"):
        parts.append(problem_text(status))  # in the app's terms, never the CLI's
    if status.clock_skew_flagged:
        parts.append(tr("sync.clock_skew", seconds=counts.clock_skew_seconds))
    colour = REFUSED_COLOUR if counts.refused and status.state == "ok" else STATE_COLOURS.get(
        status.state, "#666666")
    return " · ".join(parts), colour


def show_status(label: QLabel, sync: SyncService | None) -> None:
    if sync is None:
        label.setText(i18n.tr("sync.state.local"))
        return
    text, colour = status_text(sync.status)
    label.setText(text)
    label.setStyleSheet(f"color: {colour};")


class WaitingPage(QWidget):
    """The list of unacknowledged records, with "sync now" and "send refused again"."""

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
        self.sync_button = button(primary=True)
        self.retry_button = button()
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.retry_button)
        row.addWidget(self.sync_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        self.sync_button.clicked.connect(self.sync_now)
        self.retry_button.clicked.connect(self.retry_refused)
        self.sync_button.setEnabled(sync is not None)
        self.retranslate()
        i18n.connect(self)

    def retranslate(self) -> None:
        self.sync_button.setText(i18n.tr("sync.now"))
        self.retry_button.setText(i18n.tr("sync.retry_refused"))
        self.summary.setText(i18n.tr("sync.page_hint"))

    def refresh(self) -> None:
        store = self.ops.store
        self.model.set_source(lambda offset, limit: sync_status.waiting(store, offset, limit))
        if self.sync is not None:
            self.ops.call(lambda: sync_status.overview(store), self.sync.refresh_counts)

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
