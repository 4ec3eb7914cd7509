"""Intake names the site, device and contact of the customer (R2.1); a device belongs to
its customer only; a device's story is found by its serial or asset tag; search matches
serials. Every refusal is one clear line, nothing is written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.base.errors import NotFound, ValidationError, WorkflowError
from fieldapp.reads.queries import SlipFilter, list_requests, list_slips
from fieldapp.records import reference, service_requests, slips
from fieldapp.services import devices, requests
from fieldapp.services.devices import NewDevice
from fieldapp.services.requests import NewRequest
from fieldapp.store.models import Contact, Customer, Device, ServiceRequest
from tests.core.conftest import NOW, REQUESTED


@pytest.fixture
def other(store):  # type: ignore[no-untyped-def]
    """Another customer with a site, a contact and a device of their own."""
    with store.write() as session:
        customer = reference.create_customer(session, code="TJBANK", name="天津银行")
        site = reference.add_site(session, customer, name="河西支行", in_city=False)
        contact = reference.add_contact(session, customer, name="周强", phone="13800001111")
        device = reference.add_device(session, customer, device_type="台式机",
                                      device_class="desktop", brand="联想",
                                      serial="PC-BANK-9", asset_tag="ZC-BANK-9")
        return {"customer": customer.id, "site": site.id, "contact": contact.id,
                "device": device.id}


def _call(world, **changes) -> NewRequest:  # type: ignore[no-untyped-def]
    values = dict(customer_id=world.customer_id, intake_channel="phone", service_kind="onsite",
                  fault_reported="打印机卡纸", contact_name="孙丽",
                  contact_phone="13900220000", requested_at=REQUESTED,
                  answered_at=REQUESTED + timedelta(minutes=3))
    return NewRequest(**{**values, **changes})


def _count(store, model) -> int:  # type: ignore[no-untyped-def]
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_the_pickers_offer_the_customers_own_sites_devices_and_contacts(store, world, other):  # type: ignore[no-untyped-def]
    items = requests.customer_items(store, world.customer_id)
    assert [(s.name, s.in_city) for s in items.sites] == [("信息中心机房", True)]
    assert [(d.label, d.serial, d.asset_tag) for d in items.devices] == [
        ("打印机 惠普 LaserJet M404dn", "CNB1234567", "ZC-TJPORT-001")]
    assert [(c.name, c.phone) for c in items.contacts] == [("孙丽", "13900220000")]
    bank = requests.customer_items(store, other["customer"])
    assert [s.in_city for s in bank.sites] == [False]


def test_a_scanned_serial_or_asset_tag_finds_the_customers_device(store, world):  # type: ignore[no-untyped-def]
    by_serial = requests.scan_device(store, world.customer_id, "CNB1234567\n")
    by_tag = requests.scan_device(store, world.customer_id, "zc-tjport-001")  # lower-case
    assert by_serial == by_tag and by_serial.serial == "CNB1234567"


def test_a_scanned_device_of_another_customer_or_an_unknown_one_is_refused(store, world,
                                                                          other):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        requests.scan_device(store, world.customer_id, "PC-BANK-9")
    assert refused.value.zh == ("设备 PC-BANK-9 属于另一客户（天津银行），不能用于该客户的请求。")
    assert "\n" not in refused.value.en and "another customer (天津银行)" in refused.value.en
    with pytest.raises(NotFound) as unknown:
        requests.scan_device(store, world.customer_id, "NO-SUCH-1")
    assert unknown.value.zh == "找不到序列号或资产编号为 NO-SUCH-1 的设备。"


def test_a_request_names_the_chosen_site_device_and_contact(store, world):  # type: ignore[no-untyped-def]
    items = requests.customer_items(store, world.customer_id)
    request_id = requests.take_request(store, _call(
        world, site_id=items.sites[0].id, device_id=items.devices[0].id,
        contact_id=items.contacts[0].id), "C01", now=NOW)
    with store.read() as session:
        request = session.get_one(ServiceRequest, request_id)
        assert (request.site.name, request.device.serial, request.contact.name) == (
            "信息中心机房", "CNB1234567", "孙丽")


def test_the_request_follows_its_site_out_of_the_city(store, world, other):  # type: ignore[no-untyped-def]
    request_id = requests.take_request(store, _call(
        world, customer_id=other["customer"], site_id=other["site"], contact_name="周强"),
        "C01", now=NOW)
    with store.read() as session:
        request = session.get_one(ServiceRequest, request_id)
        assert (request.site.name, request.site.in_city) == ("河西支行", False)


def test_a_new_device_and_contact_are_added_with_the_request(store, world):  # type: ignore[no-untyped-def]
    devices_before, contacts_before = _count(store, Device), _count(store, Contact)
    new = NewDevice(device_class="笔记本", brand="联想", model="ThinkPad T14",
                    serial="PF3XYZ12", asset_tag="ZC-TJPORT-077")
    request_id = requests.take_request(store, _call(
        world, new_device=new, contact_name="王敏", contact_phone="022-23456789",
        save_contact=True, hardware_fault=True), "C01", now=NOW)
    assert (_count(store, Device), _count(store, Contact)) == (devices_before + 1,
                                                               contacts_before + 1)
    with store.read() as session:
        request = session.get_one(ServiceRequest, request_id)
        device = request.device
        assert (device.customer_id, device.device_class, device.device_type, device.serial,
                device.asset_tag) == (world.customer_id, "laptop", "笔记本电脑", "PF3XYZ12",
                                      "ZC-TJPORT-077")
        assert (request.contact.name, request.contact.customer_id) == ("王敏",
                                                                       world.customer_id)
        assert (request.intake_channel, request.service_kind, request.hardware_fault) == (
            "phone", "onsite", True)


@pytest.mark.parametrize("item, field, zh", [
    ("site", "site_id", "地点“河西支行”属于另一客户（天津银行），不能用于该客户的请求。"),
    ("device", "device_id", "设备 PC-BANK-9 属于另一客户（天津银行），不能用于该客户的请求。"),
    ("contact", "contact_id", "所选联系人属于另一客户（天津银行），不能用于该客户的请求。"),
])
def test_another_customers_site_device_or_contact_is_refused_in_one_line(
        store, world, other, item, field, zh):  # type: ignore[no-untyped-def]
    before = _count(store, ServiceRequest)
    with pytest.raises(ValidationError) as refused:
        requests.take_request(store, _call(world, **{field: other[item]}), "C01", now=NOW)
    assert [(i.field, i.zh) for i in refused.value.issues] == [(field, zh)]
    assert _count(store, ServiceRequest) == before


def test_a_new_device_with_a_serial_of_another_customers_device_is_refused(store, world,
                                                                          other):  # type: ignore[no-untyped-def]
    before = _count(store, Device)
    with pytest.raises(ValidationError) as refused:
        requests.take_request(store, _call(world, new_device=NewDevice(
            "台式机", serial="PC-BANK-9")), "C01", now=NOW)
    assert [(i.field, i.zh) for i in refused.value.issues] == [
        ("new_device.serial", "PC-BANK-9 已登记为另一客户（天津银行）的设备。")]
    assert _count(store, Device) == before


def test_a_new_device_needs_a_class_the_form_says_so_before_saving(world):  # type: ignore[no-untyped-def]
    issues = requests.form_issues(_call(world, new_device=NewDevice("")), now=NOW)
    assert [(i.field, i.zh) for i in issues] == [("new_device.device_class", "请选择设备类别。")]


# -- the device's story ---------------------------------------------------------------------

def test_the_story_by_serial_or_asset_tag_holds_every_request_and_slip_newest_first(
        store, world, sealed_number):  # type: ignore[no-untyped-def]
    later = requests.take_request(store, _call(
        world, requested_at=REQUESTED + timedelta(hours=3),
        answered_at=REQUESTED + timedelta(hours=3, minutes=2),
        device_id=requests.scan_device(store, world.customer_id, "CNB1234567").id),
        "C01", now=NOW)
    story = devices.show(store, "CNB1234567")
    assert story == devices.show(store, "ZC-TJPORT-001")
    assert story.device.customer_name == "天津港信息中心"
    with store.read() as session:
        later_number = session.get_one(ServiceRequest, later).number
    assert [(e.kind, e.number) for e in story.entries] == [
        ("request", later_number), ("slip", sealed_number), ("request", world.request_number)]
    assert story.entries[1].status_zh.startswith("已封存")


def test_an_unknown_serial_is_one_line(store, world):  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound) as refused:
        devices.show(store, "XX-404")
    assert str(refused.value.zh) == "找不到序列号或资产编号为 XX-404 的设备。"


def test_searching_a_serial_or_asset_tag_finds_the_slips_and_requests_of_the_device(
        store, world, draft_number):  # type: ignore[no-untyped-def]
    with store.read() as session:
        for term in ("CNB1234", "cnb1234567", "TJPORT-001"):
            assert [r.number for r in list_slips(session, SlipFilter(search=term))] == [
                draft_number]
            assert [r.number for r in list_requests(session, search=term)] == [
                world.request_number]
        assert list_slips(session, SlipFilter(search="PC-BANK")) == []


# -- attaching a device from the slip -------------------------------------------------------

@pytest.fixture
def bare_draft(store, world):  # type: ignore[no-untyped-def]
    """A draft on a request that names no device."""
    with store.write() as session:
        customer = session.get_one(Customer, world.customer_id)
        request = service_requests.take_request(
            session, operator_code="C01", customer=customer, channel="onsite",
            fault_reported="复印机不进纸", requested_at=REQUESTED, contact_name="孙丽",
            now=REQUESTED)
        slip = slips.start_slip(session, request, reference.engineer_by_code(session, "E07"),
                                now=REQUESTED + timedelta(minutes=30))
        return slip.id


def test_a_device_found_from_the_slip_is_attached_to_its_request(store, world, bare_draft):  # type: ignore[no-untyped-def]
    [found] = devices.find_for_slip(store, bare_draft, "ZC-TJPORT-001")
    assert (found.attachable, found.attached) == (True, False)
    assert devices.attach_to_slip(store, bare_draft, found.choice.id) == (
        "打印机 惠普 LaserJet M404dn")
    with store.read() as session:
        request = slips.get_slip(session, bare_draft).request
        assert (request.device.serial, request.site.name) == ("CNB1234567", "信息中心机房")
    assert devices.find_for_slip(store, bare_draft, "CNB1234567")[0].attached


def test_another_customers_device_is_found_but_never_attached(store, world, other,
                                                              bare_draft):  # type: ignore[no-untyped-def]
    [found] = devices.find_for_slip(store, bare_draft, "PC-BANK-9")
    assert (found.customer_name, found.attachable) == ("天津银行", False)
    with pytest.raises(ValidationError) as refused:
        devices.attach_to_slip(store, bare_draft, other["device"])
    assert refused.value.zh == "设备 PC-BANK-9 属于另一客户（天津银行），不能用于该客户的请求。"
    with store.read() as session:
        assert slips.get_slip(session, bare_draft).request.device_id is None


def test_a_sealed_slip_takes_no_device(store, world, sealed_number):  # type: ignore[no-untyped-def]
    with store.read() as session:
        slip_id = slips.get_slip(session, sealed_number).id
    device_id = requests.scan_device(store, world.customer_id, "CNB1234567").id
    with pytest.raises(WorkflowError, match="已封存"):
        devices.attach_to_slip(store, slip_id, device_id)
