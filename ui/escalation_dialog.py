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
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
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
from sqlalchemy.orm import Session

from fieldapp import escalation, reference, service_requests
from fieldapp.errors import ValidationError
from fieldapp.events import ESCALATION_KINDS
from fieldapp.settings import Settings
from fieldapp.timeutil import utcnow
from ui import i18n
from ui.fields import TimeField, error_label, show_error
from ui.fit import scroll_body
from ui.ops import Ops
from ui.repair_intake import EscalationInfo
from ui.workflow_widgets import button, coloured, data_label, message


@dataclass(frozen=True)
class EscalationContext:
    request_number: str
    customer_name: str
    contact_name: str
    assignee: str  # "E07 刘洋" or ""
    assignee_code: str
    engineers: tuple[tuple[str, str], ...]  # (code, "code name · skills")
    complaint_allowed: bool
    complaint_reason: str
    history: tuple[str, ...]


def load_context(session: Session, request_id: uuid.UUID, language: str) -> EscalationContext:
    request = service_requests.get_request(session, request_id)
    engineer = escalation.assigned_engineer(session, request)
    right = escalation.may_complain_to_account_manager(session, request)
    state = escalation.request_state(session, request)
    history = tuple(
        f"{e.at:%Y-%m-%d} {escalation.KIND_LABELS[e.kind][0 if language == 'zh' else 1]}: "
        f"{e.from_engineer or '-'} → {e.to_engineer or e.repair_number or '-'}"
        for e in state.escalations)
    return EscalationContext(
        request.number, request.customer.name, request.contact_name,
        f"{engineer.code} {engineer.name}" if engineer else "", engineer.code if engineer else "",
        tuple((e.code, f"{e.code} {e.name} · {'、'.join(e.skill_list)}")
              for e in reference.list_engineers(session)),
        right.allowed, right.reason(language), history)  # type: ignore[arg-type]


def suitable(session: Session, skills: list[str], exclude: str) -> list[tuple[str, str]]:
    return [(e.code, f"{e.code} {e.name} · {'、'.join(e.skill_list)}")
            for e in escalation.suitable_engineers(session, skills, exclude_codes=(exclude,))]


def save_escalation(session: Session, request_id: uuid.UUID, kind: str, values: dict[str, Any],
                    language: str) -> str:
    """Record it; returns what to tell the user (who goes now, complaint right)."""
    request = service_requests.get_request(session, request_id)
    engineer = reference.engineer_by_code(session, values.pop("to_engineer"))
    if kind == "technical_requirement":
        chosen = escalation.escalate_technical_requirement(session, request, to_engineer=engineer,
                                                           **values)
        return f"{chosen.code} {chosen.name}"
    right = escalation.escalate_technical_ability(session, request, to_engineer=engineer,
                                                  **values)
    return f"{engineer.code} {engineer.name}\n{right.reason(language)}"  # type: ignore[arg-type]


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
        self.kinds["technical_requirement"].setChecked(True)
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
        self.error, self.result = error_label(), data_label()
        self.result.setProperty("role", "banner")
        self.result.hide()
        self.save_button, self.cancel_button = button(primary=True), button()
        self.captions = {k: QLabel() for k in ("request", "assignee", "kind", "reason",
                                               "requested_by", "decided_by", "at", "skills",
                                               "engineer", "right", "history")}
        form = QFormLayout()
        form.addRow(self.captions["request"], self.request_label)
        form.addRow(self.captions["assignee"], self.assignee_label)
        kinds = QVBoxLayout()
        for k in ESCALATION_KINDS:
            kinds.addWidget(self.kinds[k])
        form.addRow(self.captions["kind"], kinds)
        form.addRow(self.captions["reason"], self.reason)
        form.addRow(self.captions["requested_by"], self.requested_by)
        form.addRow(self.captions["decided_by"], self.decided_by)
        form.addRow(self.captions["at"], self.at)
        skills_row = QHBoxLayout()
        skills_row.addWidget(self.skills, 1)
        skills_row.addWidget(self.find_button)
        form.addRow(self.captions["skills"], skills_row)
        form.addRow(self.captions["engineer"], self.engineer)
        form.addRow(self.captions["right"], self.right_label)
        form.addRow(self.captions["history"], self.history_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.result)
        layout.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll_body(body), 1)
        outer.addLayout(buttons)
        self.kind_group.buttonToggled.connect(lambda _b, on: on and self._kind_changed())
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
        for k, c in self.captions.items():
            c.setText(tr(f"escalate.{k}"))
        for k, radio in self.kinds.items():
            radio.setText(tr(f"escalate.kind.{k}"))
        self.reason.setPlaceholderText(tr("escalate.reason_placeholder"))
        self.skills.setPlaceholderText(tr("escalate.skills_placeholder"))
        self.find_button.setText(tr("escalate.find"))
        self.at.now_button.setText(tr("button.now"))
        self.at.now_button.setToolTip(tr("tooltip.now"))
        self.cancel_button.setText(tr("button.cancel"))
        self._kind_changed()

    def kind(self) -> str:
        return next(k for k, r in self.kinds.items() if r.isChecked())

    def _kind_changed(self) -> None:
        kind = self.kind()
        for widget in (self.skills, self.find_button):
            widget.setVisible(kind == "technical_requirement")
        self.captions["skills"].setVisible(kind == "technical_requirement")
        self.engineer.setVisible(kind != "device_fault")
        self.captions["engineer"].setVisible(kind != "device_fault")
        self.save_button.setText(i18n.tr("escalate.continue_intake" if kind == "device_fault"
                                         else "escalate.save"))
        if self.context is not None and kind == "technical_ability":
            self._fill_engineers([e for e in self.context.engineers
                                  if e[0] != self.context.assignee_code])
        elif kind == "technical_requirement" and self.context is not None:
            self._fill_engineers([])

    def reload(self) -> None:
        language = i18n.current()
        self.ops.read(lambda s: load_context(s, self.request_id, language), self._show,
                      self._failed)

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

    def _fill_engineers(self, engineers: list[tuple[str, str]]) -> None:
        self.engineer.clear()
        for code, label in engineers:
            self.engineer.addItem(label, code)

    def find_engineers(self) -> None:
        skills = [s for s in self.skills.text().replace("，", ",").split(",") if s.strip()]
        exclude = self.context.assignee_code if self.context else ""
        self.ops.read(lambda s: suitable(s, skills, exclude), self._found, self._failed)

    def _found(self, engineers: list[tuple[str, str]]) -> None:
        self._fill_engineers(engineers)
        show_error(self.error, None, "" if engineers else i18n.tr("escalate.none_suitable"))

    def _failed(self, exc: Exception) -> None:
        show_error(self.error, None, message(exc))
        self.save_button.setEnabled(True)

    def save(self) -> None:
        show_error(self.error, None, "")
        try:
            at = self.at.value() or utcnow()
        except ValueError:
            show_error(self.at.error, self.at.edit, i18n.tr("error.time_format"))
            return
        kind = self.kind()
        reason, asked, decided = (self.reason.toPlainText(), self.requested_by.text(),
                                  self.decided_by.text())
        if not reason.strip():
            show_error(self.error, self.reason, i18n.tr("escalate.reason_required"))
            return
        if kind == "device_fault":
            self.device_fault.emit(EscalationInfo(reason, asked, decided))
            self.accept()
            return
        if self.engineer.currentData() is None:
            show_error(self.error, None, i18n.tr("escalate.choose_engineer"))
            return
        values: dict[str, Any] = dict(reason=reason, requested_by=asked, decided_by=decided,
                                      actor_code=str(self.settings.get("operator_code")),
                                      occurred_at=at, to_engineer=self.engineer.currentData())
        if kind == "technical_requirement":
            values["required_skills"] = [s.strip() for s in self.skills.text().replace(
                "，", ",").split(",") if s.strip()]
        self.save_button.setEnabled(False)
        language = i18n.current()
        self.ops.write(lambda s: save_escalation(s, self.request_id, kind, values, language),
                       self._saved, self._refused)

    def _saved(self, text: str) -> None:
        self.result.setText(i18n.tr("escalate.done", result=text))
        self.result.show()
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
