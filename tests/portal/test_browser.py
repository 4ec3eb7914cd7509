"""The portal in a real headless Chromium: what a customer does, click by click.

One browser for the module; each test gets a fresh context (cookies). Skipped only when no
Chromium is installed (Debian: chromium).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from fieldapp.documents.qr import qr_payload
from fieldapp.store.models import ServiceRequest
from tests.portal.site import CHROMIUM_ARGS, PASSWORD, Site, chromium_path

pytestmark = pytest.mark.skipif(chromium_path() is None,
                                reason="Chromium is not installed (apt-get install chromium)")
playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(),
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, site: Site) -> Iterator:
    """A fresh browser profile: no cookies, not logged in."""
    context = browser.new_context(base_url=site.url, accept_downloads=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def customer(browser, site: Site) -> Iterator:
    """Customer A (天津港) logged in once for the module (a login costs an argon2 check)."""
    context = browser.new_context(base_url=site.url, accept_downloads=True)
    context.set_default_timeout(15_000)
    log_in(context.new_page())
    yield context
    context.close()


@pytest.fixture
def own_page(customer) -> Iterator:
    page = customer.new_page()
    yield page
    page.close()


def log_in(page, user: str = "port", password: str = PASSWORD) -> None:
    page.goto("/portal/login")
    page.fill("#name", user)
    page.fill("#password", password)
    page.click("button[type=submit]")


def test_a_wrong_password_says_so_and_the_right_one_opens_the_overview(page):
    log_in(page, password="not the password")
    assert page.inner_text("#login-error") == "用户名或密码错误。"
    log_in(page)
    assert page.inner_text("h1") == "概览"
    assert page.inner_text(".who") == "天津港信息中心"


def test_n_wrong_passwords_lock_the_account_even_for_the_right_one(page, site: Site):
    limit = site.settings.portal_lockout_failures
    for _ in range(limit - 1):
        log_in(page, "locked", "guess")
        assert page.inner_text("#login-error") == "用户名或密码错误。"
    log_in(page, "locked", "guess")
    assert "账号已暂时锁定" in page.inner_text("#login-error")
    log_in(page, "locked", PASSWORD)
    assert "账号已暂时锁定" in page.inner_text("#login-error")
    page.click("text=English")
    log_in(page, "locked", PASSWORD)
    assert "Too many failed logins: locked until" in page.inner_text("#login-error")


def test_the_language_choice_sticks_across_pages(own_page):
    own_page.goto("/portal/")
    own_page.click("text=English")
    assert own_page.inner_text("h1") == "Overview"
    own_page.click("nav >> text=Slips")
    assert own_page.inner_text("h1") == "Slips"
    own_page.click("text=中文")
    assert own_page.inner_text("h1") == "服务单据"


def test_searching_part_of_a_chinese_word_finds_requests_and_slips(own_page, site: Site):
    own_page.goto("/portal/")
    own_page.fill("input[name=q]", "打印")
    own_page.click("form[role=search] button")
    requests = own_page.locator("#found-requests .card-body").all_inner_texts()
    assert requests and all("打印" in text for text in requests)
    assert any("打印机" in text for text in requests)

    slip = site.sealed_slip("TJPORT")
    word = slip.fault_found[2:4]  # two characters from inside the engineer's finding
    own_page.fill("input[name=q]", word)
    own_page.click("form[role=search] button")
    assert slip.number in own_page.inner_text("#found-slips")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
def test_a_customer_copy_downloads_as_the_slips_pdf(own_page, site: Site, tmp_path: Path):
    page = own_page
    slip = site.sealed_slip("TJPORT")
    page.goto(f"/portal/slips/{slip.id}")
    with page.expect_download() as download:
        page.click("#download-copy")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"{slip.number}.pdf"
    assert saved.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(saved), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert slip.number in text


def test_the_qr_code_of_a_genuine_copy_verifies_and_a_forged_one_does_not(page, site: Site):
    slip = site.sealed_slip("TJH1")
    assert slip.seal is not None
    page.goto(qr_payload(slip.number, slip.seal, site.url + "/portal/verify"))
    assert page.get_attribute("#verdict", "data-outcome") == "genuine"
    assert "天津市第一中心医院" in page.inner_text("#verdict")
    assert slip.fault_found not in page.content()  # nothing of the slip's content

    forged = ("0" if slip.seal[0] != "0" else "1") + slip.seal[1:]
    page.goto("/portal/verify")
    page.fill("#code", qr_payload(slip.number, forged, "https://fw.example.cn/portal/verify"))
    page.click("button[type=submit]")
    assert page.get_attribute("#verdict", "data-outcome") == "mismatch"
    assert "天津市第一中心医院" not in page.inner_text("#verdict")

    page.fill("#code", "S-E09-20200101-001")
    page.fill("#seal", slip.seal)
    page.click("button[type=submit]")
    assert page.get_attribute("#verdict", "data-outcome") == "unknown"


def test_a_submitted_request_reaches_the_archive_and_the_staff_pull_feed(own_page, site: Site):
    page = own_page
    page.goto("/portal/")
    page.click("text=提交服务请求")
    page.fill("#fault", "三楼打印机卡纸，指示灯闪烁")
    page.fill("#contact_name", "孙丽")
    page.fill("#contact_phone", "022-25701234")
    page.click("form.form button[type=submit]")
    confirmation = page.inner_text("#created")
    number = confirmation.split("编号 ")[1].split("。")[0]
    assert number.startswith("R-WEB-")
    assert page.inner_text(".badge") == "待分派"

    with site.archive.db.read() as session:
        stored = session.scalar(select(ServiceRequest).where(ServiceRequest.number == number))
        assert stored is not None
        assert (stored.channel, stored.fault_reported, stored.contact_name) == (
            "portal", "三楼打印机卡纸，指示灯闪烁", "孙丽")
    assert number in pulled_request_numbers(site, "centre")
    assert number not in pulled_request_numbers(site, "e01")  # not assigned to anyone yet


def test_an_empty_request_is_refused_with_a_message_and_stores_nothing(own_page, site: Site):
    page = own_page
    with site.archive.db.read() as session:
        before = len(session.scalars(select(ServiceRequest.id)).all())
    page.goto("/portal/requests-new")
    page.fill("#fault", " ")  # passes the browser's "required", not the core's rule
    page.click("form.form button[type=submit]")
    assert "请填写联系人或联系电话" in page.inner_text(".alert-error")
    with site.archive.db.read() as session:
        assert len(session.scalars(select(ServiceRequest.id)).all()) == before


def pulled_request_numbers(site: Site, user: str) -> set[str]:
    with httpx.Client(base_url=site.url + "/api/v1", timeout=30) as client:
        token = client.post("/auth/login", json={"user": user, "password": PASSWORD,
                                                 "device_label": "test"}).json()["token"]
        headers, cursor, numbers = {"Authorization": f"Bearer {token}"}, 0, set()
        while True:
            page = client.get("/sync/pull", params={"cursor": cursor}, headers=headers).json()
            numbers |= {r["row"]["number"] for r in page["records"]
                        if r["table"] == "service_requests"}
            cursor = page["cursor"]
            if not page["more"]:
                return numbers
