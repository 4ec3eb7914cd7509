"""An engineer registers what they meet at a customer's (R2.1): a new device or contact
pushed from an engineer's laptop is stored; changing reference data stays the centre's
work, and no push moves a device, contact or site to another customer."""

from __future__ import annotations

from sqlalchemy import select

from fieldapp.records.reference import add_contact, add_device
from fieldapp.store.models import Contact, Customer, Device
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import fill_demo


def customer_of(store, code: str) -> Customer:
    with store.read() as session:
        return session.scalars(select(Customer).where(Customer.code == code)).one()


def pulled_e01(archive, laptops):
    centre = laptops("centre")
    fill_demo(centre.store, requests=4)
    assert run_sync_round(centre.store, None, centre.client).ok
    e01 = laptops("e01")
    assert run_sync_round(e01.store, None, e01.client).ok
    return centre, e01


def test_a_device_and_a_contact_met_on_site_reach_the_archive(archive, laptops):
    _centre, e01 = pulled_e01(archive, laptops)
    with e01.store.write() as session:
        customer = session.scalars(select(Customer).order_by(Customer.code)).first()
        device = add_device(session, customer, device_type="打印机", device_class="printer",
                            brand="惠普", model="M404dn", serial="SN-FOUND-0001")
        contact = add_contact(session, customer, name="周敏", phone="13800001111")
        ids = device.id, contact.id

    report = run_sync_round(e01.store, None, e01.client)

    assert report.ok, report.refused
    with archive.db.read() as session:
        assert session.get_one(Device, ids[0]).serial == "SN-FOUND-0001"
        assert session.get_one(Contact, ids[1]).name == "周敏"


def test_an_engineer_may_not_change_a_device_the_archive_already_has(archive, laptops):
    _centre, e01 = pulled_e01(archive, laptops)
    with e01.store.write() as session:
        device = session.scalars(select(Device).order_by(Device.serial)).first()
        device.model = "改过的型号"

    report = run_sync_round(e01.store, None, e01.client)

    [refusal] = report.refused
    assert (refusal.table, refusal.code) == ("devices", "forbidden")
    assert "基础资料只能由服务中心维护" in refusal.zh


def test_no_push_moves_a_device_to_another_customer(archive, laptops):
    centre, _e01 = pulled_e01(archive, laptops)
    with centre.store.write() as session:
        customers = session.scalars(select(Customer).order_by(Customer.code)).all()
        device = session.scalars(select(Device).where(
            Device.customer_id == customers[0].id, Device.site_id.is_(None))).first()
        if device is None:  # a device with a site names that site's customer too
            device = session.scalars(select(Device).where(
                Device.customer_id == customers[0].id)).first()
            device.site_id = None
        device.customer_id = customers[1].id
        device_id = device.id

    report = run_sync_round(centre.store, None, centre.client)  # staff, who may push all

    [refusal] = report.refused
    assert (refusal.table, refusal.code) == ("devices", "other_customer")
    assert "不能转到其他客户名下" in refusal.zh and "another customer" in refusal.en
    with archive.db.read() as session:
        assert session.get_one(Device, device_id).customer_id == customers[0].id
