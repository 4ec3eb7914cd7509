"""Taking a request (R2.1) and assigning it; the answer time feeds R1.1/R1.5.

Pickers are filled in the background; saving runs in the background. The phone number is
checked as it is typed; Save checks the whole form first with the core's own rules
(`service_requests.request_issues`) and shows every problem at once, each under its
field, in the user's language; nothing typed is ever cleared. The dialog never blocks on
the disk.
"""

from __future__ import annotations

import uuid
from datetime import datetime

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
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.errors import FieldappError, FieldIssue, ValidationError
from fieldapp.rules.validation import CHANNEL_LABELS, DESK_CHANNELS, phone_issues
from fieldapp.services import requests
from fieldapp.services.requests import NewRequest, Pickers
from ui.kit import i18n
from ui.kit.fields import TimeField, error_label, show_error
from ui.kit.ops import Ops


def _touch_combo() -> QComboBox:
    """A combo whose popup draws its current item (the default menu-like delegate leaves
    it blank under the app's stylesheet) and takes the stylesheet's item rules."""
    combo = QComboBox()
    combo.setItemDelegate(QStyledItemDelegate(combo))
    return combo


class RequestDialog(QDialog):
    created = Signal(object)  # request id

    def __init__(self, ops: Ops, operator_code: str, parent: QWidget | None = None, *,
                 assign_to_me: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("request_dialog")
        self.ops, self.operator_code = ops, operator_code
        self.assign_to_me = assign_to_me  # an engineer's own request is theirs to handle
        self.issues: list[FieldIssue] = []  # shown now; shown again on a language switch
        self.customer = _touch_combo()
        self.channel = _touch_combo()
        self.contact_name = QLineEdit()
        self.contact_phone = QLineEdit()
        self.fault = QPlainTextEdit()
        self.fault.setTabChangesFocus(True)
        self.fault.setFixedHeight(90)
        self.requested_at = TimeField()
        self.answered_at = TimeField()
        self.engineer = _touch_combo()
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
            # the caption names its field (screen readers, Alt+key)
            self.captions[key].setBuddy(widget.edit if isinstance(widget, TimeField) else widget)
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
        self.contact_phone.textEdited.connect(lambda _t: self._check_phone(typing=True))
        self.contact_phone.editingFinished.connect(lambda: self._check_phone(typing=False))
        self.requested_at.set_now()
        self.resize(640, 0)
        self.retranslate()
        i18n.connect(self)
        store = ops.store
        self.ops.call(lambda: requests.pickers(store), self._fill)

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
        for key, field in (("requested_at", self.requested_at),
                           ("answered_at", self.answered_at)):
            field.now_button.setText(tr("button.now"))
            field.now_button.setToolTip(tr("tooltip.now"))
            field.edit.setAccessibleName(tr(f"request.{key}"))  # its caption is a parent's
        self.save_button.setText(tr("button.save"))
        self.cancel_button.setText(tr("button.cancel"))
        self._show_issues(self.issues)

    def _fill(self, pickers: Pickers) -> None:
        for customer in pickers.customers:
            self.customer.addItem(customer.label, customer.id)
        self.engineer.addItem(i18n.tr("request.unassigned"), None)
        for engineer in pickers.engineers:
            self.engineer.addItem(engineer.label, engineer.id)
            if self.assign_to_me and engineer.code == self.operator_code:
                self.engineer.setCurrentIndex(self.engineer.count() - 1)
        self.save_button.setEnabled(bool(pickers.customers))

    # -- checks -------------------------------------------------------------------------
    def _editors(self) -> dict[str, tuple[QLabel, QWidget]]:
        """Each checked field: its error label and the widget that takes the focus."""
        editors: dict[str, QWidget] = {
            "customer_id": self.customer, "channel": self.channel,
            "contact_name": self.contact_name, "contact_phone": self.contact_phone,
            "fault_reported": self.fault}
        out: dict[str, tuple[QLabel, QWidget]] = {
            k: (self.errors[k], w) for k, w in editors.items()}
        out["requested_at"] = (self.requested_at.error, self.requested_at.edit)
        out["answered_at"] = (self.answered_at.error, self.answered_at.edit)
        return out

    def _show_issues(self, issues: list[FieldIssue]) -> None:
        """Every issue under its field (several for one field on one line each); what is
        typed stays as it is."""
        self.issues = list(issues)
        language = i18n.current()
        texts: dict[str, list[str]] = {}
        for issue in issues:
            if issue.code == "time_format":
                text = i18n.tr("error.time_format")
            else:
                text = issue.message(language)
            texts.setdefault(issue.field, []).append(text)
        for field, (label, editor) in self._editors().items():
            show_error(label, editor, "\n".join(texts.pop(field, [])))
        show_error(self.general_error, None, "\n".join(t for ts in texts.values() for t in ts))

    def _check_phone(self, *, typing: bool) -> None:
        """The phone as typed: a wrong character at once, too few digits when the field is
        left (not while the number is still being typed)."""
        found = [i for i in phone_issues("contact_phone", self.contact_phone.text())
                 if not typing or i.code == "phone_characters"]
        others = [i for i in self.issues if i.field != "contact_phone"]
        self._show_issues(others + found)

    def form_issues(self) -> tuple[list[FieldIssue], NewRequest]:
        """What is wrong with the form as typed (the core's rules), and the request."""
        issues: list[FieldIssue] = []

        def time_of(name: str, field: TimeField) -> datetime | None:
            try:
                return field.value()
            except ValueError:  # said as a format error, not as "required"
                issues.append(FieldIssue(name, "time_format", "", ""))
                return None

        new = NewRequest(
            customer_id=self.customer.currentData(), channel=self.channel.currentData(),
            fault_reported=self.fault.toPlainText(), contact_name=self.contact_name.text(),
            contact_phone=self.contact_phone.text(),
            requested_at=time_of("requested_at", self.requested_at),
            answered_at=time_of("answered_at", self.answered_at),
            engineer_id=self.engineer.currentData())
        bad_times = {i.field for i in issues}
        issues += [i for i in requests.form_issues(new) if i.field not in bad_times]
        return issues, new

    def save(self) -> None:
        issues, new = self.form_issues()
        self._show_issues(issues)
        if issues:
            first = next((editor for field, (_label, editor) in self._editors().items()
                          if any(i.field == field for i in issues)), None)
            if first is not None:
                first.setFocus()
            return
        store, code = self.ops.store, self.operator_code
        self.save_button.setEnabled(False)
        self.ops.call(lambda: requests.take_request(store, new, code), self._created,
                      self._failed, write=True)

    def _created(self, request_id: uuid.UUID) -> None:
        self.created.emit(request_id)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        """Refused after all (the store's checks): the same display, the form untouched."""
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self._show_issues(exc.issues)
            return
        self._show_issues([])
        text = exc.message(i18n.current()) if isinstance(exc, FieldappError) else str(exc)
        show_error(self.general_error, None, text)
