"""Interrupted pulls resume without gaps or repeats; lost answers never duplicate a record."""

from __future__ import annotations

import time

import httpx
import pytest
from sqlalchemy import func, select

from fieldapp.archive.models import Received
from fieldapp.demo import fill_demo
from fieldapp.store.models import SyncOutbox
from fieldapp.sync import rounds, state
from fieldapp.sync.client import OfflineError
from fieldapp.sync.rounds import run_sync_round
from fieldapp.sync.wire import SYNC_MODELS, read_records
from tests.archive.proxy import CuttingProxy
from tests.archive.test_push_pull import counts


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

    def apply_then_fail(session, records):
        calls.append(len(records))
        written = real_apply(session, records)
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
