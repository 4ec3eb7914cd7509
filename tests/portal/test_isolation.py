"""Customer A sees only A's records, whatever URL they try; and everyone else is kept out.

Over plain HTTP against the real server. Another company's record answers 404, exactly as
a record that does not exist (never 403: that would confirm it exists).
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from fieldapp.archive.portal.app import ROUTE_MODULES
from fieldapp.archive.portal.models import PortalSession
from fieldapp.archive.security import token_digest
from fieldapp.store.models import Customer, Device, ServiceRequest, Slip
from fieldapp.store.workflow_models import Complaint, RepairOrder
from tests.portal.site import (
    CUSTOMER_A,
    CUSTOMER_B,
    PASSWORD,
    Site,
    attach_pictures,
    form_token,
    jpeg,
    logged_in,
)

pytestmark = pytest.mark.filterwarnings("error")
SOME_SHA = "0" * 64


@pytest.fixture(scope="module")
def a(site: Site) -> Iterator[httpx.Client]:
    """Customer A (天津港), logged in once: an argon2 check takes most of a second here."""
    client = logged_in(site, "port")
    yield client
    client.close()


@pytest.fixture
def anonymous(site: Site) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.url, timeout=30) as client:
        yield client


def records_of(site: Site, customer_code: str) -> dict[str, list]:
    with site.archive.db.read() as session:
        customer = session.scalar(select(Customer.id).where(Customer.code == customer_code))
        requests = session.execute(select(ServiceRequest.id, ServiceRequest.number).where(
            ServiceRequest.customer_id == customer)).all()
        slips = session.execute(select(Slip.id, Slip.number, Slip.seal).join(ServiceRequest)
                                .where(ServiceRequest.customer_id == customer)).all()
        repairs = session.execute(select(RepairOrder.id, RepairOrder.number).join(
            ServiceRequest, RepairOrder.request_id == ServiceRequest.id).where(
            ServiceRequest.customer_id == customer)).all()
        complaints = session.execute(select(Complaint.id, Complaint.number).where(
            Complaint.customer_id == customer)).all()
        devices = session.execute(select(Device.id, Device.serial).where(
            Device.customer_id == customer)).all()
    return {"requests": requests, "slips": slips, "repairs": repairs,
            "complaints": complaints, "devices": devices}


def count(site: Site, model: type) -> int:
    with site.archive.db.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


# Every portal route, with a placeholder for an id where it takes one.
PAGES = ["/portal/", "/portal/requests", "/portal/requests/{request}", "/portal/slips",
         "/portal/slips/{slip}", "/portal/slips/{slip}/copy.pdf", "/portal/repairs",
         "/portal/repairs/{repair}", "/portal/repairs/{repair}/estimate.pdf",
         "/portal/repairs/{repair}/{kind}.pdf", "/portal/complaints",
         "/portal/complaints/{complaint}", "/portal/complaints/{complaint}/report.pdf",
         "/portal/devices", "/portal/devices/{device}", "/portal/dossier",
         "/portal/reports", "/portal/reports/{report}/download",
         "/portal/search", "/portal/requests-new", "/portal/complaints-new",
         "/portal/photos/{photo}", "/portal/photos/{photo}/thumb.jpg"]
FORMS = ["/portal/requests-new", "/portal/complaints-new", "/portal/reports", "/portal/logout",
         "/portal/repairs/{repair}/answer", "/portal/dossier/suggestions/{suggestion}/answer"]
IDS = {"{request_id}": "{request}", "{slip_id}": "{slip}", "{report_id}": "{report}",
       "{repair_id}": "{repair}", "{complaint_id}": "{complaint}", "{device_id}": "{device}",
       "{attachment_id}": "{photo}", "{suggestion_id}": "{suggestion}"}


def fill(path: str) -> str:
    return path.format(request=uuid.uuid4(), slip=uuid.uuid4(), report=uuid.uuid4(),
                       repair=uuid.uuid4(), complaint=uuid.uuid4(), device=uuid.uuid4(),
                       photo=uuid.uuid4(), suggestion=uuid.uuid4(), kind="intake")
PUBLIC = ["/portal/login", "/portal/verify", "/portal/lang/{code}"]


def test_the_matrix_covers_every_portal_route():
    declared = {(m, "/portal" + r.path) for module in ROUTE_MODULES
                for r in module.router.routes for m in r.methods}  # type: ignore[attr-defined]
    normalised = set()
    for method, path in declared:
        for old, new in IDS.items():
            path = path.replace(old, new)
        normalised.add((method, path))
    tested = ({("GET", p) for p in PAGES} | {("POST", p) for p in FORMS}
              | {("GET", p) for p in PUBLIC}
              | {("POST", "/portal/login"), ("POST", "/portal/verify")})  # test_verify_copy
    assert normalised == tested


def test_other_customers_records_answer_404_by_every_address(site: Site, a: httpx.Client):
    other = records_of(site, CUSTOMER_B)
    assert other["requests"] and other["slips"] and other["devices"]
    urls = [f"/portal/requests/{r.id}" for r in other["requests"]]
    urls += [f"/portal/slips/{s.id}" for s in other["slips"]]
    urls += [f"/portal/slips/{s.id}/copy.pdf" for s in other["slips"] if s.seal]
    for repair in other["repairs"]:
        urls += [f"/portal/repairs/{repair.id}{tail}" for tail in
                 ("", "/estimate.pdf", "/intake.pdf", "/return.pdf")]
    for complaint in other["complaints"]:
        urls += [f"/portal/complaints/{complaint.id}",
                 f"/portal/complaints/{complaint.id}/report.pdf"]
    urls += [f"/portal/devices/{d.id}" for d in other["devices"]]
    for url in urls:
        answer = a.get(url)
        assert answer.status_code == 404, url
        assert all(s.number not in answer.text for s in other["slips"]), url
        assert all(r.number not in answer.text for r in other["requests"]), url


@pytest.mark.parametrize("guess", [
    "1", "0", "-1", "2", "999999", "00000000-0000-0000-0000-000000000000",
    "3f2b8c1e-9a4d-4e6f-8b7a-2c5d1e0f9a63",  # a well-formed id nobody has
    "S-E01-20261201-001", "..%2F..%2Fapi%2Fv1%2Fhealth", "%00", "' OR 1=1 --",
])
def test_guessed_or_enumerated_ids_answer_404(a: httpx.Client, guess: str):
    for template in ("/portal/requests/{}", "/portal/slips/{}", "/portal/slips/{}/copy.pdf",
                     "/portal/reports/{}/download", "/portal/photos/{}",
                     "/portal/photos/{}/thumb.jpg", "/portal/photos/" + SOME_SHA + "{}"):
        assert a.get(template.format(guess)).status_code == 404, template.format(guess)


def test_other_customers_slip_numbers_are_not_found_by_search(site: Site, a: httpx.Client):
    for slip in records_of(site, CUSTOMER_B)["slips"][:5]:
        for path in ("/portal/search", "/portal/slips", "/portal/requests"):
            answer = a.get(path, params={"q": slip.number})
            assert answer.status_code == 200
            assert f"<strong>{slip.number}</strong>" not in answer.text  # no result card
            assert "没有服务单据。" in answer.text or "没有服务请求。" in answer.text


def test_a_complaint_naming_another_customers_slip_is_refused_and_stores_nothing(
        site: Site, a: httpx.Client):
    slip = records_of(site, CUSTOMER_B)["slips"][0]
    token = form_token(a.get("/portal/complaints-new").text)
    before = count(site, Complaint)
    answer = a.post("/portal/complaints-new", data={
        "csrf": token, "about": "service_event", "description": "服务太慢",
        "slip_number": slip.number})
    assert answer.status_code == 422
    assert f"没有服务单 {slip.number}" in answer.text
    assert count(site, Complaint) == before


def test_own_records_open(site: Site, a: httpx.Client):
    own = records_of(site, "TJPORT")
    assert a.get(f"/portal/requests/{own['requests'][0].id}").status_code == 200
    sealed = next(s for s in own["slips"] if s.seal)
    copy = a.get(f"/portal/slips/{sealed.id}/copy.pdf")
    assert copy.status_code == 200 and copy.content.startswith(b"%PDF")


@pytest.mark.parametrize("path", PAGES)
def test_unauthenticated_pages_redirect_to_login(anonymous: httpx.Client, site: Site,
                                                 path: str):
    answer = anonymous.get(fill(path))
    assert answer.status_code == 303
    assert answer.headers["location"] == "/portal/login"


@pytest.mark.parametrize("path", FORMS)
def test_unauthenticated_posts_redirect_to_login_and_store_nothing(
        anonymous: httpx.Client, site: Site, path: str):
    before = count(site, ServiceRequest)
    answer = anonymous.post(fill(path), data={"fault": "打印机坏了", "contact_name": "王"})
    assert answer.status_code == 303 and answer.headers["location"] == "/portal/login"
    assert count(site, ServiceRequest) == before


@pytest.mark.parametrize("path", FORMS)
@pytest.mark.parametrize("token", ["", "forged-token"])
def test_posts_without_the_sessions_csrf_token_are_refused(site: Site, a: httpx.Client,
                                                           path: str, token: str):
    requests, complaints = count(site, ServiceRequest), count(site, Complaint)
    data = {"fault": "打印机坏了", "contact_name": "王", "about": "service_event",
            "description": "太慢", "period_start": "2026-01-01", "period_end": "2026-06-30"}
    if token:
        data["csrf"] = token
    answer = a.post(fill(path), data=data)
    assert answer.status_code == 403
    assert "表单已失效" in answer.text
    assert (count(site, ServiceRequest), count(site, Complaint)) == (requests, complaints)
    assert a.get("/portal/").status_code == 200  # still logged in: logout was refused too


def test_another_customers_csrf_token_does_not_work(site: Site, a: httpx.Client):
    b = logged_in(site, "hospital")
    b_token = form_token(b.get("/portal/requests-new").text)
    answer = a.post("/portal/requests-new", data={"csrf": b_token, "fault": "打印机坏了",
                                                   "contact_name": "王"})
    assert answer.status_code == 403
    b.close()


def test_login_without_the_form_token_is_refused(anonymous: httpx.Client):
    answer = anonymous.post("/portal/login", data={"name": "port", "password": PASSWORD})
    assert answer.status_code == 403
    assert "fa_portal_session" not in answer.headers.get("set-cookie", "")


@pytest.mark.parametrize("user", ["centre", "e01"])
def test_staff_and_engineer_device_tokens_do_not_open_portal_pages(site: Site, user: str):
    with httpx.Client(base_url=site.url, timeout=30) as client:
        token = client.post("/api/v1/auth/login", json={
            "user": user, "password": PASSWORD, "device_label": "laptop"}).json()["token"]
        as_bearer = client.get("/portal/", headers={"Authorization": f"Bearer {token}"})
        assert as_bearer.status_code == 303
        client.cookies.set("fa_portal_session", token, path="/portal")
        assert client.get("/portal/").status_code == 303


@pytest.mark.parametrize("user", ["centre", "e01"])
def test_staff_and_engineer_accounts_cannot_log_in_to_the_portal(site: Site, user: str):
    with httpx.Client(base_url=site.url, timeout=30) as client:
        token = form_token(client.get("/portal/login").text)
        answer = client.post("/portal/login", data={"name": user, "password": PASSWORD,
                                                     "csrf": token})
        assert answer.status_code == 401
        assert "用户名或密码错误" in answer.text  # the same words as a wrong password


def test_logout_ends_the_session_on_the_server(site: Site):
    client = logged_in(site, "port")
    stolen = client.cookies.get("fa_portal_session")
    token = form_token(client.get("/portal/").text)
    assert client.post("/portal/logout", data={"csrf": token}).status_code == 303
    with httpx.Client(base_url=site.url) as thief:
        thief.cookies.set("fa_portal_session", stolen or "", path="/portal")
        assert thief.get("/portal/").status_code == 303
    client.close()


def test_an_expired_session_goes_back_to_login(site: Site):
    client = logged_in(site, "port")
    digest = token_digest(client.cookies.get("fa_portal_session") or "")
    with site.archive.db.write() as session:
        row = session.scalars(select(PortalSession).where(PortalSession.token_hash == digest)).one()
        row.expires_at = row.created_at
    assert client.get("/portal/").status_code == 303
    client.close()


def test_session_cookie_and_security_headers(site: Site):
    with httpx.Client(base_url=site.url) as client:
        login_page = client.get("/portal/login")
        for header, value in (("x-frame-options", "DENY"), ("x-content-type-options", "nosniff"),
                              ("referrer-policy", "no-referrer")):
            assert login_page.headers[header] == value
        assert "frame-ancestors 'none'" in login_page.headers["content-security-policy"]
        assert "script-src" not in login_page.headers["content-security-policy"]  # none at all
        answer = client.post("/portal/login", data={
            "name": "port", "password": PASSWORD, "csrf": form_token(login_page.text)})
        cookie = answer.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "path=/portal" in cookie
        assert "secure" not in cookie  # plain http on loopback; "auto" sets it over https
        assert client.get("/portal/").headers["cache-control"] == "no-store"


def test_unknown_addresses_and_oversized_input_get_portal_pages_not_json(a: httpx.Client):
    missing = a.get("/portal/no-such-page")
    assert missing.status_code == 404 and "没有这个页面或记录" in missing.text
    too_long = a.get("/portal/search", params={"q": "打" * 500})
    assert too_long.status_code == 422 and "输入有误" in too_long.text
    # the API: its own JSON error format (docs/sync-protocol.md)
    assert a.get("/api/v1/no-such").json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("mode, scheme, secure", [
    ("auto", "https", True), ("auto", "http", False), ("always", "http", True),
    ("never", "https", False)])
def test_the_secure_flag_follows_the_setting(mode: str, scheme: str, secure: bool):
    from starlette.requests import Request

    from fieldapp.archive.config import ArchiveSettings
    from fieldapp.archive.portal.sessions import cookie_secure

    request = Request({"type": "http", "scheme": scheme, "path": "/portal/", "headers": [],
                       "server": ("archive.example.cn", 443)})
    assert cookie_secure(ArchiveSettings(portal_cookie_secure=mode), request) is secure


def test_the_language_switch_comes_back_to_the_same_page_and_only_inside_the_portal(
        anonymous: httpx.Client):
    back = anonymous.get("/portal/lang/en", params={"next": "/portal/verify?slip=S-1&seal=x"})
    assert back.status_code == 303 and back.headers["location"] == "/portal/verify?slip=S-1&seal=x"
    assert "fa_portal_lang=en" in back.headers["set-cookie"]
    for target in ("https://evil.example/", "//evil.example/portal", "/portal/..//evil"):
        answer = anonymous.get("/portal/lang/en", params={"next": target})
        assert answer.headers["location"] == "/portal/"


@pytest.fixture(scope="module")
def photos(site: Site) -> dict[str, uuid.UUID]:
    """A picture on a sealed slip of A, one on a sealed slip of B and one on a draft of
    A, as pushed by the laptops and uploaded (the archive's file store)."""
    made = {}
    for name, customer, sealed, colour in (("a", CUSTOMER_A, True, (200, 30, 30)),
                                           ("b", CUSTOMER_B, True, (30, 200, 30)),
                                           ("a_draft", CUSTOMER_A, False, (30, 30, 200))):
        with site.archive.db.read() as session:
            slip_id = session.scalar(select(Slip.id).join(ServiceRequest).join(Customer).where(
                Customer.code == customer,
                Slip.seal.is_not(None) if sealed else Slip.seal.is_(None)))
        assert slip_id is not None
        [made[name]] = attach_pictures(site, slip_id, [(jpeg(colour), "serial_plate",
                                                        f"铭牌 {name}")])
        made[f"{name}_slip"] = slip_id
    with site.archive.db.read() as session:  # and a picture on A's repair order
        repair_id = session.scalar(select(RepairOrder.id).join(
            ServiceRequest, RepairOrder.request_id == ServiceRequest.id).join(Customer)
            .where(Customer.code == CUSTOMER_A))
    [made["a_repair"]] = attach_pictures(site, repair_id, [(jpeg((90, 90, 90)), "damage",
                                                            "外壳裂纹")], owner_kind="repair")
    made["a_repair_owner"] = repair_id
    return made


def test_a_customer_sees_the_pictures_of_their_own_sealed_slips(a: httpx.Client, photos):
    page = a.get(f"/portal/slips/{photos['a_slip']}")
    assert page.status_code == 200
    assert f"/portal/photos/{photos['a']}/thumb.jpg" in page.text and "铭牌 a" in page.text
    full = a.get(f"/portal/photos/{photos['a']}")
    assert full.status_code == 200 and full.headers["content-type"] == "image/jpeg"
    assert full.headers["cache-control"] == "no-store"  # no shared cache keeps it
    thumb = a.get(f"/portal/photos/{photos['a']}/thumb.jpg")
    assert thumb.status_code == 200 and len(thumb.content) < len(full.content) / 4
    from PIL import Image

    assert max(Image.open(io.BytesIO(thumb.content)).size) == 320
    repair = a.get(f"/portal/repairs/{photos['a_repair_owner']}")
    assert f"/portal/photos/{photos['a_repair']}/thumb.jpg" in repair.text
    assert a.get(f"/portal/photos/{photos['a_repair']}").status_code == 200


def test_other_customers_and_drafts_pictures_answer_404(site: Site, a: httpx.Client,
                                                        anonymous: httpx.Client, photos):
    for name in ("b", "a_draft"):
        for tail in ("", "/thumb.jpg"):
            assert a.get(f"/portal/photos/{photos[name]}{tail}").status_code == 404, name
    assert "/portal/photos/" not in a.get(f"/portal/slips/{photos['a_draft_slip']}").text
    hospital = logged_in(site, "hospital")  # customer B, on A's pictures
    for name in ("a", "a_repair"):
        assert hospital.get(f"/portal/photos/{photos[name]}").status_code == 404, name
    assert "/portal/photos/" not in hospital.get(f"/portal/repairs/{photos['a_repair_owner']}").text
    hospital.close()
    answer = anonymous.get(f"/portal/photos/{photos['a']}", follow_redirects=False)
    assert answer.status_code in (302, 303) and "/portal/login" in answer.headers["location"]
