"""A batch answered in full has its answers stored on the push's second thread while the
next batch is on the wire (fieldapp.sync.rounds._push_all): the archive no longer waits
for the laptop's write between batches. What it promised still holds: every record is
acknowledged once its answer is stored, in outbox order, and answers that could not be
stored are the round's error — the batch simply goes again and comes back "duplicate"."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select

from fieldapp.archive.models import Received
from fieldapp.store import outbox
from fieldapp.sync import rounds
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import fill_demo

BATCH = 20


class Noting(ArchiveClient):
    """The real client, noting each push in `events`."""

    def __init__(self, *args, events: list[str], second: threading.Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.events = events
        self.second = second
        self.pushes = 0

    def push(self, records, client_time):
        self.pushes += 1
        self.events.append(f"push {self.pushes}")
        if self.pushes == 2:
            self.second.set()
        return super().push(records, client_time)


@pytest.fixture
def centre(archive, laptops):
    laptop = laptops("centre")
    fill_demo(laptop.store, requests=12)
    with laptop.store.read() as session:
        waiting = outbox.count(session, "pending")
    assert waiting > 3 * BATCH
    return laptop, waiting


def test_a_batch_s_answers_are_stored_while_the_next_batch_is_on_the_wire(
        archive, centre, monkeypatch):
    laptop, waiting = centre
    events: list[str] = []
    second = threading.Event()
    store_answers = rounds._store_answers

    def store_after_the_next_push(*args, **kwargs):
        if not any(e.startswith("stored") for e in events):
            # the first batch's answers: stored only once the second batch is sent (a
            # laptop storing them before sending it would stop here and fail)
            assert second.wait(timeout=120)
        store_answers(*args, **kwargs)
        events.append("stored")

    monkeypatch.setattr(rounds, "_store_answers", store_after_the_next_push)
    client = Noting(archive.url, laptop.client.token, events=events, second=second)
    try:
        report = run_sync_round(laptop.store, None, client, push_batch=BATCH)
    finally:
        client.close()

    assert report.ok and report.accepted == waiting, report
    assert events[:3] == ["push 1", "push 2", "stored"]
    assert events.count("stored") == client.pushes  # each batch's answers, once
    with laptop.store.read() as session:
        assert outbox.count(session, "pending") == 0
    with archive.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Received)) == waiting


def test_answers_that_could_not_be_stored_are_the_round_s_error_and_go_again(
        archive, centre, monkeypatch):
    laptop, waiting = centre
    record_answers = rounds._record_answers
    calls = []

    def fail_the_first(session, report, answered):
        calls.append(len(answered))
        if len(calls) == 1:
            raise sa_exc.InvalidRequestError("the outbox could not be updated")
        record_answers(session, report, answered)

    monkeypatch.setattr(rounds, "_record_answers", fail_the_first)
    first = run_sync_round(laptop.store, None, laptop.client, push_batch=BATCH)
    assert first.error is not None and not first.ok
    assert "本机数据库" in first.error.zh and "nothing here was lost" in first.error.en
    with laptop.store.read() as session:
        assert outbox.count(session, "pending") >= BATCH  # the first batch still waits

    monkeypatch.setattr(rounds, "_record_answers", record_answers)
    again = run_sync_round(laptop.store, None, laptop.client, push_batch=BATCH)
    assert again.ok and again.duplicate >= BATCH, again
    with laptop.store.read() as session:
        assert outbox.count(session, "pending") == 0
    with archive.db.read() as session:  # stored once, whatever the retries
        assert session.scalar(select(func.count()).select_from(Received)) == waiting
