"""A running archive with demo data and portal accounts, and a headless Chromium.

Shared by the portal tests and scripts/screenshots_portal.py.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.demo import load_demo
from fieldapp.archive.models import User
from fieldapp.archive.portal.submissions import submit_request
from fieldapp.base.timeutil import utcnow
from fieldapp.records.events import SignatureInput
from fieldapp.records.reference import engineer_by_code
from fieldapp.store.models import Customer, ServiceRequest, Slip
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from fieldapp.workflows import repair
from tests.archive.servers import (
    PASSWORD,
    RunningArchive,
    password_hash,
    run_archive,
    sqlite_url,
)

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VERIFY_PATH = "/portal/verify"
DEMO_REQUESTS = 24  # three of every stage (sealed, draft, open …), spread over 4 customers
CUSTOMER_A, CUSTOMER_B = "TJPORT", "TJH1"  # 天津港信息中心, 天津市第一中心医院
PRINTER_FAULT = "财务室打印机卡纸，无法打印"  # a request of customer A, sent on the portal


@dataclass
class Site:
    archive: RunningArchive
    settings: ArchiveSettings

    @property
    def url(self) -> str:
        return self.archive.url

    def sealed_slip(self, customer_code: str) -> Slip:
        with self.archive.db.read() as session:
            slip = session.scalar(
                select(Slip).join(ServiceRequest).join(Customer)
                .where(Customer.code == customer_code, Slip.seal.is_not(None))
                .order_by(Slip.created_at.desc()))
            assert slip is not None
            session.expunge(slip)
            return slip


@contextlib.contextmanager
def portal_site(folder: Path, db_url: str = "", **settings: object) -> Iterator[Site]:
    """The archive on loopback with the demo data, customer accounts `port` and `locked`
    (天津港) and `hospital` (第一中心医院), staff `centre` and engineer `e01`, all with
    the password PASSWORD."""
    db_url = db_url or sqlite_url(folder)
    settings = {"files_dir": str(folder / "files"), **settings}  # never the user's data folder
    config = ArchiveSettings(db=db_url, company_name="金海信息技术服务", **settings)
    with run_archive(db_url, settings=config) as archive:
        load_demo(archive.db, requests=DEMO_REQUESTS)
        with archive.db.write() as session:
            # Not crud.create_user: it hashes a placeholder password each time (a second).
            for name, role, engineer, customer in (
                    ("port", "customer", "", CUSTOMER_A), ("hospital", "customer", "", CUSTOMER_B),
                    ("locked", "customer", "", CUSTOMER_A), ("centre", "staff", "", ""),
                    ("e01", "engineer", "E01", "")):
                session.add(User(name=name, password_hash=password_hash(), role=role,
                                 engineer_code=engineer, customer_code=customer))
        with archive.db.read() as session:
            port = session.scalar(select(User).where(User.name == "port"))
            customer = session.scalar(select(Customer.id).where(Customer.code == CUSTOMER_A))
        assert port is not None and customer is not None
        # something every search test can find
        submit_request(archive.db, user=port, customer_id=customer, fault=PRINTER_FAULT,
                       contact_name="孙丽", contact_phone="", device_id="", now=utcnow())
        with archive.db.write() as session:
            _send_in(session, customer)
        config.verify_url = archive.url + VERIFY_PATH
        yield Site(archive, config)


def _send_in(session: Session, customer_id: object) -> None:
    """A device of customer A in the workshop, estimated (the demo has no repairs)."""
    request = session.scalars(select(ServiceRequest).where(
        ServiceRequest.customer_id == customer_id, ServiceRequest.status == "assigned",
        ServiceRequest.device_id.is_not(None),
        ~exists().where(Slip.request_id == ServiceRequest.id))).first()
    assert request is not None
    engineer = engineer_by_code(session, "E07")
    now = utcnow()
    at = max(request.requested_at, now - timedelta(minutes=60))
    order = repair.open_repair(session, request, engineer, repair.RepairIntake(
        company_contact="孙丽", contact_phone="13900220000",
        fault_description="主板故障，开机无显示，现场无法修复", received_at=at,
        arrived_at=at + timedelta(minutes=5), departed_at=at + timedelta(minutes=25),
        engineer_signature=SignatureInput("刘洋", signature_strokes(5), PAD_WIDTH, PAD_HEIGHT),
        accessories="电源线一根"), now=now)
    repair.estimate_repair(session, order, cost_fen=58000,
                           expected_ready_at=now + timedelta(days=1), estimated_by="维修部 王工",
                           actor_code="E07", occurred_at=now)


def form_token(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def logged_in(site: Site, user: str, password: str = PASSWORD) -> httpx.Client:
    """An HTTP client holding a portal session for `user`."""
    client = httpx.Client(base_url=site.url, timeout=30)
    token = form_token(client.get("/portal/login").text)
    answer = client.post("/portal/login", data={"name": user, "password": password,
                                                 "csrf": token})
    assert answer.status_code == 303, answer.text
    return client


def attach_pictures(site: Site, owner_id, pictures: list[tuple[bytes, str, str]],
                    owner_kind: str = "slip") -> list:
    """Pictures (JPEG bytes, kind, caption) on a slip (or a repair order, a complaint), as
    laptops push the rows and send the files: rows in the archive's database, files in
    its folder store. Their ids."""
    import hashlib

    from fieldapp.archive.files.folder import FolderStore
    from fieldapp.store.attachment_models import Attachment

    store = FolderStore(site.settings.files_path)
    ids = []
    with site.archive.db.write() as session:
        for position, (data, kind, caption) in enumerate(pictures):
            sha = hashlib.sha256(data).hexdigest()
            staged = site.settings.files_path / f"{sha}.part"
            staged.write_bytes(data)
            store.publish(sha, staged)
            attachment = Attachment(owner_kind=owner_kind, owner_id=owner_id, position=position,
                                    sha256=sha, size=len(data), media_type="image/jpeg",
                                    width=1600, height=1200, caption=caption, kind=kind,
                                    added_at=utcnow(), added_by="E01")
            session.add(attachment)
            ids.append(attachment.id)
    return ids


def jpeg(colour: tuple[int, int, int], size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A plain picture of one colour with a darker band (the portal's tests and shots)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).rectangle((0, size[1] // 3, size[0], size[1] // 2),
                                    fill=tuple(c // 2 for c in colour))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def phone_page(site: Site, user: str = "port", width: int = 390) -> Iterator:
    """A headless Chromium page at phone width (zh), logged in to the portal as `user`."""
    from playwright.sync_api import sync_playwright  # only the browser tests need it

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=site.url, viewport={"width": width,
                                                                   "height": 844},
                                      locale="zh-CN")
        page = context.new_page()
        page.goto("/portal/login")
        page.fill("#name", user)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        try:
            yield page
        finally:
            browser.close()


__all__ = ["CHROMIUM_ARGS", "PASSWORD", "Site", "attach_pictures", "chromium_path",
           "form_token", "jpeg", "logged_in", "phone_page", "portal_site"]
