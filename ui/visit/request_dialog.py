"""Taking a request (R2.1) and assigning it; the answer time feeds R1.1/R1.5.

Customer → site (in the city or not: R1.2's promise follows it) → device (the customer's,
or a new one: class, brand, model, serial, asset tag) → contact (the customer's, or a new
one kept with the request). A barcode scanner types a serial or asset tag and Enter into
the scan field: the customer's device is chosen, another customer's is refused in one
line, an unknown code becomes the new device's serial. Everything is reachable by touch.

Pickers are filled in the background; saving runs in the background. The phone number is
checked as it is typed; Save checks the whole form first with the core's own rules
(`service_requests.request_issues`) and shows every problem at once, each under its
field, in the user's language; nothing typed is ever cleared. The dialog never blocks on
the disk.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.device_classes import DEVICE_CLASS_LABELS
from fieldapp.base.errors import FieldappError, FieldIssue, NotFound, ValidationError
from fieldapp.rules.validation import (
    DESK_INTAKE_CHANNELS,
    INTAKE_CHANNEL_LABELS,
    SERVICE_KIND_LABELS,
    SERVICE_KINDS,
    phone_issues,
)
from fieldapp.services import requests
from fieldapp.services.requests import (
    CustomerItems,
    DeviceChoice,
    NewDevice,
    NewRequest,
    Pickers,
)
from fieldapp.sla import ServiceKind
from ui.kit import forms, i18n
from ui.kit.fields import TimeField, error_label, show_error
from ui.kit.ops import Ops


def _touch_combo() -> QComboBox:
    """A combo whose popup draws its current item (the default menu-like delegate leaves
    it blank under the app's stylesheet) and takes the stylesheet's item rules."""
    combo = QComboBox()
    combo.setItemDelegate(QStyledItemDelegate(combo))
    return combo


NEW = "new"  # the device or contact combo's "a new one" item


class ScanField(QLineEdit):
    """Where a barcode scanner types: Enter looks the code up and stays here (it neither
    saves the form nor moves on), ready for the next scan."""

    scanned = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            if self.text().strip():
                self.scanned.emit(self.text().strip())
            return
        super().keyPressEvent(event)


def _index_of(combo: QComboBox, value: object) -> int:
    """The item holding `value` (ids compare by value; Qt's findData compares Python
    objects by identity), else 0: the combo's "none" item."""
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), 0)


def _retain(widget: QWidget) -> None:
    """Hidden, it keeps its room: the dialog does not jump as it shows and hides."""
    policy = widget.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    widget.setSizePolicy(policy)


def _matches(device: DeviceChoice, code: str) -> bool:
    code = code.strip().lower()
    return bool(code) and code in (device.serial.lower(), device.asset_tag.lower())


class RequestDialog(QDialog):
    created = Signal(object)  # request id

    def __init__(self, ops: Ops, operator_code: str, parent: QWidget | None = None, *,
                 assign_to_me: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("request_dialog")
        self.ops, self.operator_code = ops, operator_code
        self.assign_to_me = assign_to_me  # an engineer's own request is theirs to handle
        self.issues: list[FieldIssue] = []  # shown now; shown again on a language switch
        self.items: CustomerItems | None = None  # the chosen customer's, once loaded
        self.customer = _touch_combo()
        self.site = _touch_combo()
        self.scan = ScanField()
        self.device = _touch_combo()
        self.device_class = _touch_combo()
        self.brand, self.model = QLineEdit(), QLineEdit()
        self.serial, self.asset_tag = QLineEdit(), QLineEdit()
        self.new_device_box = QWidget()
        self.contact = _touch_combo()
        self.intake_channel = _touch_combo()
        self.service_kind = _touch_combo()
        self.hardware_fault = QCheckBox()
        kind_row = QWidget()  # what is asked, and whether the fault is hardware (R1.4)
        kind_layout = QHBoxLayout(kind_row)
        kind_layout.setContentsMargins(0, 0, 0, 0)
        kind_layout.addWidget(self.service_kind, 1)
        kind_layout.addWidget(self.hardware_fault)
        self.contact_name = QLineEdit()
        self.contact_phone = QLineEdit()
        self.fault = QPlainTextEdit()
        self.fault.setTabChangesFocus(True)
        self.fault.setFixedHeight(90)
        self.requested_at = TimeField()
        self.answered_at = TimeField()
        self.engineer = _touch_combo()
        self.captions = {k: QLabel() for k in (
            "customer", "site", "scan", "device", "device_class", "brand", "model", "serial",
            "asset_tag", "contact_choice", "intake_channel", "service_kind", "contact_name",
            "contact_phone",
            "fault_reported", "requested_at", "answered_at", "engineer")}
        self.errors = {k: error_label() for k in (
            "customer_id", "site_id", "device_id", "new_device.device_class",
            "new_device.brand", "new_device.model", "new_device.serial",
            "new_device.asset_tag", "contact_id", "intake_channel", "service_kind",
            "contact_name", "contact_phone", "fault_reported")}
        self.scan_note = QLabel()  # what the last scan found
        self.scan_note.setWordWrap(True)
        self.scan_note.setFixedHeight(2 * self.scan_note.fontMetrics().lineSpacing() + 4)
        _retain(self.scan_note)
        self.scan_note.hide()
        self.general_error = error_label()
        self.save_button = QPushButton()
        self.save_button.setProperty("primary", True)
        self.save_button.setEnabled(False)
        self.cancel_button = QPushButton()
        for button in (self.save_button, self.cancel_button):
            button.setAutoDefault(False)  # Enter from the scanner never saves
        # left: whose, where, which device; right: who called, what, when, for whom
        new_device = QFormLayout(self.new_device_box)
        new_device.setContentsMargins(24, 0, 0, 0)
        left = self._form({"customer": self.customer, "site": self.site, "scan": self.scan,
                           "device": self.device})
        self._rows(new_device, {"device_class": self.device_class, "brand": self.brand,
                                "model": self.model, "serial": self.serial,
                                "asset_tag": self.asset_tag})
        # its full height always (a squeezed box would clip its last field)
        self.new_device_box.setSizePolicy(QSizePolicy.Policy.Preferred,
                                          QSizePolicy.Policy.Fixed)
        _retain(self.new_device_box)
        self.new_device_box.ensurePolished()  # measured as styled (44 px), though hidden
        self.new_device_box.hide()
        left_column = QVBoxLayout()
        left_column.addLayout(left)
        left_column.addWidget(self.new_device_box)
        left_column.addStretch(1)
        right = self._form({"contact_choice": self.contact, "contact_name": self.contact_name,
                            "contact_phone": self.contact_phone,
                            "intake_channel": self.intake_channel, "service_kind": kind_row,
                            "fault_reported": self.fault, "requested_at": self.requested_at,
                            "answered_at": self.answered_at, "engineer": self.engineer})
        columns = QHBoxLayout()
        columns.addLayout(left_column, 1)
        columns.addSpacing(16)
        columns.addLayout(right, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(self.general_error)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.contact_phone.textEdited.connect(lambda _t: self._check_phone(typing=True))
        self.contact_phone.editingFinished.connect(lambda: self._check_phone(typing=False))
        self.customer.currentIndexChanged.connect(lambda _i: self._customer_chosen())
        self.device.currentIndexChanged.connect(lambda _i: self._device_chosen())
        self.contact.currentIndexChanged.connect(lambda _i: self._contact_chosen())
        self.scan.scanned.connect(self.scan_code)
        self.service_kind.currentIndexChanged.connect(lambda _i: self._kind_chosen())
        self.requested_at.set_now()
        self.resize(1180, 0)
        self.retranslate()
        i18n.connect(self)
        store = ops.store
        self.ops.call(lambda: requests.pickers(store), self._fill)

    def _form(self, widgets: dict[str, QWidget]) -> QFormLayout:
        form = QFormLayout()
        self._rows(form, widgets)
        return form

    def _rows(self, form: QFormLayout, widgets: dict[str, QWidget]) -> None:
        """Each widget with its caption (its buddy: screen readers, Alt+key) and, for a
        checked field, its error right under it."""
        for key, widget in widgets.items():
            buddy = (widget.edit if isinstance(widget, TimeField)
                     else self.service_kind if key == "service_kind" else widget)
            self.captions[key].setBuddy(buddy)
            error = self.errors.get(self._issue_field(key))
            if error is None and key != "scan":
                form.addRow(self.captions[key], widget)
                continue
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(widget)
            column.addWidget(self.scan_note if key == "scan" else error or QLabel())
            form.addRow(self.captions[key], column)

    @staticmethod
    def _issue_field(key: str) -> str:
        if key in ("customer", "site", "device"):
            return f"{key}_id"
        if key == "contact_choice":
            return "contact_id"
        if key in ("device_class", "brand", "model", "serial", "asset_tag"):
            return f"new_device.{key}"
        return key

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("request.new_title"))
        forms.name_captions(self.captions, "request")
        forms.refill(self.intake_channel, ((i18n.pair(INTAKE_CHANNEL_LABELS[v]), str(v))
                                           for v in DESK_INTAKE_CHANNELS), quiet=True)
        forms.refill(self.service_kind, ((i18n.pair(SERVICE_KIND_LABELS[v]), str(v))
                                         for v in SERVICE_KINDS), quiet=True)
        self.hardware_fault.setText(tr("request.hardware_fault"))
        if self.engineer.count():
            self.engineer.setItemText(0, tr("request.unassigned"))
        self.scan.setPlaceholderText(tr("editor.scan_placeholder"))
        forms.refill(self.device_class, [(tr("request.choose_class"), ""), *(
            (i18n.pair(words), code) for code, words in DEVICE_CLASS_LABELS.items())])
        self._fill_items()
        for key, field in (("requested_at", self.requested_at),
                           ("answered_at", self.answered_at)):
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
        self._customer_chosen()

    # -- the customer's sites, devices and contacts --------------------------------------
    def _customer_chosen(self) -> None:
        customer_id = self.customer.currentData()
        self.items = None
        self._fill_items()
        self.scan_note.hide()
        if customer_id is None:
            return
        store = self.ops.store
        self.ops.call(lambda: requests.customer_items(store, customer_id), self._items_loaded,
                      self._failed)

    def _items_loaded(self, items: CustomerItems) -> None:
        if items.customer_id == self.customer.currentData():  # not an earlier choice's
            self.items = items
            self._fill_items()

    def _fill_items(self) -> None:
        """The site, device and contact pickers for the chosen customer, keeping what is
        chosen (a language switch refills them)."""
        tr = i18n.tr
        items = self.items
        chosen = (self.site.currentData(), self.device.currentData(),
                  self.contact.currentData())
        for combo in (self.site, self.device, self.contact):
            combo.blockSignals(True)
            combo.clear()
        self.site.addItem(tr("request.no_site"), None)
        self.device.addItem(tr("request.no_device"), None)
        self.device.addItem(tr("request.new_device"), NEW)
        self.contact.addItem(tr("request.other_contact"), None)
        self.contact.addItem(tr("request.new_contact"), NEW)
        if items is not None:
            for site in items.sites:
                where = tr("request.in_city") if site.in_city else tr("request.out_of_city")
                self.site.addItem(f"{site.name}（{where}）", site.id)
            for device in items.devices:
                self.device.addItem(device.text, device.id)
            for contact in items.contacts:
                self.contact.addItem(f"{contact.name} {contact.phone}".strip(), contact.id)
        for combo, data in zip((self.site, self.device, self.contact), chosen, strict=True):
            combo.setCurrentIndex(_index_of(combo, data))
            combo.blockSignals(False)
        self.new_device_box.setVisible(self.device.currentData() == NEW)

    def _device(self, device_id: object) -> DeviceChoice | None:
        return next((d for d in self.items.devices if d.id == device_id), None) if (
            self.items is not None) else None

    def _device_chosen(self) -> None:
        self.new_device_box.setVisible(self.device.currentData() == NEW)
        device = self._device(self.device.currentData())
        if device is not None and device.site_id is not None and self.site.currentData() is None:
            self.site.setCurrentIndex(_index_of(self.site, device.site_id))

    def _contact_chosen(self) -> None:
        contact = next((c for c in self.items.contacts if c.id == self.contact.currentData()),
                       None) if self.items is not None else None
        if contact is not None:  # its name and phone, still editable as given today
            self.contact_name.setText(contact.name)
            self.contact_phone.setText(contact.phone)

    def _kind_chosen(self) -> None:
        """A send-in repair is a hardware fault by definition."""
        sendin = self.service_kind.currentData() == ServiceKind.SENDIN
        if sendin:
            self.hardware_fault.setChecked(True)
        self.hardware_fault.setEnabled(not sendin)

    # -- the scanner -----------------------------------------------------------------------
    def scan_code(self, code: str) -> None:
        """A scanned (or typed) serial or asset tag: the customer's device is chosen at
        once; otherwise the store says whose it is, or that nobody's."""
        local = next((d for d in self.items.devices if _matches(d, code)), None) if (
            self.items is not None) else None
        if local is not None:
            self._scan_found(local)
            return
        store, customer_id = self.ops.store, self.customer.currentData()
        self.ops.call(lambda: requests.scan_device(store, customer_id, code),
                      self._scan_found, lambda exc: self._scan_refused(code, exc))

    def _scan_found(self, device: DeviceChoice) -> None:
        index = _index_of(self.device, device.id)
        if index == 0:  # found by the store before the pickers were filled
            self.device.addItem(device.text, device.id)
            index = self.device.count() - 1
        self.device.setCurrentIndex(index)
        self._note(i18n.tr("request.scan_found", device=device.text), error=False)
        self.scan.selectAll()

    def _scan_refused(self, code: str, exc: Exception) -> None:
        self.scan.selectAll()
        if isinstance(exc, NotFound):  # nobody's: a new device with that serial
            self.device.setCurrentIndex(_index_of(self.device, NEW))
            if not self.serial.text().strip():
                self.serial.setText(code)
            self._note(i18n.tr("request.scan_unknown", code=code), error=False)
            return
        text = exc.message(i18n.current()) if isinstance(exc, FieldappError) else str(exc)
        self._note(text, error=True)

    def _note(self, text: str, *, error: bool) -> None:
        self.scan_note.setProperty("role", "error" if error else "")
        self.scan_note.style().unpolish(self.scan_note)
        self.scan_note.style().polish(self.scan_note)
        self.scan_note.setText(text)
        self.scan_note.show()

    # -- checks -------------------------------------------------------------------------
    def _editors(self) -> dict[str, tuple[QLabel, QWidget]]:
        """Each checked field: its error label and the widget that takes the focus."""
        editors: dict[str, QWidget] = {
            "customer_id": self.customer, "site_id": self.site, "device_id": self.device,
            "new_device.device_class": self.device_class, "new_device.brand": self.brand,
            "new_device.model": self.model, "new_device.serial": self.serial,
            "new_device.asset_tag": self.asset_tag, "contact_id": self.contact,
            "intake_channel": self.intake_channel, "service_kind": self.service_kind,
            "contact_name": self.contact_name,
            "contact_phone": self.contact_phone, "fault_reported": self.fault}
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
            customer_id=self.customer.currentData(),
            intake_channel=self.intake_channel.currentData(),
            service_kind=self.service_kind.currentData(),
            hardware_fault=self.hardware_fault.isChecked(),
            fault_reported=self.fault.toPlainText(), contact_name=self.contact_name.text(),
            contact_phone=self.contact_phone.text(),
            requested_at=time_of("requested_at", self.requested_at),
            answered_at=time_of("answered_at", self.answered_at),
            engineer_id=self.engineer.currentData())
        new = self._with_items(new)
        bad_times = {i.field for i in issues}
        issues += [i for i in requests.form_issues(new) if i.field not in bad_times]
        return issues, new

    def _with_items(self, new: NewRequest) -> NewRequest:
        """The request with the chosen site, device and contact, or the new ones."""
        device, contact = self.device.currentData(), self.contact.currentData()
        new_device = None
        if device == NEW:
            new_device = NewDevice(self.device_class.currentData() or "", self.brand.text(),
                                   self.model.text(), self.serial.text(), self.asset_tag.text())
        return replace(new, site_id=self.site.currentData(),
                       device_id=None if device == NEW else device,
                       contact_id=None if contact == NEW else contact,
                       new_device=new_device, save_contact=contact == NEW)

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
