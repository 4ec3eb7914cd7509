"""The public verify page answers one address a limited number of checks a minute."""

from __future__ import annotations

import httpx

from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.portal.rate_limit import RateLimit
from tests.archive.servers import run_archive, sqlite_url

SEAL = "ab" * 32


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_address_gets_its_checks_per_minute_and_then_waits():
    clock = Clock()
    limit = RateLimit(3, clock=clock)
    assert [limit.allow("10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert limit.allow("10.0.0.2")  # another address counts for itself
    clock.now += 59
    assert not limit.allow("10.0.0.1")
    clock.now += 1.5  # a minute after the first three
    assert limit.allow("10.0.0.1")


def test_no_limit_when_set_to_zero():
    limit = RateLimit(0)
    assert all(limit.allow("10.0.0.1") for _ in range(1000))


def test_the_page_answers_429_with_a_message_in_both_languages(tmp_path):
    url = sqlite_url(tmp_path)
    with run_archive(url, settings=ArchiveSettings(db=url, portal_verify_per_minute=2)
                     ) as archive, httpx.Client(base_url=archive.url) as client:
        asks = [client.get("/portal/verify", params={"slip": "S-E01-20261201-001",
                                                      "seal": SEAL}) for _ in range(3)]
        assert [a.status_code for a in asks] == [200, 200, 429]
        assert 'data-outcome="unknown"' in asks[0].text
        assert "验证次数过多" in asks[2].text
        assert client.get("/portal/verify").status_code == 200  # the empty form is free
