"""Login throttling: per account and per address, kept in the database, so every server
process in front of it counts the same failures."""

from __future__ import annotations

from datetime import timedelta

import httpx

from fieldapp.archive import login_throttle as throttle
from fieldapp.archive.login_throttle import Limits
from fieldapp.base.timeutil import utcnow
from tests.archive.servers import run_archive
from tests.portal.site import PASSWORD, Site, form_token

LIMITS = Limits(user_failures=3, ip_failures=4, lock=timedelta(minutes=15))


def fail(site: Site, name: str, address: str, at) -> object:
    with site.archive.db.write() as session:
        return throttle.record_failure(session, name=name, address=address, limits=LIMITS,
                                       now=at)


def locked(site: Site, name: str, address: str, at) -> object:
    with site.archive.db.read() as session:
        return throttle.locked_until(session, name=name, address=address, now=at)


def test_an_account_locks_after_its_limit_and_unlocks_when_the_lock_ends(site: Site):
    now = utcnow()
    for i in range(2):
        assert fail(site, "acct-a", f"203.0.113.{i}", now) is None
    until = fail(site, "acct-a", "203.0.113.9", now)  # a third address: still this account
    assert until == now + LIMITS.lock
    assert locked(site, "ACCT-A ", "198.51.100.1", now) == until  # names: case, spaces
    assert locked(site, "acct-a", "198.51.100.1", until + timedelta(seconds=1)) is None


def test_an_address_locks_after_its_limit_whatever_names_it_tries(site: Site):
    now = utcnow()
    for i in range(3):
        assert fail(site, f"name-{i}", "192.0.2.44", now) is None
    assert fail(site, "name-3", "192.0.2.44", now) is not None
    assert locked(site, "someone-else", "192.0.2.44", now) is not None
    assert locked(site, "someone-else", "192.0.2.45", now) is None


def test_old_failures_stop_counting_and_a_good_login_clears_the_count(site: Site):
    start = utcnow()
    fail(site, "acct-b", "203.0.113.50", start)
    fail(site, "acct-b", "203.0.113.50", start)
    later = start + LIMITS.lock + timedelta(minutes=1)
    assert fail(site, "acct-b", "203.0.113.50", later) is None  # the old two are forgotten
    with site.archive.db.write() as session:
        throttle.record_success(session, name="acct-b")
    fail(site, "acct-b", "203.0.113.51", later)
    assert fail(site, "acct-b", "203.0.113.51", later) is None


def test_failures_on_two_server_processes_lock_the_account_together(site: Site):
    """A second server on the same database: failures alternate between the two."""
    limit = site.settings.portal_lockout_failures
    with run_archive(site.archive.db_url, settings=site.settings) as second:
        servers = [httpx.Client(base_url=url, timeout=30) for url in (site.url, second.url)]
        try:
            answers = []
            for i in range(limit):
                client = servers[i % 2]
                token = form_token(client.get("/portal/login").text)
                answers.append(client.post("/portal/login", data={
                    "name": "hospital", "password": "wrong", "csrf": token}))
            assert [a.status_code for a in answers] == [401] * (limit - 1) + [429]
            client = servers[limit % 2]
            token = form_token(client.get("/portal/login").text)
            right = client.post("/portal/login", data={"name": "hospital",
                                                        "password": PASSWORD, "csrf": token})
            assert right.status_code == 429 and "账号已暂时锁定" in right.text
        finally:
            for client in servers:
                client.close()
            with site.archive.db.write() as session:  # other tests log in as hospital
                throttle.record_success(session, name="hospital")
