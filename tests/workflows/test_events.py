"""Events: validated canonical payloads, canonical order, folds independent of arrival."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.base.errors import ValidationError
from fieldapp.records import events
from fieldapp.workflows import complaints, escalation, loaners, repair
from tests.workflows.conftest import LATER, at, sig

REPAIR_ID = uuid.UUID("0190f3a0-0000-7000-8000-000000000001")
LOANER_ID = uuid.UUID("0190f3a0-0000-7000-8000-000000000002")


def _ev(kind, subject, payload, minutes, actor="E07"):
    return events.make_event(kind, subject, payload, actor_code=actor,
                             occurred_at=at(minutes), now=LATER)


def test_unknown_kinds_fields_floats_and_booleans_are_refused():
    with pytest.raises(ValidationError) as err:
        _ev("repair.teleported", REPAIR_ID, {}, 10)
    assert "unknown_kind" in err.value.codes
    for payload, code in [({"work_done": "换主板", "colour": "red"}, "unknown_field"),
                          ({"work_done": 1.5}, "not_canonical"),
                          ({"work_done": True}, "not_canonical"),
                          ({}, "required")]:
        with pytest.raises(ValidationError) as err:
            _ev("repair.finished", REPAIR_ID, payload, 10)
        assert code in err.value.codes


def test_an_event_in_the_future_is_refused():
    with pytest.raises(ValidationError) as err:
        events.make_event("repair.started", REPAIR_ID, {}, actor_code="W01",
                          occurred_at=LATER + timedelta(hours=1), now=LATER)
    assert "in_future" in err.value.codes


def test_payload_is_canonical_json():
    event = _ev("repair.estimated", REPAIR_ID, {"cost_fen": 38000, "estimated_by": "王强",
                                                "expected_ready_at": "2026-11-25T01:00:00Z"}, 5)
    assert events.canonical_payload(event.payload) == (
        '{"cost_fen":38000,"estimated_by":"王强","expected_ready_at":"2026-11-25T01:00:00Z"}')


def _repair_history():
    signature = sig("孙丽", 2).as_payload()
    return [
        _ev("repair.estimated", REPAIR_ID, {"cost_fen": 38000, "estimated_by": "王强",
                                            "expected_ready_at": "2026-11-25T01:00:00Z"}, 200),
        _ev("repair.confirmed", REPAIR_ID, {"decision": "approved", "method": "phone",
                                            "confirmed_by": "孙丽"}, 230, "C01"),
        _ev("repair.started", REPAIR_ID, {}, 240, "W01"),
        _ev("repair.started", REPAIR_ID, {}, 245, "W02"),  # a duplicate start: a conflict
        _ev("repair.finished", REPAIR_ID, {"work_done": "更换主板"}, 1400, "W01"),
        _ev("repair.returned", REPAIR_ID, {"final_fee_fen": 38000, "signature": signature},
            1500),
    ]


def _loaner_history():
    payload = {"repair_order_id": str(REPAIR_ID), "repair_number": "P-E07-20261124-001",
               "engineer_signature": sig("刘洋").as_payload(),
               "customer_signature": sig("孙丽", 2).as_payload()}
    back = {"condition": "good", "engineer_signature": sig("刘洋").as_payload(),
            "customer_signature": sig("孙丽", 2).as_payload()}
    return [_ev("loaner.issued", LOANER_ID, payload, 220),
            _ev("loaner.issued", LOANER_ID, payload, 230, "E12"),
            _ev("loaner.returned", LOANER_ID, back, 1500),
            _ev("loaner.returned", LOANER_ID, back, 1510, "E12"),
            _ev("loaner.issued", LOANER_ID, payload, 1600, "E12")]


def _request_history():
    def move(code, minutes):
        return _ev("request.reassigned", REPAIR_ID, {
            "engineer_code": code, "engineer_id": str(uuid.uuid5(REPAIR_ID, code)),
            "reason": "改派", "decided_by": "李娜"}, minutes, "C01")
    return [move("E15", 100), move("E21", 200), move("E12", 300),
            _ev("request.escalated", REPAIR_ID, {
                "escalation_kind": "technical_ability", "reason": "多次未解决",
                "requested_by": "孙丽", "decided_by": "李娜"}, 99, "C01")]


def _complaint_history():
    return [_ev("complaint.closed", REPAIR_ID, {"closed_by": "陈晓红"}, 50, "C01"),
            _ev("complaint.responded", REPAIR_ID, {"response": "已致歉", "responder": "陈晓红"},
                60, "C01"),
            _ev("complaint.closed", REPAIR_ID, {"closed_by": "陈晓红"}, 70, "C01")]


FOLDS = {
    "repair": (_repair_history(), lambda evs: repair.fold_repair(evs, at(5))),
    "loaner": (_loaner_history(), loaners.fold_loaner),
    "request": (_request_history(), escalation.fold_request),
    "complaint": (_complaint_history(), complaints.fold_complaint),
}


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(sorted(FOLDS)), data=st.data())
def test_folds_are_independent_of_arrival_order_and_duplicates(name, data):
    history, fold = FOLDS[name]
    arrival = data.draw(st.permutations(history))
    duplicates = data.draw(st.lists(st.sampled_from(history), max_size=3))
    assert fold([*arrival, *duplicates]) == fold(history)


def test_the_folded_histories_say_what_happened():
    repaired = FOLDS["repair"][1](_repair_history())
    assert repaired.status == "returned" and [c.code for c in repaired.conflicts] == [
        "already_started"]
    loaned = loaners.fold_loaner(_loaner_history())
    assert loaned.status == "out" and len(loaned.history) == 1
    assert [c.code for c in loaned.conflicts] == ["lent_twice", "not_out"]
    moved = escalation.fold_request(_request_history())
    assert moved.assignee.engineer_code == "E12" and moved.count("technical_ability") == 1
    closed = complaints.fold_complaint(_complaint_history())
    assert closed.status == "closed" and [c.code for c in closed.conflicts] == ["no_response"]


def test_stored_events_come_back_in_order(store, repair_number):
    with store.write() as session:
        order = repair.get_repair(session, repair_number)
        repair.estimate_repair(session, order, cost_fen=1000, expected_ready_at=at(600),
                               estimated_by="王强", actor_code="W01", occurred_at=at(300),
                               now=LATER)
        repair.confirm_repair(session, order, approved=True, method="phone",
                              confirmed_by="孙丽", actor_code="C01", occurred_at=at(310),
                              now=LATER)
    with store.read() as session:
        order = repair.get_repair(session, repair_number)
        stored = events.events_for(session, order)
        assert [e.kind for e in stored] == ["repair.estimated", "repair.confirmed"]
        assert events.events_for_request(session, order.request_id) == stored
        assert stored[0].payload["cost_fen"] == 1000 and stored[0].recorded_at == LATER


def test_storing_a_received_event_twice_keeps_one(store, repair_number):
    event = _ev("repair.started", REPAIR_ID, {}, 240, "W01")
    with store.write() as session:
        events.store_event(session, event)
        events.store_event(session, event)
    with store.read() as session:
        assert events.events_of(session, "repair", REPAIR_ID) == [event]
