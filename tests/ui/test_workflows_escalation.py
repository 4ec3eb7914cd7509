"""Escalation of each kind (R4) from the main window; the list shows the derived assignee."""

from __future__ import annotations

import pytest

from fieldapp.records import service_requests
from fieldapp.workflows import escalation, repair
from tests.ui.visit_helpers import draw_with_mouse, type_chinese
from tests.ui.workflow_helpers import click, main_window

# Escalations dated now, on a demo store made around now: at every moment (tests/conftest.py).
pytestmark = pytest.mark.any_moment


def _select(qtbot, window, request_id) -> None:  # type: ignore[no-untyped-def]
    model = window.requests_model
    qtbot.waitUntil(lambda: window.ops.pending == 0 and any(
        model.row_at(i).id == request_id for i in range(model.rowCount())))
    row = next(i for i in range(model.rowCount()) if model.row_at(i).id == request_id)
    window.tabs.setCurrentIndex(0)
    window.requests_view.selectRow(row)


def _engineer_in_list(window, request_id) -> str | None:  # type: ignore[no-untyped-def]
    model = window.requests_model
    return next((model.row_at(i).engineer_name for i in range(model.rowCount())
                 if model.row_at(i).id == request_id), None)


def _escalate(qtbot, window, request_id):  # type: ignore[no-untyped-def]
    _select(qtbot, window, request_id)
    previous = window.workflows.escalation
    window.actions_by_name["escalate"].trigger()
    qtbot.waitUntil(lambda: window.workflows.escalation is not previous
                    and window.workflows.escalation.context is not None)
    return window.workflows.escalation


def test_escalations_of_each_kind_change_the_derived_assignee(
        qtbot, ops, settings, store, onsite_request):  # type: ignore[no-untyped-def]
    window = main_window(qtbot, ops, settings)
    assert _engineer_in_list(window, onsite_request) == "刘洋"

    # R4.1 technical requirement: the real fault needs 网络 → 李明 (E02) is suitable
    dialog = _escalate(qtbot, window, onsite_request)
    assert dialog.assignee_label.text() == "E07 刘洋"
    assert dialog.kinds["technical_requirement"].isChecked()
    type_chinese(dialog.skills, "网络")
    click(qtbot, dialog.find_button)
    qtbot.waitUntil(lambda: dialog.engineer.count() > 0)
    assert dialog.engineer.currentData() == "E02"
    type_chinese(dialog.reason, "现场发现是交换机端口故障，不是打印机问题")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: dialog.outcome.isVisibleTo(dialog))
    assert "E02 李明" in dialog.outcome.text()
    qtbot.waitUntil(lambda: _engineer_in_list(window, onsite_request) == "李明")
    dialog.reject()

    # R4.3 technical ability, twice: the customer may now complain to the account manager
    for code, name in (("E01", "王建国"), ("E03", "张伟")):
        dialog = _escalate(qtbot, window, onsite_request)
        dialog.kinds["technical_ability"].click()
        dialog.engineer.setCurrentIndex(dialog.engineer.findData(code))
        assert dialog.engineer.findData(dialog.context.assignee_code) == -1  # not the same one
        type_chinese(dialog.reason, "客户要求更换工程师")
        click(qtbot, dialog.save_button)
        qtbot.waitUntil(lambda d=dialog: d.outcome.isVisibleTo(d))
        qtbot.waitUntil(lambda name=name: _engineer_in_list(window, onsite_request) == name)
        if code == "E03":  # the second one: the customer may now complain (R4.3)
            assert "客户可向客户经理投诉" in dialog.outcome.text()
            qtbot.waitUntil(lambda d=dialog: "客户可向客户经理投诉" in d.right_label.text())
        dialog.reject()

    # R4.2 device fault: continues to the send-in intake, signed, then the repair order
    dialog = _escalate(qtbot, window, onsite_request)
    dialog.kinds["device_fault"].click()
    assert dialog.save_button.text() == "继续填写送修单"
    type_chinese(dialog.reason, "主板故障，现场无法排除")
    click(qtbot, dialog.save_button)
    flows = window.workflows
    qtbot.waitUntil(lambda: flows.intake is not None and flows.intake.save_button.isEnabled())
    intake = flows.intake
    assert intake.heading.text() == "设备故障升级：转为送修"
    for field in intake.times.values():
        click(qtbot, field.now_button)
    draw_with_mouse(intake.pad)
    click(qtbot, intake.save_button)
    qtbot.waitUntil(lambda: flows.repair_view is not None and flows.repair_view.data is not None)

    with store.read() as session:
        request = service_requests.get_request(session, onsite_request)
        state = escalation.request_state(session, request)
        assert [e.kind for e in state.escalations] == [
            "technical_requirement", "technical_ability", "technical_ability", "device_fault"]
        assert state.escalations[0].reason == "现场发现是交换机端口故障，不是打印机问题"
        assert state.escalations[0].decided_by == "刘洋"
        assert state.escalations[0].requested_by == "孙丽"
        assert escalation.assigned_engineer(session, request).code == "E03"
        (order,) = repair.repairs_for_request(session, request)
        assert state.escalations[-1].repair_number == order.number
        assert escalation.may_complain_to_account_manager(session, request).allowed


def test_an_escalation_without_a_reason_is_not_recorded(qtbot, ops, settings,
                                                        onsite_request):  # type: ignore[no-untyped-def]
    window = main_window(qtbot, ops, settings)
    dialog = _escalate(qtbot, window, onsite_request)
    dialog.kinds["technical_ability"].click()
    click(qtbot, dialog.save_button)
    assert dialog.error.text() == "请填写升级原因。"
