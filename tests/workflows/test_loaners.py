"""Same-class loaners (同档次备机, R1.4): proposal, lending once at a time, overdue."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from fieldapp.base.errors import WorkflowError
from fieldapp.records import events, reference, service_requests
from fieldapp.workflows import loaners, repair
from tests.workflows.conftest import LATER, at, intake, sig

# Deadlines and due times beside today: none may read the wall clock (tests/conftest.py).
pytestmark = pytest.mark.any_moment


def _long_repair(session, number, ready_minutes=1500):
    order = repair.get_repair(session, number)
    repair.estimate_repair(session, order, cost_fen=38000, expected_ready_at=at(ready_minutes),
                           estimated_by="王强", actor_code="W01", occurred_at=at(200),
                           now=LATER)
    return order


def _issue(session, tag, order, minutes=220):
    return loaners.issue_loaner(session, loaners.get_loaner(session, tag), order,
                                engineer_signature=sig("刘洋", 1),
                                customer_signature=sig("孙丽", 2), actor_code="E07",
                                occurred_at=at(minutes), now=LATER)


def test_a_long_repair_gets_a_free_loaner_of_the_same_class_and_grade(
        store, repair_number, printer_loaners):
    with store.write() as session:
        proposal = loaners.propose_loaner(session, _long_repair(session, repair_number), at(210))
    assert proposal.decision.due
    assert proposal.loaner is not None and proposal.loaner.asset_tag == "BJ-PRN-02"  # grade A


def test_falls_back_to_the_same_class_when_the_grade_is_out(store, repair_number,
                                                           printer_loaners):
    with store.write() as session:
        order = _long_repair(session, repair_number)
        _issue(session, "BJ-PRN-02", order)
        proposal = loaners.propose_loaner(session, order, at(230))
    assert proposal.loaner is not None and proposal.loaner.asset_tag == "BJ-PRN-01"


def test_no_loaner_is_proposed_while_the_repair_is_within_four_hours(
        store, repair_number, printer_loaners):
    with store.write() as session:
        proposal = loaners.propose_loaner(session, _long_repair(session, repair_number,
                                                                ready_minutes=180), at(100))
    assert not proposal.decision.due and proposal.loaner is None


def test_a_loaner_is_not_proposed_or_lent_without_entitlement(store, world, printer_loaners):
    with store.write() as session:
        customer = reference.create_customer(session, code="HPBANK", name="河北区某商业银行支行",
                                             is_group=False)
        device = reference.add_device(session, customer, device_type="打印机",
                                      device_class="printer", brand="惠普", serial="CNX998877")
        request = service_requests.take_request(
            session, operator_code="C01", customer=customer, channel="sendin",
            fault_reported="打印机不进纸", requested_at=at(0), contact_name="赵敏",
            device=device, now=at(0))
        engineer = reference.engineer_by_code(session, "E07")
        order = repair.open_repair(session, request, engineer, intake(company_contact="赵敏"),
                                   now=at(160))
        number = order.number
        proposal = loaners.propose_loaner(session, _long_repair(session, number), at(210))
    assert not proposal.decision.entitled and proposal.loaner is None
    assert "合同不含备机服务" in proposal.reason("zh")
    with pytest.raises(WorkflowError) as err, store.write() as session:
        _issue(session, "BJ-PRN-01", repair.get_repair(session, number))
    assert "不含备机服务" in err.value.zh
    with store.write() as session:  # the service centre may still lend one as goodwill
        loaners.issue_loaner(session, loaners.get_loaner(session, "BJ-PRN-01"),
                             repair.get_repair(session, number),
                             engineer_signature=sig("刘洋"), customer_signature=sig("赵敏", 3),
                             actor_code="E07", occurred_at=at(220), goodwill=True, now=LATER)
        state = loaners.loaner_state(session, loaners.get_loaner(session, "BJ-PRN-01"))
    assert state.current is not None and state.current.goodwill


def test_a_loaner_cannot_be_lent_twice_at_once(store, repair_number, printer_loaners):
    with store.write() as session:
        _issue(session, "BJ-PRN-02", _long_repair(session, repair_number))
    with pytest.raises(WorkflowError) as err, store.write() as session:
        _issue(session, "BJ-PRN-02", repair.get_repair(session, repair_number), minutes=240)
    assert "不能同时再借" in err.value.zh and "lent twice" in err.value.en
    with store.read() as session:
        assert len(events.events_for(session, loaners.get_loaner(session, "BJ-PRN-02"))) == 1


def test_return_frees_the_loaner_and_it_can_be_lent_again(store, repair_number,
                                                         printer_loaners):
    with store.write() as session:
        order = _long_repair(session, repair_number)
        _issue(session, "BJ-PRN-02", order)
        loaners.return_loaner(session, loaners.get_loaner(session, "BJ-PRN-02"),
                              condition="good", engineer_signature=sig("刘洋"),
                              customer_signature=sig("孙丽", 2), actor_code="E07",
                              occurred_at=at(1500), now=LATER)
        _issue(session, "BJ-PRN-02", order, minutes=1510)
        state = loaners.loaner_state(session, loaners.get_loaner(session, "BJ-PRN-02"))
    assert state.status == "out" and len(state.history) == 1
    assert state.history[0].returned_at == at(1500) and state.history[0].condition == "good"


def test_returning_a_loaner_that_is_not_out_is_refused(store, printer_loaners):
    with pytest.raises(WorkflowError, match="未借出"), store.write() as session:
        loaners.return_loaner(session, loaners.get_loaner(session, "BJ-NB-01"),
                              condition="good", engineer_signature=sig("刘洋"),
                              customer_signature=sig("孙丽", 2), actor_code="E07",
                              occurred_at=at(100), now=LATER)


def _issued(loaner_id, repair_id, minutes, actor):
    return events.make_event("loaner.issued", loaner_id, {
        "repair_order_id": str(repair_id), "repair_number": f"P-{actor}-20261124-001",
        "engineer_signature": sig("刘洋").as_payload(),
        "customer_signature": sig("孙丽", 2).as_payload(),
    }, actor_code=actor, occurred_at=at(minutes), now=LATER)


def test_two_laptops_lending_the_same_loaner_give_one_loan_and_a_conflict_in_any_order():
    loaner_id = uuid.uuid4()
    first = _issued(loaner_id, uuid.uuid4(), 220, "E07")  # engineer 刘洋's laptop
    second = _issued(loaner_id, uuid.uuid4(), 235, "E12")  # another laptop, offline
    for arrival in ([first, second], [second, first]):
        state = loaners.fold_loaner(arrival)
        assert state.current is not None and state.current.issue_event_id == first.id
        assert [c.event_id for c in state.conflicts] == [second.id]
        assert state.conflicts[0].code == "lent_twice"


def test_loaners_out_flags_one_kept_past_the_grace_period(store, repair_number,
                                                         printer_loaners):
    with store.write() as session:
        order = _long_repair(session, repair_number)
        _issue(session, "BJ-PRN-02", order)
        repair.confirm_repair(session, order, approved=True, method="phone",
                              confirmed_by="孙丽", actor_code="C01", occurred_at=at(230),
                              now=LATER)
        repair.start_repair(session, order, actor_code="W01", occurred_at=at(240), now=LATER)
        repair.finish_repair(session, order, work_done="更换主板", actor_code="W01",
                             occurred_at=at(1400), now=LATER)
        repair.return_repair(session, order, final_fee_fen=38000,
                             customer_signature=sig("孙丽", 2), actor_code="E07",
                             occurred_at=at(1500), now=LATER)
    with store.read() as session:
        soon = loaners.loaners_out(session, at(1500) + timedelta(hours=2))
        late = loaners.loaners_out(session, at(1500) + timedelta(hours=30))
    assert [(o.asset_tag, o.overdue) for o in soon] == [("BJ-PRN-02", False)]
    assert [(o.asset_tag, o.overdue) for o in late] == [("BJ-PRN-02", True)]
    assert late[0].due_back_at == at(1500) + loaners.DEFAULT_GRACE


def test_a_retired_loaner_is_not_lent(store, repair_number, printer_loaners):
    with store.write() as session:
        loaners.get_loaner(session, "BJ-PRN-02").active = False
    with pytest.raises(WorkflowError, match="已停用"), store.write() as session:
        _issue(session, "BJ-PRN-02", _long_repair(session, repair_number))
