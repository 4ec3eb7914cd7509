"""升级 / Escalate a request (R4): the three kinds, with reason, who asked, who decided, when.

- technical requirement (技术需求升级, R4.1): required skills → a suitably skilled engineer
  (`escalation.suitable_engineers`), who becomes the assignee;
- device fault (设备故障升级, R4.2): continues to the send-in intake (`device_fault` signal);
- technical ability (技术能力升级, R4.3): another engineer; afterwards the dialog shows
  whether the customer may now complain to the account manager.
The assignee shown is the derived one (`escalation.assigned_engineer`, from the events).
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.errors import ValidationError
from fieldapp.base.settings import Settings
from fieldapp.records.events import ESCALATION_KINDS, EscalationKind
from fieldapp.services import escalations
from fieldapp.services.escalations import EscalationContext, EscalationOutcome
from fieldapp.services.repairs import EscalationInfo
from ui.kit import forms, i18n
from ui.kit.fields import TimeField, error_label, show_error
from ui.kit.fit import scroll_body
from ui.kit.ops import Ops
from ui.workflows.workflow_widgets import button, coloured, data_label, message


class EscalationDialog(QDialog):
    escalated = Signal()
    device_fault = Signal(object)  # EscalationInfo: continue to the send-in intake

    def __init__(self, ops: Ops, settings: Settings, request_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("escalation_dialog")
        self.ops, self.settings, self.request_id = ops, settings, request_id
        self.context: EscalationContext | None = None
        self.heading = QLabel()
        self.heading.setProperty("role", "heading")
        self.request_label, self.assignee_label = data_label(), data_label()
        self.right_label, self.history_label = data_label(), data_label()
        self.kinds = {k: QRadioButton() for k in ESCALATION_KINDS}
        self.kind_group = QButtonGroup(self)
        for k in ESCALATION_KINDS:
            self.kind_group.addButton(self.kinds[k])
        self.kinds[EscalationKind.TECHNICAL_REQUIREMENT].setChecked(True)
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(70)
        self.requested_by, self.decided_by = QLineEdit(), QLineEdit(
            str(settings.get("operator_name")))
        self.at = TimeField()
        self.skills = QLineEdit()
        self.find_button = button()
        self.engineer = QComboBox()
        self.engineer.setProperty("data", True)  # engineers' names are data
        self.error, self.outcome = error_label(), data_label()  # (result() is QDialog's)
        self.outcome.setProperty("role", "banner")
        self.outcome.hide()
        self.save_button, self.cancel_button = button(primary=True), button()
        kinds = QVBoxLayout()
        for k in ESCALATION_KINDS:
            kinds.addWidget(self.kinds[k])
        skills_row = QHBoxLayout()
        skills_row.addWidget(self.skills, 1)
        skills_row.addWidget(self.find_button)
        form = QFormLayout()
        self.captions = forms.captioned_rows(form, (
            ("request", self.request_label), ("assignee", self.assignee_label),
            ("kind", kinds), ("reason", self.reason), ("requested_by", self.requested_by),
            ("decided_by", self.decided_by), ("at", self.at), ("skills", skills_row),
            ("engineer", self.engineer), ("right", self.right_label),
            ("history", self.history_label)))
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.outcome)
        layout.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll_body(body), 1)
        outer.addLayout(forms.button_row(self.cancel_button, self.save_button))
        self.kind_group.buttonToggled.connect(self._kind_toggled)
        self.find_button.clicked.connect(self.find_engineers)
        self.skills.returnPressed.connect(self.find_engineers)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.resize(860, 680)
        self.retranslate()
        i18n.connect(self)
        self.reload()

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("escalate.title"))
        self.heading.setText(tr("escalate.heading"))
        forms.name_captions(self.captions, "escalate")
        for k, radio in self.kinds.items():
            radio.setText(tr(f"escalate.kind.{k}"))
        self.reason.setPlaceholderText(tr("escalate.reason_placeholder"))
        self.skills.setPlaceholderText(tr("escalate.skills_placeholder"))
        self.find_button.setText(tr("escalate.find"))
        self.cancel_button.setText(tr("button.cancel"))
        self._kind_changed()

    def kind(self) -> EscalationKind:
        return next(k for k, r in self.kinds.items() if r.isChecked())

    def _kind_toggled(self, _button: QAbstractButton, on: bool) -> None:
        if on:
            self._kind_changed()

    def _kind_changed(self) -> None:
        kind = self.kind()
        for widget in (self.skills, self.find_button):
            widget.setVisible(kind == EscalationKind.TECHNICAL_REQUIREMENT)
        self.captions["skills"].setVisible(kind == EscalationKind.TECHNICAL_REQUIREMENT)
        self.engineer.setVisible(kind != EscalationKind.DEVICE_FAULT)
        self.captions["engineer"].setVisible(kind != EscalationKind.DEVICE_FAULT)
        self.save_button.setText(i18n.tr("escalate.continue_intake"
                                         if kind == EscalationKind.DEVICE_FAULT
                                         else "escalate.save"))
        if self.context is not None and kind == EscalationKind.TECHNICAL_ABILITY:
            self._fill_engineers([e for e in self.context.engineers
                                  if e[0] != self.context.assignee_code])
        elif kind == EscalationKind.TECHNICAL_REQUIREMENT and self.context is not None:
            self._fill_engineers([])

    def reload(self) -> None:
        store, request_id, language = self.ops.store, self.request_id, i18n.current()
        self.ops.call(lambda: escalations.context(store, request_id, language=language),
                      self._show, self._failed)

    def _show(self, context: EscalationContext) -> None:
        self.context = context
        self.request_label.setText(f"{context.request_number} · {context.customer_name}")
        self.assignee_label.setText(context.assignee or i18n.tr("escalate.nobody"))
        self.right_label.setText(context.complaint_reason)
        coloured(self.right_label, "#c62828" if context.complaint_allowed else "#37474f")
        self.history_label.setText("\n".join(context.history) or "—")
        if not self.requested_by.text():
            self.requested_by.setText(context.contact_name)
        self._kind_changed()

    def _fill_engineers(self, engineers: list[tuple[str, str]] | tuple[tuple[str, str], ...]
                        ) -> None:
        self.engineer.clear()
        for code, label in engineers:
            self.engineer.addItem(label, code)

    def find_engineers(self) -> None:
        store, skills = self.ops.store, escalations.parse_skills(self.skills.text())
        exclude = self.context.assignee_code if self.context else ""
        self.ops.call(lambda: escalations.suitable_engineers(store, skills, exclude=exclude),
                      self._found, self._failed)

    def _found(self, engineers: tuple[tuple[str, str], ...]) -> None:
        self._fill_engineers(engineers)
        show_error(self.error, None, "" if engineers else i18n.tr("escalate.none_suitable"))

    def _failed(self, exc: Exception) -> None:
        show_error(self.error, None, message(exc))
        self.save_button.setEnabled(True)

    def save(self) -> None:
        show_error(self.error, None, "")
        try:
            at = self.at.value()  # empty: now
        except ValueError:
            show_error(self.at.error, self.at.edit, i18n.tr("error.time_format"))
            return
        kind = self.kind()
        reason, asked, decided = (self.reason.toPlainText(), self.requested_by.text(),
                                  self.decided_by.text())
        if not reason.strip():
            show_error(self.error, self.reason, i18n.tr("escalate.reason_required"))
            return
        if kind == EscalationKind.DEVICE_FAULT:
            self.device_fault.emit(EscalationInfo(reason, asked, decided))
            self.accept()
            return
        if self.engineer.currentData() is None:
            show_error(self.error, None, i18n.tr("escalate.choose_engineer"))
            return
        entry = escalations.Escalation(
            kind, reason, asked, decided, self.engineer.currentData(), at,
            escalations.parse_skills(self.skills.text())
            if kind == EscalationKind.TECHNICAL_REQUIREMENT else ())
        self.save_button.setEnabled(False)
        store, request_id, language = self.ops.store, self.request_id, i18n.current()
        code = str(self.settings.get("operator_code"))
        self.ops.call(lambda: escalations.escalate(store, request_id, entry, operator_code=code,
                                                   language=language),
                      self._saved, self._refused, write=True)

    def _saved(self, outcome: EscalationOutcome) -> None:
        text = "\n".join(t for t in (outcome.engineer, outcome.complaint_reason) if t)
        self.outcome.setText(i18n.tr("escalate.done", result=text))
        self.outcome.show()
        self.save_button.setEnabled(True)
        self.cancel_button.setText(i18n.tr("button.close"))
        self.escalated.emit()
        self.reload()

    def _refused(self, exc: Exception) -> None:
        if isinstance(exc, ValidationError):
            show_error(self.error, None, "\n".join(i.message(i18n.current())
                                                   for i in exc.issues))
            self.save_button.setEnabled(True)
        else:
            self._failed(exc)
