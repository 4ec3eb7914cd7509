"""A push never exceeds what the archive reads of a body (its cap, fieldapp/archive/limits.py):
the laptop splits a batch by bytes as well as by count, and a record that alone is too
large is refused on the laptop with its reason (zh/en), not sent in every round (issue 19)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fieldapp.archive.models import Received
from fieldapp.store import outbox
from fieldapp.store.models import SyncOutbox
from fieldapp.sync import rounds
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.errors import ServerError
from fieldapp.sync.rounds import records_for, run_sync_round
from fieldapp.sync.wire import PUSH_BODY_CAP, compact_strokes, encode_record, push_body_limit
from fieldapp.tools.demo import fill_demo


class Recording(ArchiveClient):
    """The real client, remembering each push's body size; `cap`: answer 413 above it,
    as an archive (or a proxy before it) with a smaller cap would."""

    def __init__(self, *args, cap: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sizes: list[int] = []
        self.cap = cap

    def push(self, records, client_time):
        self.sizes.append(len(records))
        if self.cap is not None and len(records) > self.cap:
            raise ServerError(413, "请求内容过大。", "The request body is too large.")
        return super().push(records, client_time)


@pytest.fixture
def centre(archive, laptops):
    laptop = laptops("centre")
    fill_demo(laptop.store, requests=12)
    client = Recording(archive.url, laptop.client.token)
    yield laptop, client
    client.close()


def sizes_waiting(store) -> list[int]:
    """The wire size of each record waiting to be pushed (strokes once: wire.py)."""
    with store.read() as session:
        entries = outbox.pending(session, 100_000)
        records = records_for(session, entries)
    return sorted(len(encode_record(compact_strokes(r))) for r in records.values())


def test_the_limit_keeps_a_margin_under_the_archives_cap():
    assert PUSH_BODY_CAP - 2 * 1024 * 1024 < push_body_limit() < PUSH_BODY_CAP
    assert push_body_limit(64 * 1024) == 60 * 1024


def test_a_batch_over_the_cap_goes_in_several_pushes_each_under_it(archive, centre,
                                                                    monkeypatch):
    laptop, client = centre
    sizes = sizes_waiting(laptop.store)
    limit = 2 * sizes[-1] + 10  # two of the largest fit, a hundred small ones do not
    monkeypatch.setattr(rounds, "push_body_limit", lambda: limit)

    report = run_sync_round(laptop.store, None, client)

    assert report.ok and report.accepted == len(sizes), report
    assert max(client.sizes) <= limit
    assert len(client.sizes) > sum(sizes) // limit  # split by bytes, not by count alone
    with archive.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Received)) == len(sizes)


def test_a_record_too_large_alone_is_refused_here_with_its_reason(archive, centre,
                                                                   monkeypatch):
    laptop, client = centre
    sizes = sizes_waiting(laptop.store)
    too_large = sum(1 for s in sizes if s + 2 > sizes[-1])
    monkeypatch.setattr(rounds, "push_body_limit", lambda: sizes[-1])  # the largest: 1 over

    first = run_sync_round(laptop.store, None, client)

    assert [r.code for r in first.refused] == ["too_large"] * too_large
    refusal = first.refused[0]
    assert refusal.zh.startswith("记录过大") and "联系服务中心" in refusal.zh
    assert refusal.en.startswith("The record is too large to send")
    assert first.accepted == len(sizes) - too_large and first.refused_total == too_large
    assert max(client.sizes) < sizes[-1]  # never sent
    pushes = len(client.sizes)
    later = run_sync_round(laptop.store, None, client)
    assert later.refused == [] and later.refused_total == too_large
    assert len(client.sizes) == pushes  # waits, not sent again in every round
    with laptop.store.read() as session:
        waiting = session.scalars(select(SyncOutbox).where(SyncOutbox.state == "refused")).all()
        assert {w.reason_code for w in waiting} == {"too_large"}


def test_an_archive_with_a_smaller_cap_gets_smaller_batches(archive, laptops):
    """A 413 (a proxy's cap below the archive's own) halves the batch until it passes;
    only a single record over that cap is refused here."""
    laptop = laptops("centre")
    fill_demo(laptop.store, requests=12)
    sizes = sizes_waiting(laptop.store)
    cap = 3 * sizes[-1]
    with Recording(archive.url, laptop.client.token, cap=cap) as client:
        report = run_sync_round(laptop.store, None, client)
    assert report.ok and report.accepted == len(sizes), report
    assert client.sizes[0] > cap  # the first batch met the cap
    assert all(size <= cap for size in client.sizes[-3:])
