"""Complaints as services (R5): `fieldapp.services.complaints`, every moment fixed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fieldapp.base.errors import ValidationError, WorkflowError
from fieldapp.services import complaints
from tests.core.conftest import NOW, REQUESTED
from tests.core.plain_data import assert_plain

RECEIVED = NOW + timedelta(hours=1)


def _customer_id(store):  # type: ignore[no-untyped-def]
    (customer,) = complaints.choices(store).customers
    return customer.id


def _about_the_engineer(store, **overrides):  # type: ignore[no-untyped-def]
    values = dict(customer_id=_customer_id(store), about="engineer",
                  description="工程师迟到一个多小时，也没有提前告知", received_via="phone",
                  received_at=RECEIVED, recorded_by="C01", engineer_code="E07",
                  subject_name="不该用到的名字")
    values.update(overrides)
    return complaints.NewComplaint(**values)  # type: ignore[arg-type]


def test_the_choices_are_the_customers_with_their_account_manager_and_the_engineers(
        store, world):  # type: ignore[no-untyped-def]
    found = complaints.choices(store)
    assert [(c.name, c.account_manager) for c in found.customers] == [("天津港信息中心", "陈晓红")]
    assert found.engineers == (("E07", "E07 刘洋"),)
    assert_plain(found)


def test_a_complaint_about_an_engineer_goes_to_the_account_manager(store, world,
                                                                   sealed_number):  # type: ignore[no-untyped-def]
    (slip,) = complaints.customer_slips(store, _customer_id(store))
    assert slip.number == sealed_number and "刘洋" in slip.label
    complaint_id = complaints.record(store, _about_the_engineer(
        store, slip_numbers=(sealed_number,)), now=RECEIVED)
    data = complaints.load(store, complaint_id, now=RECEIVED + timedelta(hours=1))
    assert data.number.startswith("C-C01-20261124-")
    assert (data.routed_to, data.handler_name) == ("account_manager", "陈晓红")  # R5.1
    assert data.subject_name == "刘洋"  # the engineer's name, not the typed one
    assert data.slip_numbers == sealed_number
    assert (data.status, data.clock_state) == ("received", "on_track")
    assert data.due_at == RECEIVED + timedelta(hours=24)
    assert_plain(data)


def test_a_complaint_about_the_service_event_goes_to_the_service_centre(store, world):  # type: ignore[no-untyped-def]
    complaint_id = complaints.record(store, _about_the_engineer(
        store, about="service_event", subject_name="", engineer_code="E07"), now=RECEIVED)
    data = complaints.load(store, complaint_id, now=RECEIVED)
    assert (data.routed_to, data.handler_name) == ("service_centre", "")  # R5.2
    assert data.subject_name == ""  # the engineer counts only for a complaint about one


def test_a_complaint_is_answered_then_closed(store, world):  # type: ignore[no-untyped-def]
    complaint_id = complaints.record(store, _about_the_engineer(store), now=RECEIVED)
    with pytest.raises(WorkflowError):  # R5.3: not closed without a response
        complaints.close(store, complaint_id, complaints.Closing("陈晓红"),
                         operator_code="C01", now=RECEIVED + timedelta(hours=2))
    answered = complaints.respond(store, complaint_id, complaints.Response(
        "已向客户致歉，今后提前电话告知到达时间", "陈晓红"), operator_code="C01",
        now=RECEIVED + timedelta(hours=3))
    assert (answered.status, answered.clock_state) == ("responded", "met")
    assert answered.responses == (("已向客户致歉，今后提前电话告知到达时间", "陈晓红",
                                   RECEIVED + timedelta(hours=3)),)
    closed = complaints.close(store, complaint_id, complaints.Closing(
        "陈晓红", outcome="客户接受", customer_satisfied=True), operator_code="C01",
        now=RECEIVED + timedelta(hours=4))
    assert (closed.status, closed.outcome) == ("closed", "客户接受")
    (row,) = complaints.page(store, now=RECEIVED + timedelta(hours=5))
    assert (row.id, row.status) == (complaint_id, "closed")


def test_a_complaint_without_a_customer_or_text_is_refused_with_every_reason(store, world):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as no_customer:
        complaints.record(store, _about_the_engineer(store, customer_id=None), now=RECEIVED)
    assert no_customer.value.issues[0].message("zh") == "请选择客户。"
    with pytest.raises(ValidationError) as refused:
        complaints.record(store, _about_the_engineer(
            store, description=" ", received_at=RECEIVED + timedelta(hours=2)), now=RECEIVED)
    assert {i.field for i in refused.value.issues} == {"description", "received_at"}
    assert complaints.page(store, now=RECEIVED) == []


def test_the_receipt_time_defaults_to_now(store, world):  # type: ignore[no-untyped-def]
    complaint_id = complaints.record(store, _about_the_engineer(store, received_at=None),
                                     now=REQUESTED + timedelta(hours=9))
    assert complaints.load(store, complaint_id, now=NOW).received_at == (
        REQUESTED + timedelta(hours=9))
