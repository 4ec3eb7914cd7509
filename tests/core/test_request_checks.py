"""A new request is checked as a whole: every problem at once, each naming its field, in
both languages; a phone number is digits. The archive checks synced requests with the
same rule, and the demo data of the laptop, the archive and the portal still passes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.archive.rules import check_record
from fieldapp.base.errors import ValidationError
from fieldapp.records import service_requests
from fieldapp.rules.validation import phone_issues
from fieldapp.store import open_store
from fieldapp.store.models import Contact, Customer, ServiceRequest
from fieldapp.sync.wire import read_record
from fieldapp.tools.demo import fill_demo
from tests.core.conftest import NOW, REQUESTED


@pytest.mark.parametrize("phone", [
    "13900220000", "139 0022 0000", "+86 139 0022 0000", "022-2345 6789",
    "(022) 23456789", "022-2345 6789 转 801", "022-23456789 ext. 12", "022 2345 6789 x801",
    "13800000000 / 022-25701234", "139-0022-0000、13900220001",
    "１３９００２２００００", "（022）23456789",  # full-width, as a Chinese input method types
    "020 8545 7271", "95588", "",
])
def test_phone_numbers_as_people_write_them_are_accepted(phone):
    assert phone_issues("contact_phone", phone) == []


@pytest.mark.parametrize(("phone", "code"), [
    ("abc", "phone_characters"),
    ("1390022abc0000", "phone_characters"),
    ("孙丽", "phone_characters"),
    ("xxx123", "phone_characters"),
    ("13900220000@qq.com", "phone_characters"),
    ("12", "phone_too_short"),
    ("--", "phone_too_short"),
])
def test_a_phone_number_that_is_not_one_is_refused(phone, code):
    (issue,) = phone_issues("contact_phone", phone)
    assert (issue.field, issue.code) == ("contact_phone", code)
    assert "联系电话" in issue.zh and "contact phone" in issue.en


def test_all_problems_of_a_request_are_told_at_once():
    issues = service_requests.request_issues(
        customer_id=None, channel="phone", fault_reported=" ", contact_name="",
        contact_phone="abc", requested_at=REQUESTED, answered_at=REQUESTED - timedelta(1),
        now=NOW)
    assert {(i.field, i.code) for i in issues} == {
        ("customer_id", "required"), ("fault_reported", "required"),
        ("contact_phone", "phone_characters"), ("answered_at", "out_of_order")}
    assert all(i.zh and i.en for i in issues)


def test_a_request_without_a_request_time_is_told_so():
    issues = service_requests.request_issues(
        customer_id=None, channel="onsite", fault_reported="打印机卡纸", contact_name="孙丽",
        contact_phone="", requested_at=None, answered_at=None, now=NOW)
    assert {i.field for i in issues} == {"customer_id", "requested_at"}


def test_take_request_refuses_a_wrong_phone_and_stores_nothing(store, world):
    with pytest.raises(ValidationError) as err, store.write() as session:
        service_requests.take_request(
            session, operator_code="C01", customer=session.get_one(Customer, world.customer_id),
            channel="phone", fault_reported="", requested_at=REQUESTED,
            contact_name="孙丽", contact_phone="abc", now=NOW)
    assert {i.field for i in err.value.issues} == {"fault_reported", "contact_phone"}
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(ServiceRequest)) == 1


def test_a_full_width_phone_is_stored_plain(store, world):
    with store.write() as session:
        request = service_requests.take_request(
            session, operator_code="C01", customer=session.get_one(Customer, world.customer_id),
            channel="phone", fault_reported="打印机卡纸", requested_at=REQUESTED,
            contact_phone="１３９ ００２２ ００００", now=NOW)
        assert request.contact_phone == "139 0022 0000"


def test_the_archive_refuses_a_synced_request_whose_phone_is_not_one(store, world):
    with store.read() as session:
        request = service_requests.get_request(session, world.request_number)
        record = read_record(session, "service_requests", request.id)
        assert record is not None
        assert check_record(session, "service_requests", record, NOW) is None
        record["row"]["contact_phone"] = "abc"
        reason = check_record(session, "service_requests", record, NOW)
    assert reason is not None and reason[0] == "invalid" and "联系电话" in reason[1]


def test_the_demo_data_passes_the_archive_rules(tmp_path):
    """The laptop's demo (which the archive's demo and the tour sync) keeps passing."""
    demo = open_store(tmp_path / "demo")
    try:
        fill_demo(demo, requests=24, now=NOW)
        with demo.read() as session:
            phones = set(session.scalars(select(Contact.phone)))
            assert phones and all(phone_issues("contact_phone", p) == [] for p in phones)
            for request in session.scalars(select(ServiceRequest)):
                record = read_record(session, "service_requests", request.id)
                assert check_record(session, "service_requests", record, NOW) is None
    finally:
        demo.close()
