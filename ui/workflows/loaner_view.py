"""备机 / Loaners: the pool, who has which loaner, and which are overdue (text and colour).

A loaner is lent from its repair order (`ui.workflows.repair_view`); here it is taken back: its
condition, then the engineer's and the customer's signatures.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from fieldapp.base.device_classes import DEVICE_CLASS_LABELS
from fieldapp.base.settings import Settings
from fieldapp.base.timeutil import format_local
from fieldapp.records.events import LOANER_CONDITIONS, SignatureInput
from fieldapp.services import loaners
from fieldapp.services.loaners import LoanerRow
from fieldapp.workflows.loaners import LoanerStatus
from ui.kit import forms, i18n
from ui.kit.fields import error_label, show_error
from ui.kit.ops import Ops
from ui.kit.table_models import Column, PagedModel, table_page, table_view
from ui.visit.preview_dialog import PreviewDialog
from ui.workflows.workflow_documents import loaner_record, show_preview
from ui.workflows.workflow_widgets import PadDialog, button, message

STATUS_COLOURS = {LoanerStatus.OVERDUE: "#c62828", LoanerStatus.OUT: "#b36b00",
                  LoanerStatus.AVAILABLE: "#1b7f3b", LoanerStatus.RETIRED: "#666666"}
LENT = (LoanerStatus.OUT, LoanerStatus.OVERDUE)

LOANER_COLUMNS = (
    Column("loaner.col.tag", lambda r: r.asset_tag, width=130),
    Column("loaner.col.class", lambda r: i18n.pair(DEVICE_CLASS_LABELS.get(
        r.device_class, (r.device_class, r.device_class))), width=100),
    Column("loaner.col.grade", lambda r: r.grade, width=60),
    Column("loaner.col.description", lambda r: r.description, width=0),
    Column("loaner.col.status", lambda r: i18n.tr(f"loaner.status.{r.status}"),
           lambda r: STATUS_COLOURS[r.status], width=110),
    Column("loaner.col.repair", lambda r: r.repair_number, width=190),
    Column("loaner.col.issued_at", lambda r: format_local(r.issued_at), width=150),
    Column("loaner.col.due_back", lambda r: format_local(r.due_back_at), width=150),
)


def loaner_model(ops: Ops, parent: Any = None) -> PagedModel:
    return PagedModel(ops, LOANER_COLUMNS, parent)


class LoanersPage(QWidget):
    changed = Signal()

    def __init__(self, ops: Ops, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loaners_page")
        self.ops, self.settings = ops, settings
        self.model = loaner_model(ops, self)
        self.view = table_view(self.model)
        self.summary = QLabel()
        self.summary.setProperty("data", True)
        self.condition = QComboBox()
        self.condition_caption = QLabel()
        self.condition_caption.setBuddy(self.condition)
        self.return_button = button(primary=True)
        self.record_button = button()
        self.error = error_label()
        self.preview: PreviewDialog | None = None
        self.pad_dialog: PadDialog | None = None
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.condition_caption)
        row.addWidget(self.condition)
        row.addWidget(self.return_button)
        row.addWidget(self.record_button)
        table_page(self, self.view, self.error, row)
        self.return_button.clicked.connect(self.take_back_selected)
        self.record_button.clicked.connect(self.open_record)
        self.model.loaded.connect(self._update_summary)
        self.retranslate()
        i18n.connect(self)

    def retranslate(self) -> None:
        tr = i18n.tr
        self.condition_caption.setText(tr("loaner.condition"))
        forms.refill(self.condition, ((tr(f"loaner.condition.{c}"), c) for c in LOANER_CONDITIONS))
        self.return_button.setText(tr("loaner.take_back"))
        self.record_button.setText(tr("loaner.record"))
        self._update_summary()

    def refresh(self) -> None:
        store = self.ops.store
        self.model.set_source(lambda offset, limit: loaners.page(store, offset=offset,
                                                                 limit=limit))

    def _update_summary(self) -> None:
        rows = [self.model.row_at(i) for i in range(self.model.rowCount())]
        out = sum(1 for r in rows if r.status in LENT)
        overdue = sum(1 for r in rows if r.status == LoanerStatus.OVERDUE)
        self.summary.setText(i18n.tr("loaner.summary", total=len(rows), out=out,
                                     overdue=overdue))

    def selected(self) -> LoanerRow | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def take_back_selected(self) -> None:
        row = self.selected()
        show_error(self.error, None, "")
        if row is None or row.status not in LENT:
            show_error(self.error, None, i18n.tr("loaner.select_out"))
            return
        condition = str(self.condition.currentData())
        code, name = str(self.settings.get("operator_code")), str(
            self.settings.get("operator_name"))
        engineer = PadDialog("engineer", name, parent=self)

        def engineer_signed(eng: SignatureInput) -> None:
            summary = [("pad.loaner.tag", row.asset_tag), ("pad.repair.number",
                       row.repair_number), ("pad.loaner.condition",
                       i18n.catalogue("zh")[f"loaner.condition.{condition}"])]
            customer = PadDialog("customer", row.customer_signer, summary,
                                 "pad.loaner.return_statement", self)

            def customer_signed(cust: SignatureInput) -> None:
                entry = loaners.LoanerReturn(row.asset_tag, condition, eng, cust)
                store = self.ops.store

                def taken_back(_result: object) -> None:
                    self.refresh()
                    self.changed.emit()

                self.ops.call(lambda: loaners.take_back(store, entry, operator_code=code),
                              taken_back, self._failed, write=True)

            customer.signed.connect(customer_signed)
            customer.finished.connect(lambda _r: customer.deleteLater())
            self.pad_dialog = customer
            customer.open()

        engineer.signed.connect(engineer_signed)
        engineer.finished.connect(lambda _r: engineer.deleteLater())
        self.pad_dialog = engineer
        engineer.open()

    def open_record(self) -> None:
        """The loaner record (备机借用单) of the selected loaner's current or last loan."""
        row = self.selected()
        if row is None:
            show_error(self.error, None, i18n.tr("page.select_row"))
            return
        document = loaner_record(self.ops.store, self.settings, row.asset_tag,
                                 row.repair_number or None)
        self.preview = show_preview(self.ops, document, self.window())

    def _failed(self, exc: Exception) -> None:
        show_error(self.error, None, message(exc))
