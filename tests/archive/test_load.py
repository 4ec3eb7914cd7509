"""Load: many field engineers' laptops push sealed slips at once to the archive on
PostgreSQL (a separate server process), then pull what is theirs. Nothing is lost,
nothing is stored twice, no answer is a server error; the push latencies (p50/p99) are
reported as figures, never asserted.

Connections the server closed under load (an idle keep-alive timing out while the
client was busy) are retried as a laptop's next round would, and counted.

Default (CI): FIELDAPP_LOAD_LAPTOPS=10 laptops x FIELDAPP_LOAD_SLIPS=20 slips. The soak
of the issue: FIELDAPP_LOAD_LAPTOPS=50 FIELDAPP_LOAD_SLIPS=200 (docs/reliability.md).
FIELDAPP_LOAD_WORKERS: archive processes (`serve --workers`, default 2, as deployed on a
two-core server: docs/archive.md). Reported: push and pull-page latencies, p50 and p99.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from fieldapp.archive.models import Received
from fieldapp.base.device_keys import renew_device_key
from fieldapp.base.timeutil import iso_utc, utcnow
from fieldapp.records import reference, service_requests
from fieldapp.records.reference import engineer_by_code
from fieldapp.store import open_store, outbox
from fieldapp.store.models import Customer, Slip, SyncOutbox
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.rounds import records_for, run_sync_round
from fieldapp.tools.demo import fill_demo
from tests.archive.servers import PASSWORD, ArchiveProcess, postgres_database, postgres_reason
from tests.archive.work import seal_slip_in
from tests.figures import note

LAPTOPS = int(os.environ.get("FIELDAPP_LOAD_LAPTOPS", "10"))
SLIPS = int(os.environ.get("FIELDAPP_LOAD_SLIPS", "20"))
WORKERS = int(os.environ.get("FIELDAPP_LOAD_WORKERS", "2"))
BATCH = 100

pytestmark = pytest.mark.postgres


def engineer_code(laptop: int) -> str:
    return f"L{laptop:02d}"


def sealed_visits(store, laptop: int, count: int) -> None:
    """`count` requests taken by this laptop's engineer for themselves, each with a sealed
    slip, in one transaction (the setup of 50 x 200 slips stays minutes, not an hour)."""
    now = utcnow()
    with store.write() as session:
        customer = session.scalar(select(Customer).order_by(Customer.code))
        engineer = engineer_by_code(session, engineer_code(laptop))
        for _ in range(count):
            request = service_requests.take_request(
                session, operator_code=engineer.code, customer=customer, channel="onsite",
                fault_reported="服务器无法开机", requested_at=now - timedelta(hours=3),
                contact_name="孙丽", engineer=engineer, now=now)
            seal_slip_in(session, request, engineer, now)


async def one_laptop(url: str, token: str, records: list[dict], latencies: list[float],
                     statuses: list[int], retries: list[str], errors: list[str],
                     pulls: list[float]) -> int:
    """Push in batches, then pull everything; a broken connection is retried, as the next
    round of a real laptop would (a lost answer then comes back as `duplicate`)."""
    acknowledged = 0
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, timeout=120, headers=headers) as http:

        async def send(method: str, path: str, **kwargs) -> httpx.Response:
            for _ in range(10):
                try:
                    return await http.request(method, path, **kwargs)
                except httpx.TransportError as exc:
                    retries.append(type(exc).__name__)
            raise AssertionError("the archive stayed unreachable")

        for start in range(0, len(records), BATCH):
            began = time.perf_counter()
            answer = await send("POST", "/api/v1/sync/push", json={
                "client_time": iso_utc(utcnow()), "records": records[start:start + BATCH]})
            latencies.append(time.perf_counter() - began)
            statuses.append(answer.status_code)
            if answer.status_code != 200:
                errors.append(f"push {answer.status_code}: {answer.text[:200]}")
            else:
                acknowledged += sum(r["status"] in ("accepted", "duplicate")
                                    for r in answer.json()["results"])
        cursor, more = 0, True
        while more:  # and pull everything, as a round would
            began = time.perf_counter()
            page = await send("GET", "/api/v1/sync/pull",
                              params={"cursor": cursor, "limit": 500})
            pulls.append(time.perf_counter() - began)
            statuses.append(page.status_code)
            if page.status_code != 200:
                errors.append(f"pull {page.status_code}: {page.text[:200]}")
                break
            cursor, more = page.json()["cursor"], page.json()["more"]
    return acknowledged


def test_many_laptops_pushing_sealed_slips_at_once_lose_nothing(tmp_path):
    reason = postgres_reason()
    if reason is not None:
        pytest.skip(reason)
    with postgres_database() as url:
        server = ArchiveProcess(url, workers=WORKERS)
        try:
            server.add_user("centre", "staff")
            for n in range(LAPTOPS):  # field engineers: each pushes and pulls only theirs
                server.add_user(f"load{n:02d}", "engineer", engineer=engineer_code(n))
            server.start()
            store = open_store(tmp_path / "centre")
            fill_demo(store, requests=2)
            with store.write() as session:
                for n in range(LAPTOPS):
                    reference.create_engineer(session, code=engineer_code(n),
                                              name=f"工程师{n:02d}")
            with ArchiveClient(server.url) as client:
                client.login("centre", PASSWORD, "centre")
                assert run_sync_round(store, None, client).ok  # reference data first
            batches, tokens = [], []
            for n in range(LAPTOPS):
                # each engineer's slips are sealed with a key of their own, as on their laptop
                renew_device_key(tmp_path / "centre")
                store.forget_device_key()
                public_key = store.device_key().public_key
                sealed_visits(store, n, SLIPS)
                with store.read() as session:
                    batches.append(list(records_for(session, outbox.pending(
                        session, 10 * SLIPS + 10)).values()))
                with store.write() as session:
                    session.execute(SyncOutbox.__table__.delete())
                with ArchiveClient(server.url) as client:
                    tokens.append(client.login(f"load{n:02d}", PASSWORD, f"l{n}")["token"])
                    client.register_seal_key(public_key)  # as a laptop's login does
            store.close()
            latencies: list[float] = []
            statuses: list[int] = []
            retries: list[str] = []
            errors: list[str] = []
            pulls: list[float] = []

            async def all_at_once() -> list[int]:
                return await asyncio.gather(*(one_laptop(server.url, token, records, latencies,
                                                         statuses, retries, errors, pulls)
                                              for token, records in zip(tokens, batches,
                                                                        strict=True)))

            began = time.perf_counter()
            accepted = asyncio.run(all_at_once())
            seconds = time.perf_counter() - began
            with server.db.read() as session:
                stored_slips = session.scalar(select(func.count()).select_from(Slip))
                received = session.scalar(select(func.count()).select_from(Received))
                distinct = session.scalar(select(func.count()).select_from(
                    select(Received.table_name, Received.record_id).distinct().subquery()))
        finally:
            server.close()
    assert all(s < 500 for s in statuses), (sorted(set(statuses)), errors[:5])
    assert accepted == [len(r) for r in batches]  # every record of every laptop stored
    assert stored_slips >= LAPTOPS * SLIPS and received == distinct  # each stored once
    note("load_postgresql", laptops=LAPTOPS, slips_each=SLIPS, workers=WORKERS,
         records=sum(accepted), pushes=len(latencies), pull_pages=len(pulls),
         seconds=round(seconds, 1), retried_connections=len(retries),
         push_p50_ms=_percentile_ms(latencies, 0.5), push_p99_ms=_percentile_ms(latencies, 0.99),
         pull_p50_ms=_percentile_ms(pulls, 0.5), pull_p99_ms=_percentile_ms(pulls, 0.99))


def _percentile_ms(seconds: list[float], fraction: float) -> int:
    if not seconds:
        return 0
    if fraction == 0.5:
        return round(statistics.median(seconds) * 1000)
    ordered = sorted(seconds)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000)
