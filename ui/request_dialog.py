"""Taking a request (R2.1) and assigning it; the answer time feeds R1.1/R1.5.

Pickers are filled in the background; saving runs in the background; refusals appear
under the field they concern. The dialog never blocks on the disk.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from fieldapp import reference, service_requests
from fieldapp.errors import FieldappError, FieldIssue, ValidationError
from fieldapp.store.models import Customer, Engineer
from fieldapp.validation import CHANNEL_LABELS, DESK_CHANNELS
from ui import i18n
from ui.fields import TimeField, error_label, show_error
from ui.ops import Ops


def load_pickers(session: Session) -> tuple[list[tuple[uuid.UUID, str]],
                                             list[tuple[uuid.UUID, str]]]:
    customers = [(c.id, c.name) for c in reference.list_customers(session)]
    engineers = [(e.id, f"{e.code} {e.name}") for e in reference.list_engineers(session)]
    return customers, engineers


class RequestDialog(QDialog):
    created = Signal(object)  # request id

    def __init__(self, ops: Ops, operator_code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("request_dialog")
        self.ops, self.operator_code = ops, operator_code
        self.customer = QComboBox()
        self.channel = QComboBox()
        self.contact_name = QLineEdit()
        self.contact_phone = QLineEdit()
        self.fault = QPlainTextEdit()
        self.fault.setTabChangesFocus(True)
        self.fault.setFixedHeight(90)
        self.requested_at = TimeField()
        self.answered_at = TimeField()
        self.engineer = QComboBox()
        self.captions = {k: QLabel() for k in ("customer", "channel", "contact_name",
                                               "contact_phone", "fault_reported",
                                               "requested_at", "answered_at", "engineer")}
        self.errors = {k: error_label() for k in ("customer_id", "channel", "contact_name",
                                                  "contact_phone", "fault_reported")}
        self.general_error = error_label()
        self.save_button = QPushButton()
        self.save_button.setProperty("primary", True)
        self.save_button.setEnabled(False)
        self.cancel_button = QPushButton()
        widgets: dict[str, QWidget] = {
            "customer": self.customer, "channel": self.channel,
            "contact_name": self.contact_name, "contact_phone": self.contact_phone,
            "fault_reported": self.fault, "requested_at": self.requested_at,
            "answered_at": self.answered_at, "engineer": self.engineer}
        form = QFormLayout()
        for key, widget in widgets.items():
            error = self.errors.get("customer_id" if key == "customer" else key)
            if error is None:
                form.addRow(self.captions[key], widget)
                continue
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(widget)
            column.addWidget(error)
            form.addRow(self.captions[key], column)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.requested_at.set_now()
        self.resize(640, 0)
        self.retranslate()
        i18n.connect(self)
        self.ops.read(load_pickers, self._fill)

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("request.new_title"))
        for key, caption in self.captions.items():
            caption.setText(tr(f"request.{key}"))
        channel = self.channel.currentData()
        self.channel.clear()
        for value in DESK_CHANNELS:
            self.channel.addItem(i18n.pair(CHANNEL_LABELS[value]), value)
        self.channel.setCurrentIndex(max(0, self.channel.findData(channel)))
        if self.engineer.count():
            self.engineer.setItemText(0, tr("request.unassigned"))
        for field in (self.requested_at, self.answered_at):
            field.now_button.setText(tr("button.now"))
            field.now_button.setToolTip(tr("tooltip.now"))
        self.save_button.setText(tr("button.save"))
        self.cancel_button.setText(tr("button.cancel"))

    def _fill(self, pickers: tuple[list[Any], list[Any]]) -> None:
        customers, engineers = pickers
        for cid, name in customers:
            self.customer.addItem(name, cid)
        self.engineer.addItem(i18n.tr("request.unassigned"), None)
        for eid, label in engineers:
            self.engineer.addItem(label, eid)
        self.save_button.setEnabled(bool(customers))

    def save(self) -> None:
        for label in (*self.errors.values(), self.general_error):
            show_error(label, None, "")
        show_error(self.requested_at.error, self.requested_at.edit, "")
        show_error(self.answered_at.error, self.answered_at.edit, "")
        try:
            requested, answered = self.requested_at.value(), self.answered_at.value()
        except ValueError:
            show_error(self.general_error, None, i18n.tr("error.time_format"))
            return
        if requested is None:
            show_error(self.requested_at.error, self.requested_at.edit,
                       i18n.tr("error.time_required"))
            return
        values = dict(customer_id=self.customer.currentData(), channel=self.channel.currentData(),
                      fault=self.fault.toPlainText(), name=self.contact_name.text(),
                      phone=self.contact_phone.text(), engineer_id=self.engineer.currentData())
        code = self.operator_code

        def work(session: Session) -> uuid.UUID:
            engineer = (session.get_one(Engineer, values["engineer_id"])
                        if values["engineer_id"] else None)
            request = service_requests.take_request(
                session, operator_code=code, customer=session.get_one(Customer,
                                                                      values["customer_id"]),
                channel=values["channel"], fault_reported=values["fault"],
                requested_at=requested, answered_at=answered, contact_name=values["name"],
                contact_phone=values["phone"], engineer=engineer)
            return request.id

        self.save_button.setEnabled(False)
        self.ops.write(work, self._created, self._failed)

    def _created(self, request_id: uuid.UUID) -> None:
        self.created.emit(request_id)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        issues: list[FieldIssue] = exc.issues if isinstance(exc, ValidationError) else []
        for issue in issues:
            text = issue.message(i18n.current())
            if issue.field in self.errors:
                show_error(self.errors[issue.field], None, text)
            elif issue.field == "requested_at":
                show_error(self.requested_at.error, self.requested_at.edit, text)
            elif issue.field == "answered_at":
                show_error(self.answered_at.error, self.answered_at.edit, text)
            else:
                show_error(self.general_error, None, text)
        if not issues:
            text = exc.message(i18n.current()) if isinstance(exc, FieldappError) else str(exc)
            show_error(self.general_error, None, text)
