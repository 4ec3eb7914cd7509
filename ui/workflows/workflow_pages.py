"""The workflow tabs of the main window: 送修 / Repairs and 投诉 / Complaints.

Each is a list (lazy `PagedModel` over a service's `page`: `fieldapp.services.repairs`,
`.complaints`) with its actions under it; opening a row opens its screen. (备机 / Loaners
and 待答复问题 / Open questions have their own modules.)
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from fieldapp.base.timeutil import format_local
from fieldapp.services import complaints, repairs
from fieldapp.workflows.repair import STATUS_LABELS as REPAIR_STATUS
from ui.kit import i18n
from ui.kit.fields import error_label, show_error
from ui.kit.ops import Ops
from ui.kit.table_models import Column, PagedModel, table_page, table_view
from ui.workflows.complaint_view import complaint_model
from ui.workflows.workflow_widgets import button, clock_colour, clock_text

REPAIR_COLUMNS = (
    Column("repair.col.number", lambda r: r.number, width=190),
    Column("col.customer", lambda r: r.customer_name, width=170),
    Column("repair.col.device", lambda r: r.device, width=200),
    Column("col.status", lambda r: i18n.pair(REPAIR_STATUS[r.status]), width=220),
    Column("repair.col.clock", lambda r: clock_text(r.clock_state, r.deadline),
           lambda r: clock_colour(r.clock_state), width=0),
    Column("repair.col.received_at", lambda r: format_local(r.received_at), width=150),
)


def repair_model(ops: Ops, parent: Any = None) -> PagedModel:
    return PagedModel(ops, REPAIR_COLUMNS, parent)


class ListPage(QWidget):
    """A list with buttons under it; `open_row(id)` when a row is opened."""

    open_row = Signal(object)

    def __init__(self, ops: Ops, model: PagedModel, buttons: tuple[str, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops, self.model = ops, model
        self.view = table_view(model)
        self.buttons = {key: button(primary=i == 0) for i, key in enumerate(buttons)}
        self.error = error_label()
        row = QHBoxLayout()
        row.addWidget(self.error, 1)
        for b in self.buttons.values():
            row.addWidget(b)
        table_page(self, self.view, row)
        self.view.activated.connect(lambda _i: self.open_selected())
        self.view.doubleClicked.connect(lambda _i: self.open_selected())
        if "open" in self.buttons:
            self.buttons["open"].clicked.connect(self.open_selected)
        self.retranslate()
        i18n.connect(self)

    def retranslate(self) -> None:
        for key, b in self.buttons.items():
            b.setText(i18n.tr(f"page.{key}"))

    def open_selected(self) -> None:
        index = self.view.currentIndex()
        show_error(self.error, None, "" if index.isValid() else i18n.tr("page.select_row"))
        if index.isValid():
            self.open_row.emit(self.model.row_at(index.row()).id)


class RepairsPage(ListPage):
    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, repair_model(ops), ("open",), parent)
        self.setObjectName("repairs_page")
        self.model.setParent(self)

    def refresh(self) -> None:
        store = self.ops.store
        self.model.set_source(lambda offset, limit: repairs.page(store, offset=offset,
                                                                 limit=limit))


class ComplaintsPage(ListPage):
    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, complaint_model(ops), ("new_complaint", "open"), parent)
        self.setObjectName("complaints_page")
        self.model.setParent(self)

    def refresh(self) -> None:
        store = self.ops.store
        self.model.set_source(lambda offset, limit: complaints.page(store, offset=offset,
                                                                    limit=limit))
