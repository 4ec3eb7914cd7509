"""The portal on PostgreSQL (the company archive): the same pages, search by LIKE instead of
SQLite's trigram index, the lockout's row locks, and the feed's advisory lock."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from fieldapp.archive.models import Change
from fieldapp.store.models import ServiceRequest
from tests.archive.servers import postgres_database, postgres_reason
from tests.portal.site import PRINTER_FAULT, Site, form_token, logged_in, portal_site

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    reason = postgres_reason()
    if reason is not None:
        pytest.skip(reason)
    with postgres_database() as url, portal_site(Path(tmp_path_factory.mktemp("pg")), url,
                                                 portal_lockout_failures=2) as site:
        yield site


def test_customer_pages_search_and_isolation_on_postgresql(pg_site: Site):
    a = logged_in(pg_site, "port")
    found = a.get("/portal/search", params={"q": "打印"}).text
    assert PRINTER_FAULT in found
    own, other = pg_site.sealed_slip("TJPORT"), pg_site.sealed_slip("TJH1")
    assert a.get(f"/portal/slips/{own.id}").status_code == 200
    assert a.get(f"/portal/slips/{own.id}/copy.pdf").content.startswith(b"%PDF")
    assert a.get(f"/portal/slips/{other.id}").status_code == 404
    assert a.get(f"/portal/slips/{other.id}/copy.pdf").status_code == 404
    word = own.fault_found[2:4]
    assert own.number in a.get("/portal/slips", params={"q": word}).text
    a.close()


def test_a_portal_request_is_stored_and_on_the_feed_on_postgresql(pg_site: Site):
    a = logged_in(pg_site, "port")
    token = form_token(a.get("/portal/requests-new").text)
    answer = a.post("/portal/requests-new", data={"csrf": token, "fault": "服务器无法开机",
                                                   "contact_phone": "022-25701234"})
    assert answer.status_code == 303
    request_id = answer.headers["location"].split("/")[-1].split("?")[0]
    with pg_site.archive.db.read() as session:
        stored = session.scalar(select(ServiceRequest).where(
            ServiceRequest.id == uuid.UUID(request_id)))
        assert stored is not None and stored.channel == "portal"
        assert session.scalar(select(Change.seq).where(Change.record_id == stored.id))
    a.close()


def test_the_lockout_on_postgresql(pg_site: Site):
    with httpx.Client(base_url=pg_site.url, timeout=30) as client:
        codes = []
        for _ in range(2):
            token = form_token(client.get("/portal/login").text)
            codes.append(client.post("/portal/login", data={
                "name": "locked", "password": "wrong", "csrf": token}).status_code)
        assert codes == [401, 429]
