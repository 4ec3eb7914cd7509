"""Opens the workflow screens (send-in, repair order, escalation, complaint, question,
archive input) for the main window, and says when their data changed.

Dependencies are passed in (ops, settings, the parent window); the last screen of each
kind stays reachable as an attribute, for the tests and for the screenshots.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QWidget

from fieldapp.base.settings import Settings
from fieldapp.services.repairs import EscalationInfo
from ui.kit.ops import Ops
from ui.workflows.complaint_dialog import ComplaintDialog
from ui.workflows.complaint_view import ComplaintView
from ui.workflows.dossier_dialog import DossierDialog
from ui.workflows.escalation_dialog import EscalationDialog
from ui.workflows.question_view import QuestionDialog
from ui.workflows.repair_intake import RepairIntakeDialog
from ui.workflows.repair_view import RepairView


class WorkflowActions(QObject):
    changed = Signal()

    def __init__(self, ops: Ops, settings: Settings, window: QWidget) -> None:
        super().__init__(window)
        self.ops, self.settings, self.window = ops, settings, window
        self.intake: RepairIntakeDialog | None = None
        self.repair_view: RepairView | None = None
        self.escalation: EscalationDialog | None = None
        self.complaint_dialog: ComplaintDialog | None = None
        self.complaint_view: ComplaintView | None = None
        self.question_dialog: QuestionDialog | None = None
        self.archive_dialog: DossierDialog | None = None

    @property
    def code(self) -> str:
        return str(self.settings.get("operator_code"))

    def _show(self, dialog: QDialog) -> None:
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    def send_in(self, request_id: uuid.UUID, slip_id: uuid.UUID | None = None,
                escalate: EscalationInfo | None = None) -> None:
        dialog = RepairIntakeDialog(self.ops, self.code, str(self.settings.get("operator_name")),
                                    request_id, slip_id, escalate, self.window)
        dialog.opened.connect(self._repair_opened)
        self.intake = dialog
        self._show(dialog)

    def _repair_opened(self, repair_id: uuid.UUID) -> None:
        self.changed.emit()
        self.open_repair(repair_id)

    def open_repair(self, repair_id: uuid.UUID) -> None:
        view = RepairView(self.ops, self.settings, repair_id, self.window)
        view.changed.connect(self.changed.emit)
        self.repair_view = view
        self._show(view)

    def escalate(self, request_id: uuid.UUID, slip_id: uuid.UUID | None = None) -> None:
        dialog = EscalationDialog(self.ops, self.settings, request_id, self.window)
        dialog.escalated.connect(self.changed.emit)
        dialog.device_fault.connect(lambda info: self.send_in(request_id, slip_id, info))
        self.escalation = dialog
        self._show(dialog)

    def new_complaint(self) -> None:
        dialog = ComplaintDialog(self.ops, self.code, self.window)
        dialog.created.connect(self._complaint_created)
        self.complaint_dialog = dialog
        self._show(dialog)

    def _complaint_created(self, complaint_id: uuid.UUID) -> None:
        self.changed.emit()
        self.open_complaint(complaint_id)

    def open_complaint(self, complaint_id: uuid.UUID) -> None:
        view = ComplaintView(self.ops, self.settings, complaint_id, self.window)
        view.changed.connect(self.changed.emit)
        self.complaint_view = view
        self._show(view)

    def record_question(self, slip_id: uuid.UUID | None = None, contact: str = "") -> None:
        dialog = QuestionDialog(self.ops, self.settings, slip_id, contact, self.window)
        dialog.recorded.connect(lambda _n: self.changed.emit())
        self.question_dialog = dialog
        self._show(dialog)

    def archive(self, slip_id: uuid.UUID) -> None:
        dialog = DossierDialog(self.ops, self.settings, slip_id, self.window)
        self.archive_dialog = dialog
        self._show(dialog)
