"""The portal's device pages: a customer sees their own devices and each one's story
(every request, slip, repair, loaner and finding, newest first); another customer's
device answers 404 by every address, exactly as one that does not exist."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from fieldapp.archive.portal import routes_devices
from fieldapp.store.models import Customer, Device, ServiceRequest
from tests.portal.site import CUSTOMER_A, CUSTOMER_B, Site, logged_in

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(scope="module")
def a(site: Site) -> Iterator[httpx.Client]:
    client = logged_in(site, "port")
    yield client
    client.close()


def devices_of(site: Site, code: str) -> list[Device]:
    with site.archive.db.read() as session:
        customer = session.scalar(select(Customer.id).where(Customer.code == code))
        rows = list(session.scalars(select(Device).where(Device.customer_id == customer)))
        session.expunge_all()
        return rows


def test_the_routes_are_the_two_pages():
    assert {"/portal" + r.path for r in routes_devices.router.routes} == {  # type: ignore[attr-defined]
        "/portal/devices", "/portal/devices/{device_id}"}


def test_the_list_shows_only_the_customers_own_devices(site: Site, a: httpx.Client):
    page = a.get("/portal/devices")
    assert page.status_code == 200
    assert all(d.serial in page.text for d in devices_of(site, CUSTOMER_A))
    assert not any(d.serial in page.text for d in devices_of(site, CUSTOMER_B))
    other = devices_of(site, CUSTOMER_B)[0]
    found = a.get("/portal/devices", params={"q": other.serial})
    assert found.status_code == 200 and other.serial not in found.text.split("</form>")[-1]
    assert "没有符合条件的设备。" in found.text


def test_a_device_page_tells_its_story_newest_first(site: Site, a: httpx.Client):
    with site.archive.db.read() as session:
        customer = session.scalar(select(Customer.id).where(Customer.code == CUSTOMER_A))
        device_id, = session.execute(
            select(ServiceRequest.device_id).where(ServiceRequest.customer_id == customer,
                                                   ServiceRequest.device_id.is_not(None))
            .limit(1)).one()
        numbers = list(session.scalars(select(ServiceRequest.number).where(
            ServiceRequest.device_id == device_id).order_by(
                ServiceRequest.requested_at.desc())))
    page = a.get(f"/portal/devices/{device_id}")
    assert page.status_code == 200
    assert "服务记录（最新在前）" in page.text
    positions = [page.text.index(n) for n in numbers]
    assert positions == sorted(positions)  # newest first


def test_another_customers_device_answers_404_and_says_nothing_of_it(site: Site,
                                                                     a: httpx.Client):
    for device in devices_of(site, CUSTOMER_B):
        answer = a.get(f"/portal/devices/{device.id}")
        assert answer.status_code == 404
        assert device.serial not in answer.text and device.asset_tag not in answer.text


@pytest.mark.parametrize("guess", ["1", "00000000-0000-0000-0000-000000000000",
                                   "3f2b8c1e-9a4d-4e6f-8b7a-2c5d1e0f9a63", "' OR 1=1 --", "%00"])
def test_guessed_ids_answer_404(a: httpx.Client, guess: str):
    assert a.get(f"/portal/devices/{guess}").status_code == 404


def test_signed_out_the_pages_send_to_the_login(site: Site):
    with httpx.Client(base_url=site.url, timeout=30) as anonymous:
        for path in ("/portal/devices", f"/portal/devices/{uuid.uuid4()}"):
            answer = anonymous.get(path)
            assert (answer.status_code, answer.headers["location"]) == (303, "/portal/login")
