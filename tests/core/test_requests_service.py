"""Taking and assigning requests through `fieldapp.services.requests`, no session in hand."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.base.errors import NotFound, ValidationError, WorkflowError
from fieldapp.records import reference, service_requests
from fieldapp.services import requests
from fieldapp.services.requests import NewRequest
from fieldapp.store.models import ServiceRequest
from tests.core.conftest import NOW, REQUESTED


def _call(world, **changes) -> NewRequest:  # type: ignore[no-untyped-def]
    values = dict(customer_id=world.customer_id, channel="phone",
                  fault_reported="交换机端口指示灯不亮", contact_name="孙丽",
                  contact_phone="13900220000", requested_at=REQUESTED,
                  answered_at=REQUESTED + timedelta(minutes=10))
    return NewRequest(**{**values, **changes})


def test_the_pickers_list_customers_and_active_engineers_with_their_codes(store, world):  # type: ignore[no-untyped-def]
    pickers = requests.pickers(store)
    assert [(c.id, c.label) for c in pickers.customers] == [(world.customer_id, "天津港信息中心")]
    assert [(e.id, e.label, e.code) for e in pickers.engineers] == [
        (world.engineer_id, "E07 刘洋", "E07")]


def test_a_phone_request_is_taken_with_its_answer_time_and_left_open(store, world):  # type: ignore[no-untyped-def]
    request_id = requests.take_request(store, _call(world), "C01", now=NOW)
    with store.read() as session:
        request = service_requests.get_request(session, request_id)
        assert request.number.startswith("R-C01-20261124-")
        assert (request.channel, request.status, request.assigned_engineer_id) == (
            "phone", "open", None)
        assert request.answered_at == REQUESTED + timedelta(minutes=10)


def test_a_request_taken_for_an_engineer_is_assigned_to_them(store, world):  # type: ignore[no-untyped-def]
    request_id = requests.take_request(store, _call(world, engineer_id=world.engineer_id),
                                       "E07", now=NOW)
    with store.read() as session:
        request = service_requests.get_request(session, request_id)
        assert (request.status, request.assigned_engineer_id) == ("assigned", world.engineer_id)


def test_every_problem_of_a_request_is_told_at_once_and_nothing_is_written(store, world):  # type: ignore[no-untyped-def]
    bad = _call(world, customer_id=None, fault_reported=" ", contact_name="", contact_phone="",
                answered_at=REQUESTED - timedelta(minutes=5))
    assert {i.field for i in requests.form_issues(bad, now=NOW)} == {
        "customer_id", "fault_reported", "contact_name", "answered_at"}
    with pytest.raises(ValidationError) as refused:
        requests.take_request(store, bad, "C01", now=NOW)
    assert {i.field for i in refused.value.issues} == {
        "customer_id", "fault_reported", "contact_name", "answered_at"}
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(ServiceRequest)) == 1  # the world's


def test_a_request_for_an_unknown_customer_is_not_found(store, world):  # type: ignore[no-untyped-def]
    import uuid

    with pytest.raises(NotFound):
        requests.take_request(store, _call(world, customer_id=uuid.uuid4()), "C01", now=NOW)


def test_staff_assign_an_open_request_but_not_a_finished_one(store, world):  # type: ignore[no-untyped-def]
    request_id = requests.take_request(store, _call(world), "C01", now=NOW)
    with store.write() as session:
        other = reference.create_engineer(session, code="E03", name="王建国")
        other_id = other.id
    requests.assign(store, request_id, other_id)
    with store.write() as session:
        request = service_requests.get_request(session, request_id)
        assert (request.status, request.assigned_engineer_id) == ("assigned", other_id)
        request.status = "closed"
    with pytest.raises(WorkflowError):
        requests.assign(store, request_id, world.engineer_id)
