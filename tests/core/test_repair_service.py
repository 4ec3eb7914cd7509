"""The send-in repair as services (R3, R1.4, R4.2): `fieldapp.services.repairs`, no session
in hand, every moment fixed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fieldapp.base.errors import NotFound, ValidationError, WorkflowError
from fieldapp.records import events, service_requests
from fieldapp.services import escalations, repairs, visit
from fieldapp.workflows import loaners, repair
from tests.core.plain_data import assert_plain
from tests.workflows.conftest import at, intake, sig


def _request_id(store, world):  # type: ignore[no-untyped-def]
    with store.read() as session:
        return service_requests.get_request(session, world.request_number).id


@pytest.fixture
def printer_pool(store):  # type: ignore[no-untyped-def]
    with store.write() as session:
        loaners.add_loaner(session, asset_tag="BJ-PRN-01", device_class="printer", grade="B",
                           description="惠普 LaserJet P2055d")
        loaners.add_loaner(session, asset_tag="BJ-PRN-02", device_class="printer", grade="A",
                           description="惠普 LaserJet M405dn")


@pytest.fixture
def repair_id(store, world):  # type: ignore[no-untyped-def]
    return repairs.send_in(store, _request_id(store, world), intake(), operator_code="E07",
                           now=at(160))


def _load(store, repair_id, minutes=160):  # type: ignore[no-untyped-def]
    return repairs.load(store, repair_id, language="zh", now=at(minutes))


def test_the_intake_starts_from_the_request_and_the_fault_found_on_the_slip(store, world):  # type: ignore[no-untyped-def]
    request_id = _request_id(store, world)
    fresh = repairs.intake_defaults(store, request_id)
    assert (fresh.request_number, fresh.customer_name) == (world.request_number, "天津港信息中心")
    assert (fresh.company_contact, fresh.contact_phone) == ("孙丽", "13900220000")
    assert fresh.fault_description == "打印机卡纸，无法连续打印"
    assert (fresh.device_type, fresh.device_class, fresh.brand, fresh.model) == (
        "打印机", "printer", "惠普", "LaserJet M404dn")
    assert (fresh.serial, fresh.asset_tag) == ("CNB1234567", "ZC-TJPORT-001")
    assert fresh.arrived_at is None and fresh.departed_at is None
    assert fresh.device_grade == fresh.accessories == ""  # the engineer fills these in

    slip = visit.open_visit(store, request_id, "E07", now=at(70))
    visit.save_changes(store, slip.id, visit.SlipChanges(fields={
        "arrived_at": at(70), "fault_found": "主板烧毁"}), now=at(100))
    from_slip = repairs.intake_defaults(store, request_id, slip.id)
    assert from_slip.fault_description == "主板烧毁" and from_slip.arrived_at == at(70)
    assert_plain(from_slip)


def test_a_send_in_repair_through_every_step_with_a_loaner(store, repair_id, printer_pool):  # type: ignore[no-untyped-def]
    opened = _load(store, repair_id)
    assert opened.number.startswith("P-E07-20261124-") and opened.status == "received"
    assert opened.device == "打印机 惠普 LaserJet M404dn（序列号 CNB1234567 / ZC-TJPORT-001）"
    assert opened.clock_state == "on_track" and opened.clock_deadline == at(240)
    assert opened.engineer_signer == "刘洋" and opened.seal
    assert not opened.loaner_due  # nothing says yet that it takes longer than 4 hours
    assert (opened.next_step, opened.may_lend, opened.has_loan) == ("estimate", False, False)

    estimated = repairs.estimate(store, repair_id, repairs.Estimate(
        cost_fen=38_000, ready_at=at(1500), note="更换主板"), operator_code="W01",
        language="zh", now=at(200))
    assert estimated.status == "estimated" and estimated.state.estimate_fen == 38_000
    assert estimated.loaner_due and estimated.loaner_entitled and estimated.may_lend
    assert estimated.next_step == "confirm"  # R3.2: not "start"
    assert estimated.proposed_loaner == "BJ-PRN-02"  # the intake's grade, A
    assert "应提供同档次备机" in estimated.loaner_reason
    assert [c.asset_tag for c in estimated.loaner_choices] == ["BJ-PRN-02", "BJ-PRN-01"]

    lent = repairs.lend_loaner(store, repair_id, repairs.LoanerLending(
        estimated.proposed_loaner, sig("刘洋", 1), sig("孙丽", 2)), operator_code="E07",
        language="zh", now=at(220))
    assert lent.lent_loaner == estimated.proposed_loaner
    assert lent.has_loan and not lent.may_lend  # one loaner per repair

    approved = repairs.confirm_by_phone(store, repair_id, repairs.PhoneConfirmation(
        approved=True, confirmed_by="孙丽", phone="13900220000", at=at(225)),
        operator_code="C01", language="zh", now=at(230))
    assert (approved.status, approved.next_step) == ("approved", "start")
    assert approved.state.confirmed_at == at(225)  # the typed time, not the moment saved
    assert approved.state.confirmation_method == "phone"

    started = repairs.start(store, repair_id, operator_code="W01", language="zh", now=at(240))
    finished = repairs.finish(store, repair_id, "", operator_code="W01", language="zh",
                              now=at(1400))
    assert (started.status, finished.status) == ("in_repair", "finished")
    assert (started.next_step, finished.next_step) == ("finish", "return")
    assert finished.proposed_fee_fen == 38_000  # the return proposes the estimate

    returned = repairs.return_device(store, repair_id, repairs.RepairReturn(
        final_fee_fen=36_000, delivered_at=None, customer_signature=sig("孙丽", 3)),
        operator_code="E07", language="zh", now=at(1460))
    assert returned.status == "returned" and returned.state.returned_at == at(1460)
    assert returned.state.final_fee_fen == 36_000 and returned.state.customer_signer == "孙丽"
    assert (returned.next_step, returned.proposed_fee_fen) == (None, 36_000)
    assert_plain(returned)

    with store.read() as session:
        kinds = {e.kind: e for e in events.events_for(session, repair.get_repair(
            session, repair_id))}
    assert kinds["repair.finished"].payload["work_done"] == "-"  # left empty: recorded as "-"
    assert kinds["repair.estimated"].payload["estimated_by"] == "W01"  # none typed: the operator


def test_the_repair_cannot_start_before_the_customer_confirms(store, repair_id):  # type: ignore[no-untyped-def]
    with pytest.raises(WorkflowError) as refused:
        repairs.start(store, repair_id, operator_code="W01", language="zh", now=at(200))
    assert refused.value.message("zh") == "维修须经客户确认后才能开始。"
    assert _load(store, repair_id, 200).status == "received"  # nothing was written


def test_a_refused_repair_closes_with_the_device_given_back(store, repair_id):  # type: ignore[no-untyped-def]
    repairs.estimate(store, repair_id, repairs.Estimate(38_000, at(1500), "王强"),
                     operator_code="W01", language="zh", now=at(200))
    refused = repairs.confirm_by_signature(store, repair_id, repairs.SignedConfirmation(
        approved=False, signature=sig("孙丽", 2)), operator_code="E07", language="en",
        now=at(210))
    assert refused.status == "refused" and refused.state.confirmed_by == "孙丽"
    assert refused.next_step == "close_refused"
    closed = repairs.close_refused(store, repair_id, sig("孙丽", 4), operator_code="E07",
                                   language="en", now=at(300))
    assert closed.status == "closed_refused" and closed.state.finished
    assert closed.clock_explanation.isascii() and closed.clock_explanation  # in English


def test_a_confirmation_by_phone_needs_who_confirmed(store, repair_id):  # type: ignore[no-untyped-def]
    repairs.estimate(store, repair_id, repairs.Estimate(38_000, at(1500)),
                     operator_code="W01", language="zh", now=at(200))
    with pytest.raises(ValidationError) as refused:
        repairs.confirm_by_phone(store, repair_id, repairs.PhoneConfirmation(
            approved=True, confirmed_by=" ", phone="", at=None), operator_code="C01",
            language="zh", now=at(230))
    assert [i.field for i in refused.value.issues] == ["confirmed_by"]


def test_the_device_fault_escalation_opens_the_repair(store, world):  # type: ignore[no-untyped-def]
    request_id = _request_id(store, world)
    repair_id = repairs.send_in(store, request_id, intake(), operator_code="E07",
                                escalated=repairs.EscalationInfo(
                                    "主板故障，现场无法修复", "孙丽", "陈晓红"), now=at(160))
    assert _load(store, repair_id).status == "received"
    history = escalations.context(store, request_id, language="zh").history
    assert len(history) == 1 and "设备故障升级" in history[0]
    assert _load(store, repair_id).number in history[0]


def test_an_intake_with_bad_times_is_refused_and_writes_nothing(store, world):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        repairs.send_in(store, _request_id(store, world),
                        intake(departed_at=at(60)), operator_code="E07", now=at(160))
    assert "departed_at" in [i.field for i in refused.value.issues]
    assert repairs.page(store, now=at(160)) == []


def test_an_unknown_operator_cannot_take_a_device_in(store, world):  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        repairs.send_in(store, _request_id(store, world), intake(), operator_code="E99",
                        now=at(160))


def test_a_step_time_is_the_typed_one_unless_it_is_within_the_last_minute():
    now = at(300)
    assert repairs.step_time(None, now) == now
    assert repairs.step_time(now - timedelta(seconds=40), now) == now  # tapped "Now"
    assert repairs.step_time(at(250), now) == at(250)
    assert repairs.step_time(now + timedelta(minutes=5), now) == now + timedelta(minutes=5)


def test_the_list_shows_each_repair_with_its_state_and_clock(store, repair_id):  # type: ignore[no-untyped-def]
    (row,) = repairs.page(store, now=at(200))
    assert (row.id, row.status, row.customer_name) == (repair_id, "received", "天津港信息中心")
    assert (row.clock_state, row.deadline) == ("at_risk", at(240))  # 40 minutes left
    assert repairs.page(store, offset=1, now=at(200)) == []
