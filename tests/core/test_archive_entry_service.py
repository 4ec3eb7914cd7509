"""A group customer's archive input as services (R2.5): `fieldapp.services.archive_entries`."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fieldapp.base.errors import ValidationError, WorkflowError
from fieldapp.records import reference, service_requests, slips
from fieldapp.services import archive_entries, visit
from tests.core.conftest import NOW, REQUESTED
from tests.core.plain_data import assert_plain


def _slip_id(store, number):  # type: ignore[no-untyped-def]
    with store.read() as session:
        return slips.get_slip(session, number).id


def test_the_context_lists_the_customers_devices_and_the_latest_entries(store, draft_number):  # type: ignore[no-untyped-def]
    slip_id = _slip_id(store, draft_number)
    context = archive_entries.context(store, slip_id, language="zh")
    assert (context.customer_name, context.is_group, context.entries) == (
        "天津港信息中心", True, ())
    ((device_id, text),) = context.devices
    assert context.device_id == device_id and "LaserJet M404dn" in text
    for i in range(10):
        archive_entries.add(store, slip_id, archive_entries.NewEntry(
            "problem", f"卡纸问题 {i}", "E07", device_id), now=NOW + timedelta(minutes=i))
    entries = archive_entries.context(store, slip_id, language="en").entries
    assert len(entries) == 8 and entries[-1] == "2026-11-24 16:09 [Problem set] 卡纸问题 9"
    assert_plain(context)


def test_an_empty_entry_or_another_customers_device_is_refused(store, draft_number):  # type: ignore[no-untyped-def]
    slip_id = _slip_id(store, draft_number)
    with store.write() as session:
        other = reference.create_customer(session, code="TJH1", name="天津某医院")
        device_id = reference.add_device(session, other, device_type="电脑",
                                         device_class="desktop", brand="联想").id
    with pytest.raises(ValidationError) as refused:
        archive_entries.add(store, slip_id, archive_entries.NewEntry(
            "suggestion", " ", "E07", device_id), now=NOW)
    assert {i.field for i in refused.value.issues} == {"text", "device_id"}


def test_a_customer_who_is_no_group_customer_has_no_archive(store, world):  # type: ignore[no-untyped-def]
    with store.write() as session:
        customer = reference.create_customer(session, code="HPBANK", name="河北区某商业银行支行")
        request = service_requests.take_request(
            session, operator_code="C01", customer=customer, channel="phone",
            fault_reported="网银盾无法识别", requested_at=REQUESTED, contact_name="李明",
            now=REQUESTED)
        request_id = request.id
    slip = visit.open_visit(store, request_id, "E07", now=REQUESTED + timedelta(minutes=5))
    context = archive_entries.context(store, slip.id, language="zh")
    assert not context.is_group and context.entries == ()
    with pytest.raises(WorkflowError):
        archive_entries.add(store, slip.id, archive_entries.NewEntry(
            "suggestion", "建议更换网银盾", "E07"), now=NOW)
