"""The repair estimate (维修报价单, R3.2): parts and labour lines in exact money, how long
the offer stands, and the customer's answer — signed, by phone or on the portal — which
names the estimate it answers. The repair starts only after an approval; a refusal ends in
the device given back unrepaired."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fieldapp.base.errors import ValidationError, WorkflowError
from fieldapp.base.ids import PORTAL_OPERATOR_CODE
from fieldapp.records.events import EventKind, make_event, payload_issues
from fieldapp.rules.validation import FeeLineInput
from fieldapp.workflows import repair
from fieldapp.workflows.event_check import check_event
from tests.workflows.conftest import LATER, at, sig

pytestmark = pytest.mark.any_moment

BOARD = FeeLineInput("parts", "主板（原厂）", Decimal(1), Decimal("320.00"))
LABOUR = FeeLineInput("labour", "更换主板工时", Decimal("1.5"), Decimal("40.00"))
LINES = (repair.EstimateLine.of(BOARD), repair.EstimateLine.of(LABOUR))


def _estimate(session, number, *, minutes=200, valid_minutes=200 + 3 * 24 * 60,
              lines=LINES):
    order = repair.get_repair(session, number)
    return repair.estimate_repair(
        session, order, lines=lines, expected_ready_at=at(1500), estimated_by="维修部 王强",
        valid_until=at(valid_minutes) if valid_minutes is not None else None,
        actor_code="W01", occurred_at=at(minutes), now=LATER)


def _answer(session, number, *, approved=True, minutes=230, method="phone",
            actor="C01", estimate_id=None):
    order = repair.get_repair(session, number)
    return repair.confirm_repair(
        session, order, approved=approved, method=method, confirmed_by="孙丽",
        phone="13900220000" if method == "phone" else "", actor_code=actor,
        occurred_at=at(minutes), estimate_id=estimate_id, now=LATER)


def test_the_estimate_is_its_lines_and_their_exact_total(store, repair_number):
    with store.write() as session:
        event = _estimate(session, repair_number)
        state = repair.repair_state(session, repair.get_repair(session, repair_number))
    assert event.payload["cost_fen"] == 32_000 + 6_000  # 1 × 320.00 + 1.5 × 40.00
    assert state.estimate_fen == 38_000 and state.estimate_lines == LINES
    assert state.valid_until == at(200 + 3 * 24 * 60) and state.estimate_id == event.id
    assert state.estimated_by == "维修部 王强"


def test_an_estimate_whose_lines_do_not_add_up_is_refused(store, repair_number):
    payload = {"cost_fen": 1, "expected_ready_at": "2026-11-25T02:00:00Z",
               "estimated_by": "王强", "lines": [LINES[0].as_payload()]}
    assert [i.code for i in payload_issues(EventKind.REPAIR_ESTIMATED, payload)] == [
        "not_the_total"]
    forged = dict(LINES[0].as_payload(), amount_fen=1)
    issues = payload_issues(EventKind.REPAIR_ESTIMATED, {**payload, "lines": [forged]})
    assert issues[0].zh == "报价明细第 1 行金额与数量、单价不符。"
    with pytest.raises(ValidationError) as err, store.write() as session:
        repair.estimate_repair(session, repair.get_repair(session, repair_number),
                               cost_fen=1, lines=LINES, expected_ready_at=at(1500),
                               estimated_by="王强", actor_code="W01", occurred_at=at(200),
                               now=LATER)
    assert err.value.issues[0].code == "not_the_total"


def test_a_validity_before_the_estimate_itself_is_refused(store, repair_number):
    with pytest.raises(ValidationError) as err, store.write() as session:
        _estimate(session, repair_number, valid_minutes=190)
    assert err.value.issues[0].zh == "报价有效期须晚于报价时间。"


def test_the_repair_starts_only_after_the_customer_approves(store, repair_number):
    with store.write() as session:
        _estimate(session, repair_number)
    with pytest.raises(WorkflowError) as err, store.write() as session:
        repair.start_repair(session, repair.get_repair(session, repair_number),
                            actor_code="W01", occurred_at=at(240), now=LATER)
    assert err.value.zh == "维修须经客户确认后才能开始。"
    assert err.value.en == "The repair cannot start without the customer's confirmation."
    with store.write() as session:
        _answer(session, repair_number)
        repair.start_repair(session, repair.get_repair(session, repair_number),
                            actor_code="W01", occurred_at=at(240), now=LATER)


def test_a_decline_leads_to_the_device_returned_unrepaired(store, repair_number):
    with store.write() as session:
        _estimate(session, repair_number)
        _answer(session, repair_number, approved=False)
    with pytest.raises(WorkflowError, match="客户已拒绝维修"), store.write() as session:
        repair.start_repair(session, repair.get_repair(session, repair_number),
                            actor_code="W01", occurred_at=at(240), now=LATER)
    with store.write() as session:
        order = repair.get_repair(session, repair_number)
        repair.close_refused_repair(session, order, customer_signature=sig("孙丽", 2),
                                    actor_code="E07", occurred_at=at(300), now=LATER)
        assert repair.repair_state(session, order).status == "closed_refused"


def test_an_approval_after_the_offer_lapsed_is_refused_but_a_decline_is_taken(
        store, repair_number):
    with store.write() as session:
        _estimate(session, repair_number, valid_minutes=600)
    with pytest.raises(WorkflowError) as err, store.write() as session:
        _answer(session, repair_number, minutes=601)
    assert err.value.zh == "报价已过有效期（2026-11-24 20:00），不能再同意；请维修部重新报价。"
    assert "expired" in err.value.en
    with store.write() as session:
        _answer(session, repair_number, approved=False, minutes=601)
        state = repair.repair_state(session, repair.get_repair(session, repair_number))
    assert state.status == "refused"


def test_an_answer_to_an_older_estimate_is_refused(store, repair_number):
    with store.write() as session:
        first = _estimate(session, repair_number)
        second = _estimate(session, repair_number, minutes=210)
    with pytest.raises(WorkflowError) as err, store.write() as session:
        _answer(session, repair_number, estimate_id=first.id)
    assert err.value.zh == "报价已更新，请按最新的报价单确认。"
    with store.write() as session:
        _answer(session, repair_number, estimate_id=second.id)


def test_the_portal_answer_is_recorded_by_the_portal_only(store, repair_number):
    with store.write() as session:
        estimate = _estimate(session, repair_number)
    with pytest.raises(WorkflowError, match="客户门户"), store.write() as session:
        _answer(session, repair_number, method="portal", actor="E07")
    with pytest.raises(ValidationError), store.write() as session:  # WEB records nothing else
        repair.start_repair(session, repair.get_repair(session, repair_number),
                            actor_code=PORTAL_OPERATOR_CODE, occurred_at=at(240), now=LATER)
    with store.write() as session:
        event = _answer(session, repair_number, method="portal", actor=PORTAL_OPERATOR_CODE,
                        estimate_id=estimate.id)
        state = repair.repair_state(session, repair.get_repair(session, repair_number))
    assert (state.status, state.confirmation_method, state.confirmed_by) == (
        "approved", "portal", "孙丽")
    assert state.confirmed_at == at(230) and event.actor_code == "WEB"


def test_a_pushed_portal_answer_from_a_laptop_is_refused_by_the_same_fold(
        store, repair_number):
    with store.write() as session:
        estimate = _estimate(session, repair_number)
        order = repair.get_repair(session, repair_number)
        forged = make_event(EventKind.REPAIR_CONFIRMED, order.id, {
            "decision": "approved", "method": "portal", "confirmed_by": "孙丽",
            "estimate_id": str(estimate.id)}, actor_code="E07", occurred_at=at(230),
            request_id=order.request_id, now=LATER)
        verdict = check_event(session, forged)
    assert not verdict.ok and verdict.code == "portal_only"
