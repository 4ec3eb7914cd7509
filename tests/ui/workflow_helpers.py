"""Driving the workflow screens as a user does: the main window, taps, pads; and one
record of each workflow for them to show."""

from __future__ import annotations

import uuid
from datetime import timedelta

from PySide6.QtCore import Qt

from fieldapp.base.timeutil import utcnow
from fieldapp.records import reference, service_requests
from fieldapp.records.events import SignatureInput
from fieldapp.store import Store
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from fieldapp.workflows import complaints, loaners, questions, repair
from tests.ui.visit_helpers import draw_with_mouse, open_request
from ui.shell.main_window import MainWindow
from ui.workflows.workflow_widgets import PadDialog

__all__ = ["click", "main_window", "one_of_each_workflow", "open_request", "sign_next_pad"]


def one_of_each_workflow(store: Store, request_id: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    """For the request's customer, 40 minutes ago: a repair with loaner BJ-PRN-01 out, a
    complaint and an open question. The repair's and the complaint's ids."""
    sig = SignatureInput("刘洋", signature_strokes(2), PAD_WIDTH, PAD_HEIGHT)
    with store.write() as session:
        request = service_requests.get_request(session, request_id)
        moment = utcnow() - timedelta(minutes=40)
        order = repair.open_repair(
            session, request, reference.engineer_by_code(session, "E07"), repair.RepairIntake(
                company_contact="孙丽", fault_description="主板故障", received_at=moment,
                arrived_at=moment, departed_at=moment, engineer_signature=sig,
                device_class="printer"))
        loaner = loaners.add_loaner(session, asset_tag="BJ-PRN-01", device_class="printer")
        loaners.issue_loaner(session, loaner, order, engineer_signature=sig,
                             customer_signature=sig, actor_code="E07", occurred_at=utcnow())
        customer = request.customer
        complaint = complaints.open_complaint(
            session, customer=customer, about="service_event", description="响应太慢",
            received_via="phone", received_at=moment, recorded_by="E07")
        questions.record_question(session, customer=customer, asked_by="孙丽",
                                  question="能否加装双面器？", asked_at=moment,
                                  promised_at=moment + timedelta(hours=24), recorded_by="E07")
        return order.id, complaint.id


def click(qtbot, widget) -> None:  # type: ignore[no-untyped-def]
    assert widget.isEnabled(), widget.text()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def main_window(qtbot, ops, settings) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(ops, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.requests_model.rowCount() > 0 and ops.pending == 0,
                    timeout=15_000)
    return window


def sign_next_pad(qtbot, holder, previous: PadDialog | None = None) -> PadDialog:  # type: ignore[no-untyped-def]
    """Wait for the next signature dialog `holder` opens, agree (customer), draw, confirm."""
    qtbot.waitUntil(lambda: holder.pad_dialog is not None and holder.pad_dialog is not previous
                    and holder.pad_dialog.isVisible(), timeout=15_000)
    dialog = holder.pad_dialog
    if dialog.stack.currentWidget() is dialog.summary_page:
        click(qtbot, dialog.agree_button)
    draw_with_mouse(dialog.pad)
    click(qtbot, dialog.confirm_button)
    return dialog
