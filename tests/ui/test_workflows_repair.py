"""A send-in repair with a loaner, end to end, driven as the engineer, the workshop and
the customer would, checked in the store through the core (R3, R1.4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtTest import QTest

from fieldapp.base.timeutil import format_local, utcnow
from fieldapp.records import reference, service_requests
from fieldapp.records.events import SignatureInput
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from fieldapp.workflows import loaners, repair
from tests.ui.visit_helpers import type_chinese
from tests.ui.workflow_helpers import click, main_window, open_request, sign_next_pad


def _sig(name: str) -> SignatureInput:
    return SignatureInput(name, signature_strokes(3), PAD_WIDTH, PAD_HEIGHT)


@pytest.fixture
def printer_pool(store) -> None:  # type: ignore[no-untyped-def]
    """Two printer loaners; BJ-PRN-02 is already out with another customer's repair."""
    with store.write() as session:
        loaners.add_loaner(session, asset_tag="BJ-PRN-01", device_class="printer", grade="A",
                           description="惠普 LaserJet M405dn")
        other = loaners.add_loaner(session, asset_tag="BJ-PRN-02", device_class="printer",
                                   grade="B", description="惠普 LaserJet P2055d")
        customer = next(c for c in reference.list_customers(session) if c.code == "TJH1")
        engineer = reference.engineer_by_code(session, "E01")
        request = service_requests.take_request(
            session, operator_code="C01", customer=customer, channel="onsite",
            fault_reported="门诊打印机不进纸", requested_at=utcnow() - timedelta(hours=3),
            contact_name="周强", engineer=engineer)
        moment = utcnow() - timedelta(hours=2)
        order = repair.open_repair(session, request, engineer, repair.RepairIntake(
            company_contact="周强", fault_description="进纸组件损坏", received_at=moment,
            arrived_at=moment, departed_at=moment, engineer_signature=_sig("王建国"),
            device_class="printer"))
        loaners.issue_loaner(session, other, order, engineer_signature=_sig("王建国"),
                             customer_signature=_sig("周强"), actor_code="E01",
                             occurred_at=utcnow() - timedelta(minutes=90))


@pytest.mark.any_moment
def test_send_in_repair_with_a_loaner_end_to_end(qtbot, ops, settings, store, onsite_request,
                                                 printer_pool):  # type: ignore[no-untyped-def]
    window = main_window(qtbot, ops, settings)
    open_request(qtbot, window, onsite_request)
    flows = window.workflows

    # 转送修 from the slip: the intake form, prefilled from the request
    click(qtbot, window.editor.workflow_buttons["send_in"])
    qtbot.waitUntil(lambda: flows.intake is not None and flows.intake.save_button.isEnabled())
    intake = flows.intake
    assert intake.company_contact.text() == "孙丽"
    assert intake.fault.toPlainText() == "三楼财务室打印机卡纸，无法打印发票"
    for field in intake.times.values():
        click(qtbot, field.now_button)
    QTest.keyClicks(intake.device["device_class"], "printer")
    QTest.keyClicks(intake.device["device_grade"], "A")
    type_chinese(intake.device["device_type"], "激光打印机")
    click(qtbot, intake.save_button)
    assert "请工程师先在签字板上签字" in intake.errors["signature"].text()
    from tests.ui.visit_helpers import draw_with_mouse

    draw_with_mouse(intake.pad)
    click(qtbot, intake.save_button)
    qtbot.waitUntil(lambda: flows.repair_view is not None and flows.repair_view.data is not None,
                    timeout=15_000)
    view = flows.repair_view

    # the 4-hour clock, in words and colour; start is blocked with the reason until approved
    assert view.clock_label.text().startswith("4 小时维修时限：正常")
    assert "#1b7f3b" in view.clock_label.styleSheet()
    assert not view.start_button.isEnabled()
    assert view.start_reason.isVisibleTo(view)
    assert view.start_reason.text() == "须客户确认报价后才能开始维修。"
    view.start_repair()  # as if the button were pressed anyway: the core refuses
    qtbot.waitUntil(lambda: view.error.text() != "")
    assert view.error.text() == "维修须经客户确认后才能开始。"

    # the workshop's estimate: ready a day after the 4-hour deadline → a loaner is proposed.
    # After the deadline, not "tomorrow": on a weekend or before a holiday the clock has not
    # started yet, so a device ready tomorrow is in time and rightly gets no loaner.
    with store.read() as session:
        deadline = repair.repair_overview(session, repair.get_repair(session, view.repair_id),
                                          utcnow()).clock.deadline
    assert deadline is not None
    click(qtbot, view.estimate_button)  # the 维修报价单: parts and labour by touch
    qtbot.waitUntil(lambda: view.estimate_dialog is not None
                    and view.estimate_dialog.isVisible())
    quote = view.estimate_dialog
    for kind, what, price in (("parts", "定影组件", "300"), ("labour", "更换工时", "50")):
        quote.fees.new_line()
        click(qtbot, quote.fees.kind_buttons[kind])
        type_chinese(quote.fees.description, what)
        QTest.keyClicks(quote.fees.unit_price, price)
    QTest.keyClicks(quote.ready_at.edit, format_local(deadline + timedelta(days=1)))
    type_chinese(quote.estimated_by, "维修部 王工")
    assert quote.valid_until.edit.text()  # a week unless changed
    click(qtbot, quote.save_button)
    qtbot.waitUntil(lambda: view.data.status == "estimated")
    assert view.quote_box.isVisibleTo(view)
    assert "定影组件" in view.quote_lines.text() and "¥350.00" in view.quote_lines.text()
    assert view.quote_state.text().startswith("报价有效期至")
    assert "BJ-PRN-01" in view.loaner_reason.text()
    assert view.loaner_choice.currentData() == "BJ-PRN-01"

    # lending the loaner that is out elsewhere is refused with the core's message
    view.loaner_choice.setCurrentIndex(view.loaner_choice.findData("BJ-PRN-02"))
    click(qtbot, view.lend_button)
    engineer_pad = sign_next_pad(qtbot, view)
    sign_next_pad(qtbot, view, engineer_pad)
    qtbot.waitUntil(lambda: view.error.text() != "")
    assert "备机已借出" in view.error.text() and "不能同时再借" in view.error.text()
    view.loaner_choice.setCurrentIndex(view.loaner_choice.findData("BJ-PRN-01"))
    previous = view.pad_dialog
    click(qtbot, view.lend_button)
    engineer_pad = sign_next_pad(qtbot, view, previous)
    customer_pad = sign_next_pad(qtbot, view, engineer_pad)
    assert customer_pad.summary_title.text() == "请核对以下内容"
    qtbot.waitUntil(lambda: view.data.lent_loaner == "BJ-PRN-01")
    assert "BJ-PRN-01" in view.loaner_reason.text()

    # the customer's confirmation by phone (who and when), then start, finish
    assert view.confirmed_by.text() == "孙丽"
    click(qtbot, view.phone_button)
    qtbot.waitUntil(lambda: view.data.status == "approved")
    assert view.start_button.isEnabled() and not view.start_reason.isVisibleTo(view)
    click(qtbot, view.start_button)
    qtbot.waitUntil(lambda: view.data.status == "in_repair")
    type_chinese(view.work_done, "更换定影组件，测试打印 50 页正常")
    click(qtbot, view.finish_button)
    qtbot.waitUntil(lambda: view.data.status == "finished")

    # the return: delivery time, final fee, the customer's signature after the summary
    assert view.final_fee.text() == "350.00"
    click(qtbot, view.delivered_at.now_button)
    previous = view.pad_dialog
    click(qtbot, view.return_button)
    pad = sign_next_pad(qtbot, view, previous)
    assert pad.statement.text().startswith("签字即确认已收到修好的设备")
    qtbot.waitUntil(lambda: view.data.status == "returned")
    assert view.status_label.text() == "已交付客户"
    assert view.step_values["returned"].text().startswith("✓")

    # the loaner comes back on the Loaners tab, both signing
    page = window.loaners_page
    window.tabs.setCurrentWidget(page)
    window.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 and ops.pending == 0)
    row = next(i for i in range(2) if page.model.row_at(i).asset_tag == "BJ-PRN-01")
    assert page.model.row_at(row).status == "out"
    page.view.selectRow(row)
    click(qtbot, page.return_button)
    engineer_pad = sign_next_pad(qtbot, page)
    sign_next_pad(qtbot, page, engineer_pad)
    qtbot.waitUntil(lambda: ops.pending == 0 and page.model.rowCount() == 2 and any(
        page.model.row_at(i).status == "available" for i in range(2)))

    with store.read() as session:
        order = repair.get_repair(session, view.repair_id)
        assert repair.verify_repair_order(order)
        assert (order.device_class, order.device_grade) == ("printer", "A")
        state = repair.repair_state(session, order)
        assert state.status == "returned" and state.final_fee_fen == 35000
        assert state.estimate_fen == 35000 and state.confirmation_method == "phone"
        assert [line.amount_fen for line in state.estimate_lines] == [30000, 5000]
        assert state.confirmed_by == "孙丽" and state.customer_signer == "孙丽"
        loaner = loaners.loaner_state(session, loaners.get_loaner(session, "BJ-PRN-01"))
        assert loaner.status == "available" and len(loaner.history) == 1
        assert loaner.history[0].repair_number == order.number
        assert loaner.history[0].returned_at is not None
        other = loaners.loaner_state(session, loaners.get_loaner(session, "BJ-PRN-02"))
        assert other.current is not None and other.current.repair_number != order.number


def test_intake_and_return_copies_preview(qtbot, ops, settings, store, onsite_request,
                                          tmp_path):  # type: ignore[no-untyped-def]
    with store.write() as session:
        request = service_requests.get_request(session, onsite_request)
        moment = utcnow() - timedelta(minutes=30)
        order_id = repair.open_repair(session, request, reference.engineer_by_code(session, "E07"),
                                      repair.RepairIntake(
            company_contact="孙丽", fault_description="主板故障", received_at=moment,
            arrived_at=moment, departed_at=moment, engineer_signature=_sig("刘洋"))).id
    window = main_window(qtbot, ops, settings)
    window.workflows.open_repair(order_id)
    view = window.workflows.repair_view
    qtbot.waitUntil(lambda: view.data is not None)
    assert not view.return_copy_button.isEnabled()
    click(qtbot, view.intake_copy_button)
    qtbot.waitUntil(lambda: view.preview is not None and bool(view.preview.preview.pages),
                    timeout=30_000)
    view.preview.save_to(tmp_path / "intake.pdf")
    assert (tmp_path / "intake.pdf").read_bytes().startswith(b"%PDF")


def test_the_quotation_is_shown_previewed_and_approved_by_signature(
        qtbot, ops, settings, store, onsite_request, tmp_path):  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from fieldapp.rules.validation import FeeLineInput

    with store.write() as session:
        request = service_requests.get_request(session, onsite_request)
        moment = utcnow() - timedelta(minutes=30)
        order = repair.open_repair(session, request, reference.engineer_by_code(session, "E07"),
                                   repair.RepairIntake(
            company_contact="孙丽", fault_description="主板故障", received_at=moment,
            arrived_at=moment, departed_at=moment, engineer_signature=_sig("刘洋")))
        repair.estimate_repair(session, order, lines=[repair.EstimateLine.of(FeeLineInput(
            "parts", "主板", Decimal(1), Decimal("480.00")))],
            expected_ready_at=utcnow() + timedelta(days=1),
            valid_until=utcnow() + timedelta(days=3), estimated_by="维修部 王工",
            actor_code="W01", occurred_at=utcnow())
        order_id = order.id
    window = main_window(qtbot, ops, settings)
    window.workflows.open_repair(order_id)
    view = window.workflows.repair_view
    qtbot.waitUntil(lambda: view.data is not None)
    assert "主板" in view.quote_lines.text() and "¥480.00" in view.quote_lines.text()
    assert view.quote_state.text().startswith("报价有效期至")
    click(qtbot, view.quote_copy_button)
    qtbot.waitUntil(lambda: view.preview is not None and bool(view.preview.preview.pages),
                    timeout=30_000)
    view.preview.save_to(tmp_path / "estimate.pdf")
    assert (tmp_path / "estimate.pdf").read_bytes().startswith(b"%PDF")
    view.preview.close()
    previous = view.pad_dialog
    click(qtbot, view.sign_confirm_button)
    sign_next_pad(qtbot, view, previous)
    qtbot.waitUntil(lambda: view.data.status == "approved")
    assert view.quote_state.text() == "客户已答复：孙丽 确认维修（签字）。"
    with store.read() as session:
        state = repair.repair_state(session, repair.get_repair(session, order_id))
        assert (state.confirmation_method, state.confirmed_by) == ("signature", "孙丽")
