"""Every 429 the archive answers carries `Retry-After` in seconds, and its message says the
wait in words (issue 19): a locked login on the laptops' API and on the portal, the
public verify page over its per-minute limit, and any other 429."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import time_machine

from fieldapp.archive import errors, login_throttle
from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.files.uploads import BUSY
from fieldapp.archive.portal.rate_limit import RateLimit
from tests.archive.servers import PASSWORD, RunningArchive, run_archive, sqlite_url
from tests.portal.site import form_token

LIMIT = 2
LOCK = timedelta(minutes=15)
MOMENT = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Tianjin
ARCHIVE = Path(__file__).resolve().parents[2] / "fieldapp" / "archive"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningArchive]:
    url = sqlite_url(tmp_path_factory.mktemp("retry-after"))
    settings = ArchiveSettings(db=url, portal_lockout_failures=LIMIT, portal_ip_failures=1000,
                               portal_lockout_minutes=15, portal_verify_per_minute=2)
    with run_archive(url, settings=settings) as running:
        running.add_user("e09", "engineer", engineer="E01")
        running.add_user("harbour", "customer", customer="TJPORT")
        yield running


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(MOMENT, tick=True):
        yield


def test_a_wait_is_said_in_seconds_minutes_or_hours_rounded_up():
    assert login_throttle.wait_words(45) == ("45 秒", "45 seconds")
    assert login_throttle.wait_words(1) == ("1 秒", "1 second")
    assert login_throttle.wait_words(899) == ("15 分钟", "15 minutes")
    assert login_throttle.wait_words(7200) == ("2 小时", "2 hours")
    assert login_throttle.wait_words(86_400) == ("24 小时", "24 hours")
    now = MOMENT
    assert login_throttle.retry_after(now + timedelta(seconds=899.2), now) == 900
    assert login_throttle.retry_after(now - timedelta(seconds=5), now) == 1  # never 0
    zh, en = login_throttle.lock_message(now + LOCK, now)
    assert zh == "登录失败次数过多，账号已暂时锁定，请在 2026-12-02 10:15（约 15 分钟后）再试。"
    assert en == ("Too many failed logins: locked until 2026-12-02 10:15 (in about 15 "
                  "minutes). Try again after that.")


def test_a_locked_api_login_says_when_and_how_long_in_the_header_too(archive):
    url = f"{archive.url}/api/v1/auth/login"
    body = {"user": "e09", "password": "wrong", "device_label": "retry-after test"}
    answers = [httpx.post(url, json=body, timeout=30) for _ in range(LIMIT)]
    locked = httpx.post(url, json={**body, "password": PASSWORD}, timeout=30)

    for answer in (answers[-1], locked):
        assert answer.status_code == 429
        assert 0 < int(answer.headers["retry-after"]) <= LOCK.total_seconds()
    error = locked.json()["error"]
    assert error["code"] == "too_many_attempts"
    assert "（约 15 分钟后）" in error["zh"] and "(in about 15 minutes)" in error["en"]


def test_a_locked_portal_login_shows_the_wait_and_sends_retry_after(archive):
    with httpx.Client(base_url=archive.url, timeout=30) as http:
        for password in ["wrong"] * LIMIT + [PASSWORD]:
            page = http.post("/portal/login", data={
                "name": "harbour", "password": password,
                "csrf": form_token(http.get("/portal/login").text)})
        assert page.status_code == 429
        assert 0 < int(page.headers["retry-after"]) <= LOCK.total_seconds()
        assert "账号已暂时锁定" in page.text and "约 15 分钟后" in page.text
        http.get("/portal/lang/en")
        english = http.post("/portal/login", data={
            "name": "harbour", "password": PASSWORD,
            "csrf": form_token(http.get("/portal/login").text)})
        assert english.status_code == 429 and "in about 15 minutes" in english.text
        assert "retry-after" in english.headers


def test_the_verify_page_over_its_limit_says_how_many_seconds_to_wait(archive):
    with httpx.Client(base_url=archive.url, timeout=30) as http:
        asks = [http.get("/portal/verify", params={"slip": "S-E01-20261201-001",
                                                     "seal": "ab" * 32}) for _ in range(3)]
    assert [a.status_code for a in asks] == [200, 200, 429]
    seconds = int(asks[2].headers["retry-after"])
    assert 0 < seconds <= 60
    wait = login_throttle.wait_words(seconds)[0]  # a minute, or so many seconds
    assert f"验证次数过多，请 {wait}后再试。" in asks[2].text


def test_the_verify_limit_knows_when_an_address_may_check_again():
    clock = type("Clock", (), {"now": 1000.0, "__call__": lambda self: self.now})()
    limit = RateLimit(2, clock=clock)
    limit.allow("10.0.0.1")
    clock.now += 20
    limit.allow("10.0.0.1")
    assert not limit.allow("10.0.0.1")
    assert limit.retry_after("10.0.0.1") == 40  # the first check leaves the minute then
    clock.now += 39.5
    assert limit.retry_after("10.0.0.1") == 1
    assert limit.retry_after("10.0.0.9") == 60  # unknown: never 0, never past a minute


def test_any_other_429_carries_a_retry_after_too():
    answer = errors.http_error_response(429)
    assert answer.headers["retry-after"] == str(errors.DEFAULT_RETRY_AFTER)
    own = errors.http_error_response(429, {"Retry-After": "7"})
    assert own.headers["retry-after"] == "7"


def test_uploads_busy_says_when_to_send_the_file_again():
    answer = errors._answer(BUSY)
    assert answer.status_code == 429
    assert answer.headers["retry-after"] == str(errors.DEFAULT_RETRY_AFTER)


def test_every_place_that_answers_429_is_one_these_tests_cover():
    """A new 429 elsewhere in the archive fails here until it sends Retry-After (and is
    added to this list with a test)."""
    covered = {"errors.py", "portal/routes_auth.py", "portal/routes_verify.py",
               "files/uploads.py",  # BUSY, a BadRequest: the test below
               "api/routes/auth.py", "api/routes/files.py"}  # these only document theirs
    found = {str(p.relative_to(ARCHIVE)) for p in ARCHIVE.rglob("*.py")
             if re.search(r"\b429\b|HTTP_429|TOO_MANY_REQUESTS", p.read_text("utf-8"))}
    assert found <= covered, sorted(found - covered)
    for name in ("portal/routes_auth.py", "portal/routes_verify.py"):
        assert 'headers["Retry-After"]' in (ARCHIVE / name).read_text("utf-8"), name
