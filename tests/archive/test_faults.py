"""Interrupted pulls resume without gaps or repeats; lost answers never duplicate a record;
cuts at hundreds of points and a killed archive lose nothing and repeat nothing.

FIELDAPP_NET_CUTS (default 150) faulty connections, FIELDAPP_ARCHIVE_KILLS (default 2)
archive kills; FIELDAPP_NET_SEED picks other cut points."""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter

import httpx
import pytest
from sqlalchemy import func, select

from fieldapp.archive.models import Received
from fieldapp.store.models import SyncOutbox
from fieldapp.store.tables import SYNC_MODELS
from fieldapp.sync import rounds, state
from fieldapp.sync.client import OfflineError
from fieldapp.sync.rounds import run_sync_round
from fieldapp.sync.wire import read_records
from fieldapp.tools.demo import fill_demo
from tests.archive.conftest import Laptop
from tests.archive.proxy import CuttingProxy, Fault, FaultyProxy
from tests.archive.servers import ArchiveProcess
from tests.archive.test_push_pull import counts
from tests.archive.work import dispatch
from tests.figures import note


class FailingPulls(httpx.HTTPTransport):
    """Real HTTP, but the n-th pull request never leaves the laptop."""

    def __init__(self, fail_at: set[int]) -> None:
        super().__init__()
        self.fail_at = fail_at
        self.pulls: list[int] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/sync/pull"):
            self.pulls.append(int(request.url.params["cursor"]))
            if len(self.pulls) in self.fail_at:
                raise httpx.ConnectError("network gone", request=request)
        return super().handle_request(request)


def everything(store) -> set[tuple[str, str, str]]:
    with store.read() as session:
        out = set()
        for table, model in SYNC_MODELS.items():
            ids = list(session.scalars(select(model.id)))
            found = read_records(session, table, ids)
            out |= {(table, str(i), r["hash"]) for i, r in found.items()}
        return out


@pytest.fixture
def filled(archive, laptops):
    centre = laptops("centre")
    fill_demo(centre.store, requests=24)
    assert run_sync_round(centre.store, None, centre.client).ok
    return centre


def test_an_interrupted_pull_resumes_at_its_cursor_without_gaps_or_repeats(
        archive, filled, laptops):
    clean = laptops("e02", "clean")
    assert run_sync_round(clean.store, None, clean.client, pull_page=5).ok

    transport = FailingPulls(fail_at={3})
    flaky = laptops("e02", "flaky", transport=transport)
    first = run_sync_round(flaky.store, None, flaky.client, pull_page=5)
    assert isinstance(first.error, OfflineError) and first.pages == 2
    with flaky.store.read() as session:
        stopped_at = state.cursor(session)
    assert stopped_at > 0 and transport.pulls == [0, transport.pulls[1], stopped_at]

    second = run_sync_round(flaky.store, None, flaky.client, pull_page=5)
    assert second.ok
    assert transport.pulls[3] == stopped_at  # resumed where it stopped, not from 0
    assert everything(flaky.store) == everything(clean.store)


def test_a_pull_that_fails_while_storing_keeps_neither_data_nor_cursor(
        archive, filled, laptops, monkeypatch):
    laptop = laptops("e01")
    real_apply = rounds.apply_page
    calls = []

    def apply_then_fail(session, records, **options):
        calls.append(len(records))
        written = real_apply(session, records, **options)
        if len(calls) == 2:
            raise RuntimeError("power cut while storing")
        return written

    monkeypatch.setattr(rounds, "apply_page", apply_then_fail)
    with pytest.raises(RuntimeError):
        run_sync_round(laptop.store, None, laptop.client, pull_page=5)
    with laptop.store.read() as session:
        after_one_page = state.cursor(session)
    partial = everything(laptop.store)
    monkeypatch.setattr(rounds, "apply_page", real_apply)

    assert run_sync_round(laptop.store, None, laptop.client, pull_page=5).ok
    assert after_one_page > 0 and partial < everything(laptop.store)
    clean = laptops("e01", "clean")
    assert run_sync_round(clean.store, None, clean.client).ok
    assert everything(laptop.store) == everything(clean.store)


def test_answers_lost_after_the_archive_committed_never_store_a_record_twice(archive, laptops):
    upstream = int(archive.url.rsplit(":", 1)[1])
    state_ = {"responses": 0, "cutting": False, "cuts_wanted": 30}

    def should_cut() -> bool:
        if not state_["cutting"] or proxy.cuts >= state_["cuts_wanted"]:
            return False
        state_["responses"] += 1
        return state_["responses"] % 2 == 1  # every other answer is lost

    proxy = CuttingProxy(upstream, should_cut)
    try:
        laptop = laptops("centre", url=proxy.url, timeout=httpx.Timeout(5.0, connect=2.0))
        fill_demo(laptop.store, requests=16)
        with laptop.store.read() as session:
            here = counts(session)
            queued = session.scalar(select(func.count()).select_from(SyncOutbox))
        state_["cutting"] = True
        deadline = time.monotonic() + 120
        failures = 0
        for _ in range(300):
            report = run_sync_round(laptop.store, None, laptop.client, push_batch=3, pull_page=4)
            if report.ok:
                break
            assert isinstance(report.error, OfflineError), report
            failures += 1
            assert time.monotonic() < deadline
        assert report.ok
        assert proxy.cuts == 30 and failures >= 30
        laptop.client.close()
    finally:
        proxy.close()

    with laptop.store.read() as session:
        assert session.scalar(select(func.count()).select_from(SyncOutbox)) == 0
    with archive.db.read() as session:
        assert counts(session) == here
        per_record = session.execute(
            select(Received.table_name, Received.record_id, func.count())
            .group_by(Received.table_name, Received.record_id)).all()
    assert len(per_record) == queued
    assert {n for _, _, n in per_record} == {1}  # each record accepted exactly once


CUTS = int(os.environ.get("FIELDAPP_NET_CUTS", "150"))
NET_SEED = int(os.environ.get("FIELDAPP_NET_SEED", "8"))


class FaultPlan:
    """Once armed, the first `faulty` connections each get a random fault at a random
    byte; the rest pass (so the rounds can finish). Unarmed (logging in), none."""

    def __init__(self, rng: random.Random, faulty: int) -> None:
        self.rng, self.faulty = rng, faulty
        self.armed = False
        self.given: list[Fault] = []

    def __call__(self) -> Fault:
        if not self.armed or len(self.given) >= self.faulty:
            return Fault("none")
        self.given.append(self._pick())
        return self.given[-1]

    def _pick(self) -> Fault:
        kind = self.rng.choice(["cut_response", "cut_response", "reset", "cut_request",
                                "delay", "slice", "none"])
        if kind == "cut_request":
            return Fault(kind, at=self.rng.randint(0, 6000))
        if kind == "delay":
            return Fault(kind, seconds=self.rng.uniform(0.0, 0.05))
        if kind == "slice":
            return Fault(kind, at=self.rng.randint(1, 64))
        return Fault(kind, at=self.rng.choice([0, self.rng.randint(0, 4000)]))


def sync_until_done(laptop, **sizes) -> int:
    """Rounds until one succeeds; every failed round must be the network's fault."""
    for failures in range(5000):
        report = run_sync_round(laptop.store, None, laptop.client, **sizes)
        if report.ok:
            return failures
        assert isinstance(report.error, OfflineError), report
    raise AssertionError("the rounds never finished")


def each_record_once(archive, queued: int) -> None:
    with archive.db.read() as session:
        per_record = session.execute(
            select(Received.table_name, Received.record_id, func.count())
            .group_by(Received.table_name, Received.record_id)).all()
    assert len(per_record) == queued
    assert {n for _, _, n in per_record} == {1}, "a record was stored twice"


def test_hundreds_of_cut_points_lose_nothing_and_store_every_record_once(archive, laptops):
    """Cuts anywhere in the request or the answer, resets, delays and slices, on pushes and
    on pulls at random pages; afterwards both laptops hold exactly the archive's records.
    On PostgreSQL only in the soak (FIELDAPP_NET_CUTS set): the default run keeps to its
    time budget, and the archive-kill test below covers PostgreSQL."""
    if archive.db.dialect == "postgresql" and "FIELDAPP_NET_CUTS" not in os.environ:
        pytest.skip("PostgreSQL cut points run in the soak (FIELDAPP_NET_CUTS=…)")
    plan = FaultPlan(random.Random(NET_SEED), CUTS)
    proxy = FaultyProxy(int(archive.url.rsplit(":", 1)[1]), plan)
    started = time.monotonic()

    def one_connection_per_request() -> dict:  # so every exchange meets its own fault
        return {"timeout": httpx.Timeout(5.0, connect=2.0), "transport": httpx.HTTPTransport(
            limits=httpx.Limits(max_keepalive_connections=0))}

    try:
        centre = laptops("centre", url=proxy.url, **one_connection_per_request())
        other = laptops("boss", url=proxy.url, **one_connection_per_request())
        fill_demo(centre.store, requests=12)
        with centre.store.read() as session:
            queued = session.scalar(select(func.count()).select_from(SyncOutbox))
        plan.armed = True
        failed = sync_until_done(centre, push_batch=3, pull_page=4)
        failed += sync_until_done(other, pull_page=3)
        while len(plan.given) < CUTS:  # more work until every fault was met
            dispatch(centre.store, "E01")
            queued += 1
            failed += sync_until_done(centre, push_batch=3, pull_page=4)
            failed += sync_until_done(other, pull_page=3)
    finally:
        proxy.close()
    with centre.store.read() as session:
        assert session.scalar(select(func.count()).select_from(SyncOutbox)) == 0
    each_record_once(archive, queued)
    assert everything(centre.store) == everything(archive.db) == everything(other.store)
    cuts = [f for f in plan.given if f.kind != "none"]
    assert failed >= CUTS // 4, "the faults hardly ever broke a round: the test proved little"
    note("network_cut_points", seed=NET_SEED, connections=len(proxy.faults), faults=len(cuts),
         by_kind=dict(Counter(f.kind for f in cuts)), failed_rounds=failed,
         records=queued, seconds=round(time.monotonic() - started, 1))


class KillArchiveOnPush(httpx.HTTPTransport):
    """Real HTTP; the n-th push is sent while the archive process is being killed."""

    def __init__(self, server: ArchiveProcess, kill_at: set[int], rng: random.Random) -> None:
        super().__init__()
        self.server, self.kill_at, self.rng = server, kill_at, rng
        self.pushes = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/sync/push"):
            self.pushes += 1
            if self.pushes in self.kill_at:
                killer = threading.Timer(self.rng.uniform(0.0, 0.05), self.server.kill)
                killer.start()
                try:
                    return super().handle_request(request)
                finally:
                    killer.join()
        return super().handle_request(request)


def test_the_archive_killed_mid_batch_and_restarted_loses_and_repeats_nothing(
        db_url, tmp_path):
    rng = random.Random(NET_SEED)
    server = ArchiveProcess(db_url)
    server.add_user("centre", "staff")
    server.start()
    kills = int(os.environ.get("FIELDAPP_ARCHIVE_KILLS", "2"))
    transport = KillArchiveOnPush(server, {2 + 3 * k for k in range(kills)}, rng)
    laptop = Laptop(tmp_path / "laptop", server, "centre", transport=transport,
                    timeout=httpx.Timeout(10.0, connect=2.0))
    try:
        fill_demo(laptop.store, requests=16)
        with laptop.store.read() as session:
            queued = session.scalar(select(func.count()).select_from(SyncOutbox))
        failed = 0
        for _ in range(100):
            report = run_sync_round(laptop.store, None, laptop.client, push_batch=12)
            if report.ok:
                break
            assert isinstance(report.error, OfflineError), report
            failed += 1
            if server.process is not None and server.process.poll() is not None:
                server.start()  # the operator (or systemd) restarts it
        assert report.ok and server.kills == kills
        with laptop.store.read() as session:
            assert session.scalar(select(func.count()).select_from(SyncOutbox)) == 0
        each_record_once(server, queued)
        assert everything(laptop.store) == everything(server.db)
        note("archive_killed_mid_batch", db=server.db.dialect, kills=server.kills,
             failed_rounds=failed, records=queued)
    finally:
        laptop.close()
        server.close()
