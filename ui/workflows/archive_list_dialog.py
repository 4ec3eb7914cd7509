"""The shape the staff's live archive lists share (tasks, dossier review): a hint, the
rows fetched from the archive on the network (`ops.run`, not the store's queue), the
selected row's detail in two lines, a one-line error, and a row of actions. A subclass
names its columns, how rows are fetched and shown, and adds its own fields and buttons.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLayout, QVBoxLayout, QWidget

from fieldapp.base.settings import Settings
from ui.kit.fields import error_label, show_error
from ui.kit.ops import Ops
from ui.kit.table_models import Column, PagedModel, table_view
from ui.workflows.workflow_widgets import button, data_label, message


class ArchiveListDialog(QDialog):
    row_type: type = object  # what `selected` returns (the service's row class)

    def __init__(self, ops: Ops, settings: Settings, columns: Sequence[Column],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops, self.settings = ops, settings
        self.rows: tuple[Any, ...] = ()
        self.done_text = ""  # what the last action did, shown until a row is chosen
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.model = PagedModel(ops, tuple(columns), self)
        self.view = table_view(self.model)
        self.detail = data_label()
        # two lines kept: a label re-laid-out on every selection lagged behind it
        self.detail.setMinimumHeight(2 * self.detail.fontMetrics().lineSpacing() + 4)
        self.refresh_button, self.close_button = button(), button()
        self.error = error_label()
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.refresh_button.clicked.connect(self.refresh)
        self.close_button.clicked.connect(self.accept)

    def lay_out(self, actions: QLayout, fields: QLayout | None = None) -> None:
        """Hint, list, detail, the subclass's fields, the error, its actions."""
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.detail)
        if fields is not None:
            layout.addLayout(fields)
        layout.addWidget(self.error)
        layout.addLayout(actions)
        self.resize(1100, 560)

    def action_row(self, *widgets: QWidget, leading: Sequence[QWidget] = (),
                   stretch: QWidget | None = None) -> QHBoxLayout:
        """`leading` and refresh on the left, `stretch` (a field) and `widgets` then close
        on the right."""
        actions = QHBoxLayout()
        for widget in (*leading, self.refresh_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        if stretch is not None:
            actions.addWidget(stretch, 1)
        for widget in (*widgets, self.close_button):
            actions.addWidget(widget)
        return actions

    # -- what a subclass gives -----------------------------------------------------------
    def fetch(self) -> Callable[[], tuple[Any, ...]]:
        """The call (run off the GUI thread) that fetches the rows."""
        raise NotImplementedError

    def _show_detail(self) -> None:
        raise NotImplementedError

    def busy_buttons(self) -> tuple[QWidget, ...]:
        return (self.refresh_button,)

    # -- shared behaviour ----------------------------------------------------------------
    def _busy(self, busy: bool) -> None:
        for widget in self.busy_buttons():
            widget.setEnabled(not busy)

    def refresh(self) -> None:
        show_error(self.error, None, "")
        self._busy(True)
        self.ops.run(self.fetch(), self._fetched, self._failed)

    def _fetched(self, rows: tuple[Any, ...]) -> None:
        self._busy(False)
        self.rows = rows
        self.model.set_source(lambda offset, limit: list(rows[offset:offset + limit]))
        self._show_detail()

    def _failed(self, exc: Exception) -> None:
        self._busy(False)
        show_error(self.error, None, message(exc))

    def selected(self) -> Any | None:
        index = self.view.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        return row if isinstance(row, self.row_type) else None
