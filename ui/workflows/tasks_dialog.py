"""任务 / Tasks: what the archive made for the account managers and the centre — a
proactive finding, a breached SLA clock, a complaint past its promised answer time
(issue 20 item 5) — listed from the archive and marked done there. Thin: the rows come
from `fieldapp.services.tasks`, on the network through `ops.run`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLineEdit, QWidget

from fieldapp.base.settings import Settings
from fieldapp.base.timeutil import format_local
from fieldapp.services import tasks
from fieldapp.services.tasks import CAUSE_LABELS, TaskRow
from ui.kit import i18n
from ui.kit.fields import show_error
from ui.kit.ops import Ops
from ui.kit.table_models import Column
from ui.workflows.archive_list_dialog import ArchiveListDialog
from ui.workflows.workflow_widgets import button


def _title(row: TaskRow) -> str:
    return i18n.pair((row.title_zh, row.title_en))


def _state(row: TaskRow) -> str:
    if row.done_at is None:
        return i18n.tr("task.state.open")
    return i18n.tr("task.state.done", who=row.done_by, when=format_local(row.done_at))


TASK_COLUMNS = (
    Column("task.col.number", lambda r: str(r.number), width=70),
    Column("task.col.created", lambda r: format_local(r.created_at), width=150),
    Column("task.col.cause", lambda r: i18n.pair(CAUSE_LABELS.get(r.cause, (r.cause, r.cause))),
           width=130),
    Column("col.customer", lambda r: r.customer_name, width=170),
    Column("task.col.assignee", lambda r: r.assignee or i18n.tr("task.centre"), width=110),
    Column("task.col.state", _state, width=120),
    Column("task.col.title", _title, width=0),
)


class TasksDialog(ArchiveListDialog):
    row_type = TaskRow

    def __init__(self, ops: Ops, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(ops, settings, TASK_COLUMNS, parent)
        self.setObjectName("tasks_dialog")
        self.done_by = QLineEdit()
        self.done_by.setProperty("data", True)  # a person's name
        self.show_all = button()
        self.show_all.setCheckable(True)
        self.done_button = button(primary=True)
        self.lay_out(self.action_row(self.done_button, leading=(self.show_all,),
                                     stretch=self.done_by))
        self.show_all.toggled.connect(lambda _on: self.refresh())
        self.done_button.clicked.connect(self.mark_done)
        self.retranslate()
        i18n.connect(self)
        self.refresh()

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("task.title"))
        self.hint.setText(tr("task.hint"))
        self.show_all.setText(tr("task.show_all"))
        self.refresh_button.setText(tr("task.refresh"))
        self.done_by.setPlaceholderText(tr("task.done_by_placeholder"))
        self.done_button.setText(tr("task.done"))
        self.close_button.setText(tr("button.close"))
        self._show_detail()

    def busy_buttons(self) -> tuple[QWidget, ...]:
        return (self.refresh_button, self.done_button)

    def fetch(self) -> Callable[[], tuple[TaskRow, ...]]:
        settings, open_only = self.settings, not self.show_all.isChecked()
        return lambda: tasks.fetch(settings, open_only=open_only)

    def _show_detail(self) -> None:
        row = self.selected()
        if row is None:
            self.detail.setText(self.done_text or ("" if self.rows else i18n.tr("task.none")))
            return
        self.detail.setText(i18n.tr("task.detail", title=_title(row), reference=row.reference))

    def mark_done(self) -> None:
        show_error(self.error, None, "")
        self.done_text = ""
        row = self.selected()
        if row is None:
            show_error(self.error, None, i18n.tr("task.none_selected"))
            return
        settings, who = self.settings, self.done_by.text()
        self._busy(True)
        self.ops.run(lambda: tasks.mark_done(settings, row.number, done_by=who),
                     self._marked, self._failed)

    def _marked(self, row: TaskRow) -> None:
        self.done_text = i18n.tr("task.marked", number=row.number, who=row.done_by)
        self.refresh()
