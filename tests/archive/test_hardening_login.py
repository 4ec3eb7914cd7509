"""One login throttle for every way to log in (issue 19, item 1).

The login routes are found, not listed: every route of the app that takes a password is
one, so a third way to log in added later is driven by these tests too (or fails them
with a message saying which of its fields they do not know).
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import params
from fastapi.routing import APIRoute
from sqlalchemy import func, select

from fieldapp.archive import login_throttle
from fieldapp.archive.app import create_app
from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.login_throttle import MAX_LOCK, MEMORY, Limits
from fieldapp.archive.models import DeviceToken, User
from fieldapp.base.timeutil import utcnow
from tests.archive.servers import PASSWORD, RunningArchive, run_archive, sqlite_url

LIMIT = 3  # wrong passwords before an account locks (5 by default; each costs argon2)
NAME_FIELDS = ("user", "name")  # what the login routes call the account name
KNOWN_FIELDS = {"password", "csrf", "device_label", *NAME_FIELDS}


def every_route(app) -> Iterator[tuple[str, set[str], APIRoute]]:
    """(path, methods, route) of every FastAPI route, those of included routers too."""
    for route in app.routes:
        contexts = (route.effective_route_contexts()
                    if hasattr(route, "effective_route_contexts") else [route])
        for context in contexts:
            original = getattr(context, "original_route", context)
            if isinstance(original, APIRoute):
                yield context.path, set(context.methods or ()), original


def body_fields(route: APIRoute) -> tuple[bool, set[str]]:
    """(is it a form, the names of the fields its body takes)."""
    params_ = route.dependant.body_params
    if len(params_) == 1 and not isinstance(params_[0].field_info, params.Form):
        model = params_[0].field_info.annotation
        return False, set(getattr(model, "model_fields", {}))
    return True, {p.alias for p in params_}


@dataclass(frozen=True)
class LoginRoute:
    path: str
    form: bool
    fields: frozenset[str]

    @property
    def name_field(self) -> str:
        return next(f for f in NAME_FIELDS if f in self.fields)

    def post(self, http: httpx.Client, name: str, password: str) -> httpx.Response:
        data = {self.name_field: name, "password": password}
        if "device_label" in self.fields:
            data["device_label"] = "hardening test"
        if "csrf" in self.fields:  # the form's token comes with the page
            found = re.search(r'name="csrf" value="([^"]+)"', http.get(self.path).text)
            assert found, f"{self.path}: no form token on the page"
            data["csrf"] = found.group(1)
        return http.post(self.path, data=data) if self.form else http.post(self.path, json=data)


def login_routes() -> list[LoginRoute]:
    settings = ArchiveSettings(db=str(Path(tempfile.gettempdir()) / "fieldapp-routes.db"))
    found = []
    for path, methods, route in every_route(create_app(settings, migrate=False)):
        form, fields = body_fields(route)
        if "POST" in methods and "password" in fields:
            found.append(LoginRoute(path, form, frozenset(fields)))
    return found


ROUTES = login_routes()
API_LOGIN = next(r for r in ROUTES if r.path == "/api/v1/auth/login")
PORTAL_LOGIN = next(r for r in ROUTES if r.path == "/portal/login")


def error_text(answer: httpx.Response) -> str:
    """What a refusal says: the JSON error, or the portal page's error line."""
    if answer.headers.get("content-type", "").startswith("application/json"):
        return answer.json()["error"]["en"]
    found = re.search(r'id="login-error"[^>]*>(.*?)<', answer.text, re.DOTALL)
    return found.group(1).strip() if found else ""


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningArchive]:
    """The address limit is raised, so this file's own failures from 127.0.0.1 lock
    accounts, not the address (the address lock has its own test)."""
    url = sqlite_url(tmp_path_factory.mktemp("hardening-login"))
    settings = ArchiveSettings(db=url, portal_lockout_failures=LIMIT, portal_ip_failures=1000)
    with run_archive(url, settings=settings) as running:
        yield running


@pytest.fixture
def http(archive: RunningArchive) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=archive.url, timeout=30) as client:
        yield client


_accounts = iter(range(1, 10_000))


def new_account(archive: RunningArchive, role: str) -> str:
    """A fresh account (locks outlive a test): engineer, staff or customer."""
    name = f"{role}{next(_accounts):03d}"
    archive.add_user(name, role, engineer="E01" if role == "engineer" else "",
                     customer="TJPORT" if role == "customer" else "")
    return name


def home_of(role: str) -> LoginRoute:
    """Where an account of this role logs in."""
    return PORTAL_LOGIN if role in login_throttle.PORTAL else API_LOGIN


def devices_of(archive: RunningArchive, name: str) -> int:
    with archive.db.read() as session:
        return session.scalar(select(func.count()).select_from(DeviceToken).join(User)
                              .where(User.name == name)) or 0


def test_every_login_route_is_one_these_tests_can_drive():
    assert {r.path for r in ROUTES} >= {"/api/v1/auth/login", "/portal/login"}
    for route in ROUTES:
        unknown = route.fields - KNOWN_FIELDS
        assert not unknown, (f"{route.path} is a login route with fields this file does not "
                             f"know: {sorted(unknown)}; teach LoginRoute.post to fill them")
        assert any(f in route.fields for f in NAME_FIELDS), route.path


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.path)
def test_each_login_route_locks_the_account_everywhere_even_for_the_right_password(
        archive, http, route: LoginRoute):
    for role in ("engineer", "customer"):
        name = new_account(archive, role)
        answers = [route.post(http, name, "wrong password").status_code for _ in range(LIMIT)]
        assert answers == [401] * (LIMIT - 1) + [429], (route.path, role)
        for other in ROUTES:  # the right password, anywhere: still locked
            assert other.post(http, name, PASSWORD).status_code == 429, (other.path, role)
        assert devices_of(archive, name) == 0


def test_failures_on_different_login_routes_count_together(archive, http):
    name = new_account(archive, "engineer")
    answers = [ROUTES[i % len(ROUTES)].post(http, name, "wrong").status_code
               for i in range(LIMIT)]
    assert answers == [401] * (LIMIT - 1) + [429]
    locked = API_LOGIN.post(http, name, PASSWORD)
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    assert locked.json()["error"]["code"] == "too_many_attempts"
    assert "locked until" in locked.json()["error"]["en"] and locked.json()["error"]["zh"]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.path)
def test_an_unknown_account_and_a_wrong_password_get_the_same_answer(archive, http,
                                                                     route: LoginRoute):
    known = new_account(archive, "engineer" if route is API_LOGIN else "customer")
    wrong = route.post(http, known, "wrong password")
    unknown = route.post(http, f"nobody-{known}", "wrong password")
    assert (wrong.status_code, error_text(wrong)) == (unknown.status_code, error_text(unknown))
    assert wrong.status_code == 401 and error_text(wrong)


@pytest.mark.parametrize("role", ["customer", "engineer", "staff"])
def test_an_account_logs_in_only_where_its_role_belongs(archive, http, role: str):
    """A customer on the laptops' API, an engineer or staff on the portal: the answer of
    a wrong password (nothing to learn from it), counted like one, and no device made."""
    name = new_account(archive, role)
    home = home_of(role)
    for route in ROUTES:
        if route is home:
            continue
        refused = route.post(http, name, PASSWORD)
        unknown = route.post(http, f"nobody-{name}", PASSWORD)
        assert refused.status_code == 401, (route.path, role)
        assert error_text(refused) == error_text(unknown), (route.path, role)
    assert devices_of(archive, name) == 0
    assert home.post(http, name, PASSWORD).status_code in (200, 303)  # still welcome home


def test_a_customer_api_login_makes_no_device_and_no_token(archive, http):
    name = new_account(archive, "customer")
    answer = API_LOGIN.post(http, name, PASSWORD)
    assert answer.status_code == 401 and "token" not in answer.text
    assert devices_of(archive, name) == 0


def test_an_address_locks_after_its_limit_whatever_names_it_tries(archive):
    limits = Limits(user_failures=100, ip_failures=4, lock=timedelta(minutes=15))
    now = utcnow()
    with archive.db.write() as session:
        ends = [login_throttle.record_failure(session, name=f"guess-{i}",
                                              address="198.51.100.7", limits=limits, now=now)
                for i in range(4)]
        assert ends == [None, None, None, now + limits.lock]
        assert login_throttle.locked_until(session, name="anyone", address="198.51.100.7",
                                           now=now) == now + limits.lock


def test_each_failure_after_a_lock_locks_twice_as_long_up_to_a_day(archive):
    limits = Limits(user_failures=3, ip_failures=1000, lock=timedelta(minutes=15))
    at = utcnow()
    lengths = []
    with archive.db.write() as session:
        def fail() -> timedelta | None:
            until = login_throttle.record_failure(session, name="backoff", address="192.0.2.9",
                                                  limits=limits, now=at)
            return None if until is None else until - at

        assert [fail(), fail()] == [None, None]
        for _ in range(9):
            length = fail()
            assert length is not None
            lengths.append(length)
            at += length + timedelta(seconds=1)  # the lock ends, the guessing goes on
    minutes = [int(length.total_seconds() // 60) for length in lengths]
    assert minutes == [15, 30, 60, 120, 240, 480, 960, 1440, 1440]
    assert lengths[-1] == MAX_LOCK


def test_a_good_login_or_a_quiet_day_forgets_the_back_off(archive):
    limits = Limits(user_failures=2, ip_failures=1000, lock=timedelta(minutes=15))
    at = utcnow()
    with archive.db.write() as session:
        def fail(name: str, when) -> timedelta | None:
            until = login_throttle.record_failure(session, name=name, address="192.0.2.10",
                                                  limits=limits, now=when)
            return None if until is None else until - when

        fail("quiet", at)
        assert fail("quiet", at) == limits.lock
        later = at + limits.lock + MEMORY + timedelta(minutes=1)
        assert fail("quiet", later) is None  # a day after the lock: a fresh start
        fail("cleared", at)
        assert fail("cleared", at) == limits.lock
        login_throttle.record_success(session, name="cleared")
        assert fail("cleared", at + limits.lock) is None


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_every_refusal_is_an_audit_line_without_the_name_or_password(archive, http):
    name = new_account(archive, "engineer")
    secret = "hunter2-guess"
    audit, collect = logging.getLogger("fieldapp.archive.audit"), Collect()
    audit.addHandler(collect)  # on the logger itself: whatever the server's logging set up
    try:
        API_LOGIN.post(http, name, secret)
        PORTAL_LOGIN.post(http, name, PASSWORD)  # right password, wrong entrance
        API_LOGIN.post(http, f"nobody-{name}", secret)
    finally:
        audit.removeHandler(collect)
    records = collect.records
    assert [(r.channel, r.reason) for r in records] == [
        ("api", "wrong_password"), ("portal", "wrong_entrance"), ("api", "unknown_account")]
    with archive.db.read() as session:
        user_id = str(session.scalar(select(User.id).where(User.name == name)))
    assert records[0].user_id == user_id and records[2].user_id == ""
    assert records[0].account_ref == login_throttle.account_ref(name)
    for record in records:
        line = record.getMessage() + repr(vars(record))
        assert name not in line and secret not in line and PASSWORD not in line
        assert record.client == "127.0.0.1"
