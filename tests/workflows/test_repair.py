"""Send-in repair (硬件送修, R3): intake sealed, estimate, confirmation, repair, return."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from fieldapp.base.errors import StorageError, ValidationError, WorkflowError
from fieldapp.sla import ClockState
from fieldapp.workflows import repair
from tests.workflows.conftest import LATER, at, intake, sig

# Deadlines and due times beside today: none may read the wall clock (tests/conftest.py).
pytestmark = pytest.mark.any_moment


def _order(session, number):
    return repair.get_repair(session, number)


def _estimate(session, order, minutes=200, ready_minutes=1500):
    repair.estimate_repair(session, order, cost_fen=38000, expected_ready_at=at(ready_minutes),
                           estimated_by="维修部 王强", note="更换主板", actor_code="W01",
                           occurred_at=at(minutes), now=LATER)


def _approve(session, order, minutes=230):
    repair.confirm_repair(session, order, approved=True, method="phone", confirmed_by="孙丽",
                          phone="13900220000", actor_code="C01", occurred_at=at(minutes),
                          now=LATER)


def test_intake_is_numbered_sealed_and_verifiable(store, repair_number):
    assert repair_number.startswith("P-E07-20261124-")
    with store.read() as session:
        order = _order(session, repair_number)
        assert order.device_class == "printer" and order.serial == "CNB1234567"
        assert order.company_contact == "孙丽" and order.accessories == "电源线一根"
        assert repair.verify_repair_order(order)
        assert repair.repair_state(session, order).status == "received"


def test_intake_is_read_only_in_the_database(store, repair_number):
    with pytest.raises(StorageError) as err, store.write() as session:
        session.execute(text("UPDATE repair_orders SET fault_description = '已修好'"))
    assert "只追加" in err.value.zh


def test_intake_times_must_follow_the_work(store, world):
    from fieldapp.records import reference, service_requests

    with pytest.raises(ValidationError) as err, store.write() as session:
        request = service_requests.get_request(session, world.request_number)
        engineer = reference.engineer_by_code(session, "E07")
        repair.open_repair(session, request, engineer,
                           intake(departed_at=at(60), company_contact=" "), now=at(160))
    assert {"out_of_order", "required"} <= err.value.codes
    assert err.value.for_field("departed_at")[0].zh == "离开时间不能早于到达时间。"


def test_approved_repair_walks_to_returned_and_stops_the_clock(store, repair_number):
    with store.write() as session:
        order = _order(session, repair_number)
        _estimate(session, order)
        _approve(session, order)
        repair.start_repair(session, order, technician="王强", actor_code="W01",
                            occurred_at=at(240), now=LATER)
        repair.finish_repair(session, order, work_done="更换主板，打印测试 50 页正常",
                             actor_code="W01", occurred_at=at(1400), now=LATER)
        repair.return_repair(session, order, final_fee_fen=38000,
                             customer_signature=sig("孙丽", 2), actor_code="E07",
                             occurred_at=at(1500), now=LATER)
    with store.read() as session:
        overview = repair.repair_overview(session, _order(session, repair_number), LATER)
    state = overview.state
    assert state.status == "returned" and state.final_fee_fen == 38000
    assert (state.estimated_at, state.confirmed_at, state.started_at) == (at(200), at(230),
                                                                          at(240))
    assert state.returned_at == at(1500) and state.customer_signer == "孙丽"
    assert overview.clock.stopped_at == at(1500)
    assert overview.clock.state is ClockState.BREACHED  # a day later than 4 hours
    assert not overview.loaner.due  # the device is back


def test_repair_cannot_start_before_the_customer_confirms(store, repair_number):
    with store.write() as session:
        _estimate(session, _order(session, repair_number))
    with pytest.raises(WorkflowError) as err, store.write() as session:
        repair.start_repair(session, _order(session, repair_number), actor_code="W01",
                            occurred_at=at(240), now=LATER)
    assert "客户确认" in err.value.zh
    assert "cannot start without the customer's confirmation" in err.value.en


def test_confirmation_needs_an_estimate_first(store, repair_number):
    with pytest.raises(WorkflowError, match="尚未报价"), store.write() as session:
        _approve(session, _order(session, repair_number))


def test_refused_repair_cannot_start_and_closes_with_the_device_returned(store, repair_number):
    with store.write() as session:
        order = _order(session, repair_number)
        _estimate(session, order)
        repair.confirm_repair(session, order, approved=False, method="signature",
                              confirmed_by="孙丽", signature=sig("孙丽", 2), actor_code="E07",
                              occurred_at=at(230), now=LATER)
    with pytest.raises(WorkflowError) as err, store.write() as session:
        repair.start_repair(session, _order(session, repair_number), actor_code="W01",
                            occurred_at=at(240), now=LATER)
    assert "客户已拒绝维修" in err.value.zh
    with pytest.raises(WorkflowError, match="拒修归还"), store.write() as session:
        repair.return_repair(session, _order(session, repair_number), final_fee_fen=0,
                             customer_signature=sig("孙丽", 2), actor_code="E07",
                             occurred_at=at(300), now=LATER)
    with store.write() as session:
        repair.close_refused_repair(session, _order(session, repair_number),
                                    customer_signature=sig("孙丽", 2), actor_code="E07",
                                    occurred_at=at(300), note="客户决定更换新打印机", now=LATER)
        overview = repair.repair_overview(session, _order(session, repair_number), LATER)
    assert overview.state.status == "closed_refused" and overview.state.closed_at == at(300)
    assert overview.clock.state is ClockState.NOT_APPLICABLE


def test_a_return_without_confirmation_is_refused(store, repair_number):
    with store.write() as session:
        _estimate(session, _order(session, repair_number))
    with pytest.raises(WorkflowError) as err, store.write() as session:
        repair.return_repair(session, _order(session, repair_number), final_fee_fen=38000,
                             customer_signature=sig("孙丽", 2), actor_code="E07",
                             occurred_at=at(300), now=LATER)
    assert "尚未确认" in err.value.zh


def test_nothing_is_recorded_after_the_return(store, repair_number):
    with store.write() as session:
        order = _order(session, repair_number)
        _estimate(session, order)
        _approve(session, order)
        for kind, minutes in (("start", 240), ("finish", 300)):
            if kind == "start":
                repair.start_repair(session, order, actor_code="W01", occurred_at=at(minutes),
                                    now=LATER)
            else:
                repair.finish_repair(session, order, work_done="更换主板", actor_code="W01",
                                     occurred_at=at(minutes), now=LATER)
        repair.return_repair(session, order, final_fee_fen=38000,
                             customer_signature=sig("孙丽", 2), actor_code="E07",
                             occurred_at=at(330), now=LATER)
    with pytest.raises(WorkflowError, match="已结束"), store.write() as session:
        _estimate(session, _order(session, repair_number), minutes=400)


def test_confirmation_by_signature_needs_the_strokes(store, repair_number):
    with store.write() as session:
        _estimate(session, _order(session, repair_number))
    with pytest.raises(ValidationError) as err, store.write() as session:
        repair.confirm_repair(session, _order(session, repair_number), approved=True,
                              method="signature", confirmed_by="孙丽", actor_code="E07",
                              occurred_at=at(230), now=LATER)
    assert err.value.for_field("signature")


def test_a_step_dated_before_the_intake_is_refused(store, repair_number):
    with pytest.raises(WorkflowError, match="早于送修接受时间"), \
            store.write() as session:
        _estimate(session, _order(session, repair_number), minutes=1)


def test_estimate_is_refused_with_a_negative_cost(store, repair_number):
    with pytest.raises(ValidationError) as err, store.write() as session:
        repair.estimate_repair(session, _order(session, repair_number), cost_fen=-1,
                               expected_ready_at=at(600), estimated_by="王强",
                               actor_code="W01", occurred_at=at(200), now=LATER)
    assert "bad_amount" in err.value.codes


def test_long_repair_for_a_group_customer_makes_a_loaner_due(store, repair_number):
    with store.write() as session:
        order = _order(session, repair_number)
        _estimate(session, order, ready_minutes=1500)
        overview = repair.repair_overview(session, order, at(210))
    assert overview.state.expected_ready_at == at(1500)
    assert overview.loaner.entitled and overview.loaner.due
    assert overview.clock.state in (ClockState.ON_TRACK, ClockState.AT_RISK)


def test_events_are_immutable_in_the_database(store, repair_number):
    with store.write() as session:
        _estimate(session, _order(session, repair_number))
    with pytest.raises(StorageError), store.write() as session:
        session.execute(text("UPDATE events SET payload = '{}'"))
    with pytest.raises(StorageError), store.write() as session:
        session.execute(text("DELETE FROM events"))
    with store.read() as session:
        assert session.execute(text("SELECT count(*) FROM events")).scalar() == 1


def test_the_raw_trigger_refuses_even_without_the_store_guard(store, repair_number):
    with store.write() as session:
        _estimate(session, _order(session, repair_number))
    with store.engine.connect() as conn, pytest.raises(IntegrityError, match="append-only"):
        conn.execute(text("DELETE FROM events"))
