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

__all__ = ["click", "main_window", "one_of_each_workflow", "open_every_workflow_dialog",
           "open_request", "sign_next_pad"]


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


def open_every_workflow_dialog(qtbot, window, request_id: uuid.UUID,  # type: ignore[no-untyped-def]
                               slip_id: uuid.UUID, repair_id: uuid.UUID,
                               complaint_id: uuid.UUID) -> None:
    """Every dialog the workflows open from the window (the repair, the complaint, a new
    complaint, the send-in intake, the escalation, a question, an archive entry), once the
    repair and the complaint show their records."""
    flows = window.workflows
    flows.open_repair(repair_id)
    flows.open_complaint(complaint_id)
    flows.new_complaint()
    flows.send_in(request_id, slip_id)
    flows.escalate(request_id, slip_id)
    flows.record_question(slip_id, "孙丽")
    flows.archive(slip_id)
    qtbot.waitUntil(lambda: window.ops.pending == 0 and flows.repair_view.data is not None
                    and flows.complaint_view.data is not None, timeout=15_000)


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


def findings_page(qtbot, ops, settings):  # type: ignore[no-untyped-def]
    """A staff laptop's main window on its Findings tab (its dialogs open from there)."""
    window = MainWindow(ops, settings)
    qtbot.addWidget(window)
    window.show()
    page = window.findings_page
    assert page is not None
    window.tabs.setCurrentWidget(page)
    return page
