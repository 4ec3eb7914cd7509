"""Complaints (R5): recorded, routed, responded, closed, feedback report; open questions
(R1.6) and the group archive (R2.5) from the slip."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from fieldapp.records import reference, slips
from fieldapp.store.workflow_models import OpenQuestion
from fieldapp.workflows import complaints, dossier, questions
from tests.ui.visit_helpers import open_request, type_chinese
from tests.ui.workflow_helpers import click, main_window

# Clocks run from now, on a demo store made around now: at every moment (tests/conftest.py).
pytestmark = pytest.mark.any_moment


def test_complaint_recorded_routed_responded_closed(qtbot, ops, settings, store,
                                                    tmp_path):  # type: ignore[no-untyped-def]
    window = main_window(qtbot, ops, settings)
    page = window.complaints_page
    window.tabs.setCurrentWidget(page)
    click(qtbot, page.buttons["new_complaint"])
    flows = window.workflows
    qtbot.waitUntil(lambda: flows.complaint_dialog is not None
                    and flows.complaint_dialog.save_button.isEnabled())
    dialog = flows.complaint_dialog
    dialog.customer.setCurrentIndex(dialog.customer.findText("天津港信息中心"))
    # about the account manager → the service centre hotline (R5.2)
    dialog.about.setCurrentIndex(dialog.about.findData("account_manager"))
    assert dialog.route.text() == "客户服务中心（热线）"
    # about an engineer → the customer's account manager (R5.1)
    dialog.about.setCurrentIndex(dialog.about.findData("engineer"))
    assert dialog.route.text() == "客户经理：陈晓红"
    dialog.engineer.setCurrentIndex(dialog.engineer.findData("E01"))
    qtbot.waitUntil(lambda: ops.pending == 0 and dialog.slips.count() > 0)
    dialog.slips.item(0).setCheckState(Qt.CheckState.Checked)
    linked = dialog.slips.item(0).data(Qt.ItemDataRole.UserRole)
    type_chinese(dialog.description, "工程师多次迟到，且未说明原因")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: flows.complaint_view is not None
                    and flows.complaint_view.data is not None)
    qtbot.waitUntil(lambda: flows.complaint_view is not None
                    and flows.complaint_view.data is not None)
    view = flows.complaint_view
    assert view.status_label.text() == "已受理，待答复"
    assert view.clock_label.text().startswith("答复时限：正常")
    assert "#1b7f3b" in view.clock_label.styleSheet()
    assert view.values["route"].text() == "客户经理 陈晓红"

    # closing without a response is refused with the core's message (R5.3)
    click(qtbot, view.close_complaint_button)
    qtbot.waitUntil(lambda: view.error.text() != "")
    assert view.error.text() == "投诉尚未答复客户，不能关闭（每个投诉都须答复）。"
    assert not view.report_button.isEnabled()

    type_chinese(view.response, "已向客户致歉，调整排班，今后提前电话告知到达时间")
    click(qtbot, view.respond_button)
    qtbot.waitUntil(lambda: view.data.status == "responded")
    assert view.clock_label.text().startswith("答复时限：达标")
    type_chinese(view.outcome, "客户接受道歉")
    view.satisfied.setCurrentIndex(view.satisfied.findData("yes"))
    click(qtbot, view.close_complaint_button)
    qtbot.waitUntil(lambda: view.data.status == "closed")
    assert not view.respond_box.isVisibleTo(view)

    click(qtbot, view.report_button)
    qtbot.waitUntil(lambda: view.preview is not None and bool(view.preview.preview.pages),
                    timeout=30_000)
    view.preview.save_to(tmp_path / "report.pdf")
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")

    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and ops.pending == 0)
    assert page.model.row_at(0).status == "closed"
    with store.read() as session:
        complaint = complaints.get_complaint(session, view.complaint_id)
        assert complaint.routed_to == "account_manager"
        assert complaint.handler_name == "陈晓红" and complaint.engineer.code == "E01"
        assert complaint.slip_numbers == linked
        state = complaints.complaint_state(session, complaint)
        assert state.status == "closed" and state.customer_satisfied == "yes"
        assert state.responses[0].text == "已向客户致歉，调整排班，今后提前电话告知到达时间"
        assert complaints.complaint_feedback_report(session, complaint).response_on_time


def test_open_question_and_archive_input_from_the_slip(qtbot, ops, settings, store,
                                                      onsite_request):  # type: ignore[no-untyped-def]
    window = main_window(qtbot, ops, settings)
    open_request(qtbot, window, onsite_request)
    editor, flows = window.editor, window.workflows
    assert editor.workflow_buttons["archive"].isVisibleTo(editor)  # 天津港: a group customer

    click(qtbot, editor.workflow_buttons["question"])
    qtbot.waitUntil(lambda: flows.question_dialog is not None
                    and flows.question_dialog.isVisible())
    dialog = flows.question_dialog
    assert dialog.asked_by.text() == "孙丽" and not dialog.customer.isVisibleTo(dialog)
    type_chinese(dialog.question, "能否把财务室打印机换成双面打印的型号？")
    click(qtbot, dialog.promise_buttons[4])
    click(qtbot, dialog.save_button)
    page = window.questions_page
    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: ops.pending == 0 and page.model.rowCount() == 1)
    assert page.model.row_at(0).clock_state == "on_track"
    page.view.selectRow(0)
    type_chinese(page.answer_text, "可以，下周送报价")
    click(qtbot, page.answer_button)
    qtbot.waitUntil(lambda: ops.pending == 0 and page.model.rowCount() == 1
                    and page.model.row_at(0).status == "answered")

    window.stack.setCurrentIndex(1)
    click(qtbot, editor.workflow_buttons["archive"])
    qtbot.waitUntil(lambda: flows.archive_dialog is not None
                    and flows.archive_dialog.context is not None)
    archive = flows.archive_dialog
    archive.tabs.setCurrentWidget(archive.suggestions)
    type_chinese(archive.suggestion_text, "建议财务室打印机纳入季度保养")
    click(qtbot, archive.suggestions.new_button)
    qtbot.waitUntil(lambda: archive.suggestions.list.count() == 1)

    with store.read() as session:
        question = session.query(OpenQuestion).one()
        state = questions.question_state(session, question)
        assert state.status == "answered" and state.answer == "可以，下周送报价"
        assert question.slip_id == editor.data.id
        customer = slips.get_slip(session, editor.data.id).request.customer
        (entry,) = dossier.customer_suggestions(session, customer.id)
        assert (entry.suggestion, entry.slip_id) == ("建议财务室打印机纳入季度保养",
                                                     editor.data.id)
        assert reference.engineer_by_code(session, "E07").code == entry.proposed_by
