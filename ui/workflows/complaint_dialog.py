"""Record a complaint as received (R5): what it is about, the linked slips, the routing.

The routing (R5.1/R5.2: engineer or technical contact → the account manager; the account
manager or the whole service event → the service centre hotline) is shown as soon as the
subject is chosen, from the core's pure `route_complaint`.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.errors import ValidationError
from fieldapp.services import complaints
from fieldapp.services.complaints import Choices, SlipChoice
from fieldapp.store.values import ComplaintAbout, ComplaintRouting
from fieldapp.workflows.complaints import (
    ABOUT_LABELS,
    ABOUTS,
    DEFAULT_RESPONSE_HOURS,
    ROUTE_LABELS,
    VIA,
    route_complaint,
)
from ui.kit import forms, i18n
from ui.kit.fields import TimeField, error_label, show_error
from ui.kit.fit import scroll_body
from ui.kit.ops import Ops
from ui.workflows.workflow_widgets import button, data_label, message


class ComplaintDialog(QDialog):
    created = Signal(object)  # complaint id

    def __init__(self, ops: Ops, operator_code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("complaint_dialog")
        self.ops, self.operator_code = ops, operator_code
        self.managers: dict[uuid.UUID, str] = {}
        self.customer, self.about, self.engineer = QComboBox(), QComboBox(), QComboBox()
        self.engineer.setProperty("data", True)  # engineers' names are data
        self.subject_name = QLineEdit()
        self.route = data_label()
        self.route.setProperty("role", "notice")
        self.slips = QListWidget()
        self.slips.setFixedHeight(130)
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(90)
        self.via = QComboBox()
        self.received_at = TimeField()
        self.hours = QSpinBox()
        self.hours.setRange(1, 24 * 30)
        self.hours.setValue(DEFAULT_RESPONSE_HOURS)
        self.error = error_label()
        self.save_button, self.cancel_button = button(primary=True), button()
        self.save_button.setEnabled(False)
        form = QFormLayout()
        self.captions = forms.captioned_rows(form, (
            ("customer", self.customer), ("about", self.about), ("engineer", self.engineer),
            ("subject_name", self.subject_name), ("route", self.route), ("slips", self.slips),
            ("description", self.description), ("via", self.via),
            ("received_at", self.received_at), ("hours", self.hours)))
        body = QWidget()
        QVBoxLayout(body).addLayout(form)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll_body(body), 1)
        layout.addLayout(forms.button_row(self.cancel_button, self.save_button, error=self.error))
        self.about.currentIndexChanged.connect(lambda _i: self._about_changed())
        self.customer.currentIndexChanged.connect(lambda _i: self._customer_changed())
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.resize(820, 680)
        self.retranslate()
        i18n.connect(self)
        store = ops.store
        ops.call(lambda: complaints.choices(store), self._fill, self._failed)

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("complaint.new_title"))
        forms.name_captions(self.captions, "complaint.field")
        forms.refill(self.about, ((i18n.pair(ABOUT_LABELS[a]), a) for a in ABOUTS), quiet=True)
        forms.refill(self.via, ((tr(f"complaint.via.{v}"), v) for v in VIA), quiet=True)
        self.hours.setSuffix(tr("complaint.hours_suffix"))
        self.save_button.setText(tr("complaint.save"))
        self.cancel_button.setText(tr("button.cancel"))
        self._about_changed()

    def _fill(self, choices: Choices) -> None:
        self.managers = {c.id: c.account_manager for c in choices.customers}
        self.customer.blockSignals(True)
        for c in choices.customers:
            self.customer.addItem(c.name, c.id)
        self.customer.blockSignals(False)
        for code, label in choices.engineers:
            self.engineer.addItem(label, code)
        self.received_at.set_now()
        self.save_button.setEnabled(True)
        self._customer_changed()

    def _customer_changed(self) -> None:
        customer_id = self.customer.currentData()
        self._about_changed()
        if customer_id is not None:
            store = self.ops.store
            self.ops.call(lambda: complaints.customer_slips(store, customer_id),
                          lambda slips: self._show_slips(customer_id, slips), self._failed)

    def _show_slips(self, customer_id: uuid.UUID, slips: tuple[SlipChoice, ...]) -> None:
        if customer_id != self.customer.currentData():
            return  # the answer for a customer no longer chosen
        self.slips.clear()
        for slip in slips:
            item = QListWidgetItem(slip.label)
            item.setData(Qt.ItemDataRole.UserRole, slip.number)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.slips.addItem(item)

    def checked_slips(self) -> list[str]:
        return [self.slips.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.slips.count())
                if self.slips.item(i).checkState() == Qt.CheckState.Checked]

    def _about_changed(self) -> None:
        about = self.about.currentData() or ABOUTS[0]
        is_engineer = about == ComplaintAbout.ENGINEER
        self.engineer.setVisible(is_engineer)
        self.captions["engineer"].setVisible(is_engineer)
        self.subject_name.setVisible(about in (ComplaintAbout.TECHNICAL_CONTACT,
                                               ComplaintAbout.ACCOUNT_MANAGER))
        self.captions["subject_name"].setVisible(self.subject_name.isVisibleTo(self))
        route = route_complaint(about)
        manager = self.managers.get(self.customer.currentData(), "")
        text = i18n.pair(ROUTE_LABELS[route.target])
        if route.target == ComplaintRouting.ACCOUNT_MANAGER and manager:
            text = i18n.tr("complaint.route_to_manager", route=text, name=manager)
        self.route.setText(text)

    def save(self) -> None:
        show_error(self.error, None, "")
        try:
            received = self.received_at.value()  # empty: now
        except ValueError:
            show_error(self.received_at.error, self.received_at.edit,
                       i18n.tr("error.time_format"))
            return
        entry = complaints.NewComplaint(
            customer_id=self.customer.currentData(), about=self.about.currentData(),
            description=self.description.toPlainText(), received_via=self.via.currentData(),
            received_at=received, recorded_by=self.operator_code,
            subject_name=self.subject_name.text(),
            engineer_code=self.engineer.currentData() or "",
            slip_numbers=tuple(self.checked_slips()), response_hours=self.hours.value())
        self.save_button.setEnabled(False)
        store = self.ops.store
        self.ops.call(lambda: complaints.record(store, entry), self._saved, self._refused,
                      write=True)

    def _failed(self, exc: Exception) -> None:
        show_error(self.error, None, message(exc))

    def _saved(self, complaint_id: uuid.UUID) -> None:
        self.created.emit(complaint_id)
        self.accept()

    def _refused(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        text = ("\n".join(i.message(i18n.current()) for i in exc.issues)
                if isinstance(exc, ValidationError) else message(exc))
        show_error(self.error, None, text)
