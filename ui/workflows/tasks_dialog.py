"""任务 / Tasks: what the archive made for the account managers and the centre — a
proactive finding, a breached SLA clock, a complaint past its promised answer time
(issue 20 item 5) — listed from the archive and marked done there. Thin: the rows come
from `fieldapp.services.tasks`, on the network through `ops.run`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from fieldapp.base.settings import Settings
from fieldapp.base.timeutil import format_local
from fieldapp.services import tasks
from fieldapp.services.tasks import CAUSE_LABELS, TaskRow
from ui.kit import i18n
from ui.kit.fields import error_label, show_error
from ui.kit.ops import Ops
from ui.kit.table_models import Column, PagedModel, table_view
from ui.workflows.workflow_widgets import button, data_label, message


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


class TasksDialog(QDialog):
    def __init__(self, ops: Ops, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tasks_dialog")
        self.ops, self.settings = ops, settings
        self.rows: tuple[TaskRow, ...] = ()
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.model = PagedModel(ops, TASK_COLUMNS, self)
        self.view = table_view(self.model)
        self.detail = data_label()
        # what it is and what it concerns: two lines, kept (a re-laid-out label lagged)
        self.detail.setMinimumHeight(2 * self.detail.fontMetrics().lineSpacing() + 4)
        self.done_by = QLineEdit()
        self.done_by.setProperty("data", True)  # a person's name
        self.show_all = button()
        self.show_all.setCheckable(True)
        self.refresh_button, self.close_button = button(), button()
        self.done_button = button(primary=True)
        self.error = error_label()
        actions = QHBoxLayout()
        actions.addWidget(self.show_all)
        actions.addWidget(self.refresh_button)
        actions.addStretch(1)
        actions.addWidget(self.done_by, 1)
        actions.addWidget(self.done_button)
        actions.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.error)
        layout.addLayout(actions)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.show_all.toggled.connect(lambda _on: self.refresh())
        self.refresh_button.clicked.connect(self.refresh)
        self.done_button.clicked.connect(self.mark_done)
        self.close_button.clicked.connect(self.accept)
        self.resize(1100, 560)
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

    def refresh(self) -> None:
        show_error(self.error, None, "")
        settings, open_only = self.settings, not self.show_all.isChecked()
        self.refresh_button.setEnabled(False)
        self.ops.run(lambda: tasks.fetch(settings, open_only=open_only), self._fetched,
                     self._failed)  # on the network: not the store's queue

    def _fetched(self, rows: tuple[TaskRow, ...]) -> None:
        self.refresh_button.setEnabled(True)
        self.rows = rows
        self.model.set_source(lambda offset, limit: list(rows[offset:offset + limit]))
        if not rows:
            self.detail.setText(i18n.tr("task.none"))

    def _failed(self, exc: Exception) -> None:
        self.refresh_button.setEnabled(True)
        self.done_button.setEnabled(True)
        show_error(self.error, None, message(exc))

    def selected(self) -> TaskRow | None:
        index = self.view.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        return row if isinstance(row, TaskRow) else None

    def _show_detail(self) -> None:
        row = self.selected()
        if row is None:
            self.detail.setText("" if self.rows else i18n.tr("task.none"))
            return
        self.detail.setText(i18n.tr("task.detail", title=_title(row), reference=row.reference))

    def mark_done(self) -> None:
        show_error(self.error, None, "")
        row = self.selected()
        if row is None:
            show_error(self.error, None, i18n.tr("task.none_selected"))
            return
        settings, who = self.settings, self.done_by.text()
        self.done_button.setEnabled(False)
        self.ops.run(lambda: tasks.mark_done(settings, row.number, done_by=who),
                     self._marked, self._failed)

    def _marked(self, row: TaskRow) -> None:
        self.done_button.setEnabled(True)
        self.refresh()
        self.detail.setText(i18n.tr("task.marked", number=row.number, who=row.done_by))
