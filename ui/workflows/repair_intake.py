"""The send-in intake (硬件送修, R3.1), also the device-fault escalation (R4.2).

Company contact, fault, 接受/到达/离开 times (each with Now), the device details prefilled
from the request, accessories, and the engineer's signature on the pad. Saving writes the
sealed intake in the background (`repair.open_repair`, or `escalation.escalate_device_fault`
when it comes from the Escalate dialog) through `fieldapp.services.repairs.send_in` and
emits `opened(repair_id)`.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.device_classes import DEVICE_CLASS_LABELS, DEVICE_CLASSES, device_class_from_text
from fieldapp.base.errors import ValidationError
from fieldapp.records.events import SignatureInput
from fieldapp.services import repairs
from fieldapp.services.repairs import EscalationInfo, IntakeDefaults, RepairIntake
from ui.kit import forms, i18n
from ui.kit.fields import TimeField, error_label, show_error
from ui.kit.fit import scroll_body
from ui.kit.ops import Ops
from ui.visit.signature_pad import PAD_HEIGHT, PAD_WIDTH, SignaturePad
from ui.workflows.workflow_widgets import button, message

TIMES = ("received_at", "arrived_at", "departed_at")
DEVICE_FIELDS = ("device_type", "device_class", "device_grade", "brand", "model", "serial",
                 "asset_tag", "accessories")


class RepairIntakeDialog(QDialog):
    opened = Signal(object)  # repair order id

    def __init__(self, ops: Ops, operator_code: str, operator_name: str,
                 request_id: uuid.UUID, slip_id: uuid.UUID | None = None,
                 escalate: EscalationInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("repair_intake")
        self.ops, self.operator_code = ops, operator_code
        self.request_id, self.slip_id, self.escalate = request_id, slip_id, escalate
        self.heading = QLabel()
        self.heading.setProperty("role", "heading")
        self.source = QLabel()
        self.source.setProperty("data", True)
        self.contact_box, self.device_box, self.sign_box = QGroupBox(), QGroupBox(), QGroupBox()
        self.company_contact, self.contact_phone = QLineEdit(), QLineEdit()
        self.fault = QPlainTextEdit()
        self.fault.setTabChangesFocus(True)
        self.fault.setFixedHeight(80)
        self.times = {t: TimeField() for t in TIMES}
        self.errors = {k: error_label() for k in ("company_contact", "contact_phone",
                                                  "fault_description", "signature")}
        self.captions = forms.captioned_rows(QFormLayout(self.contact_box), [
            *((key, forms.with_error(widget, self.errors[key]))
              for key, widget in (("company_contact", self.company_contact),
                                  ("contact_phone", self.contact_phone),
                                  ("fault_description", self.fault))),
            *self.times.items()])
        self.device: dict[str, QLineEdit | QComboBox] = {f: QLineEdit() for f in DEVICE_FIELDS}
        # the class in words (打印机), chosen or typed; a typed word or code is understood
        self.device["device_class"] = self.device_class = QComboBox()
        self.device_class.setEditable(True)
        grid = QGridLayout(self.device_box)
        for i, f in enumerate(DEVICE_FIELDS):
            self.captions[f] = QLabel()
            self.captions[f].setBuddy(self.device[f])
            grid.addWidget(self.captions[f], i // 2, (i % 2) * 2)
            grid.addWidget(self.device[f], i // 2, (i % 2) * 2 + 1)
        self.pad = SignaturePad()
        self.pad.setMinimumHeight(160)
        self.signer = QLineEdit(operator_name)
        self.signer_caption = QLabel()
        self.clear_button = button()
        sign = QVBoxLayout(self.sign_box)
        sign.addWidget(self.pad)
        row = QHBoxLayout()
        row.addWidget(self.signer_caption)
        row.addWidget(self.signer, 1)
        row.addWidget(self.clear_button)
        sign.addLayout(row)
        sign.addWidget(self.errors["signature"])
        self.general_error = error_label()
        self.save_button, self.cancel_button = button(primary=True), button()
        self.save_button.setEnabled(False)
        body = QWidget()
        layout = QVBoxLayout(body)
        for part in (self.heading, self.source, self.contact_box, self.device_box,
                     self.sign_box):
            layout.addWidget(part)
        scroll = scroll_body(body)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addLayout(forms.button_row(self.cancel_button, self.save_button,
                                         error=self.general_error))
        self.clear_button.clicked.connect(self.pad.clear)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        self.resize(960, 680)
        self.retranslate()
        i18n.connect(self)
        store = ops.store
        ops.call(lambda: repairs.intake_defaults(store, request_id, slip_id), self._fill,
                 self._failed)

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("intake.title"))
        self.heading.setText(tr("intake.escalated_heading" if self.escalate else
                                "intake.heading"))
        self.contact_box.setTitle(tr("intake.contact_box"))
        self.device_box.setTitle(tr("intake.device_box"))
        self.sign_box.setTitle(tr("intake.sign_box"))
        forms.name_captions(self.captions, "intake")
        typed = self.device_class.currentText()
        code = device_class_from_text(typed) if typed else ""
        self.device_class.clear()
        for value in DEVICE_CLASSES:
            self.device_class.addItem(i18n.pair(DEVICE_CLASS_LABELS[value]), value)
        self._show_device_class(code)
        self.signer_caption.setText(tr("sign.name"))
        self.clear_button.setText(tr("sign.clear"))
        self.save_button.setText(tr("intake.save"))
        self.cancel_button.setText(tr("button.cancel"))

    def _fill(self, values: IntakeDefaults) -> None:
        self.source.setText(f"{values.request_number} · {values.customer_name}")
        self.company_contact.setText(values.company_contact)
        self.contact_phone.setText(values.contact_phone)
        self.fault.setPlainText(values.fault_description)
        for t, field in self.times.items():
            field.set_value(getattr(values, t))
        for f, edit in self.device.items():
            if isinstance(edit, QLineEdit):
                edit.setText(getattr(values, f))
        self._show_device_class(values.device_class)
        self.save_button.setEnabled(True)

    def _failed(self, exc: Exception) -> None:
        show_error(self.general_error, None, message(exc))
        self.save_button.setEnabled(True)

    def intake(self) -> RepairIntake | None:
        """The typed intake; None (with the error shown) when a time cannot be read."""
        moments: dict[str, datetime] = {}
        for t, field in self.times.items():
            try:
                moment = field.value()
            except ValueError:
                show_error(field.error, field.edit, i18n.tr("error.time_format"))
                return None
            show_error(field.error, field.edit, "" if moment else
                       i18n.tr("intake.time_required"))
            if moment is None:
                return None
            moments[t] = moment
        device = {f: e.text() for f, e in self.device.items() if isinstance(e, QLineEdit)}
        return RepairIntake(
            company_contact=self.company_contact.text(), contact_phone=self.contact_phone.text(),
            fault_description=self.fault.toPlainText(),
            engineer_signature=SignatureInput(self.signer.text(), self.pad.strokes(),
                                              PAD_WIDTH, PAD_HEIGHT),
            received_at=moments["received_at"], arrived_at=moments["arrived_at"],
            departed_at=moments["departed_at"],
            device_type=device["device_type"], device_grade=device["device_grade"],
            brand=device["brand"], model=device["model"], serial=device["serial"],
            asset_tag=device["asset_tag"], accessories=device["accessories"],
            device_class=device_class_from_text(self.device_class.currentText()))

    def _show_device_class(self, code: str) -> None:
        """The class in words; empty when the request names no device."""
        index = self.device_class.findData(code) if code else -1
        self.device_class.setCurrentIndex(index)
        if index < 0:
            self.device_class.setEditText(code)  # a class the archive added: as stored

    def save(self) -> None:
        for label in self.errors.values():
            show_error(label, None, "")
        show_error(self.general_error, None, "")
        if self.pad.is_empty():
            show_error(self.errors["signature"], None, i18n.tr("intake.sign_first"))
            return
        intake = self.intake()
        if intake is None:
            return
        self.save_button.setEnabled(False)
        store, request_id, slip_id, code, escalated = (
            self.ops.store, self.request_id, self.slip_id, self.operator_code, self.escalate)
        self.ops.call(lambda: repairs.send_in(store, request_id, intake, operator_code=code,
                                              slip_id=slip_id, escalated=escalated),
                      self._saved, self._refused, write=True)

    def _saved(self, repair_id: uuid.UUID) -> None:
        self.opened.emit(repair_id)
        self.accept()

    def _refused(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        if not isinstance(exc, ValidationError):
            show_error(self.general_error, None, message(exc))
            return
        rest = []
        for issue in exc.issues:
            key = "signature" if issue.field.startswith("signature") else issue.field
            if key in self.errors:
                show_error(self.errors[key], None, issue.message(i18n.current()))
            elif key in self.times:
                field = self.times[key]
                show_error(field.error, field.edit, issue.message(i18n.current()))
            else:
                rest.append(issue.message(i18n.current()))
        show_error(self.general_error, None, "\n".join(rest))
