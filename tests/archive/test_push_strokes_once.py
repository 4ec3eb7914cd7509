"""A push sends each signature's strokes once (issue 23): the seal document names them by
reference, the archive puts them back before it hashes, checks and stores anything, and
stores and verifies the document exactly as sealed. Pushes of the old shape (an older
laptop) are taken as before, and a laptop meeting an archive older than this sends the
strokes in full again."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from fieldapp.archive import ingest
from fieldapp.seal.signatures import json_value
from fieldapp.store import outbox
from fieldapp.store.models import Slip
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.rounds import records_for, run_sync_round
from fieldapp.sync.wire import (
    STROKES_REF,
    compact_document_value,
    compact_strokes,
    encode_record,
    expand_strokes,
)
from fieldapp.tools.demo import fill_demo

DEMO_NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


class Recording(ArchiveClient):
    """The real client, keeping each push's body."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.bodies: list[bytes] = []

    def push(self, records, client_time):
        self.bodies.append(records if isinstance(records, bytes) else b"")
        return super().push(records, client_time)


def waiting(store) -> list[dict]:
    with store.read() as session:
        return list(records_for(session, outbox.pending(session, 100_000)).values())


def sealed_records(store) -> list[dict]:
    return [r for r in waiting(store) if r["table"] == "slips" and r["row"].get("seal")]


@pytest.fixture
def centre(archive, laptops):
    laptop = laptops("centre")
    fill_demo(laptop.store, requests=16, now=DEMO_NOW)
    return laptop


def test_a_sealed_slip_travels_with_its_strokes_once_and_comes_back_as_sealed(centre):
    records = sealed_records(centre.store)
    assert records
    for record in records:
        short = compact_strokes(record)
        document = short["row"]["seal_document"]
        for index, signature in enumerate(record["signatures"]):
            assert signature["strokes"] not in document
            assert f'"strokes":"{STROKES_REF.format(index)}"' in document
        assert len(encode_record(short)) < 0.85 * len(encode_record(record))
        expanded, compact = expand_strokes(short)
        assert expanded == record  # the very text sealed, so the hash is the record's
        strokes = [json_value(s["strokes"]) for s in record["signatures"]]
        assert compact_document_value(compact, strokes) == json.loads(
            record["row"]["seal_document"])


def test_records_without_a_seal_and_old_shapes_pass_unchanged():
    draft = {"table": "slips", "id": "x", "row": {"seal_document": None}, "signatures": []}
    request = {"table": "service_requests", "id": "y", "row": {"number": "R1"}}
    old = {"table": "slips", "id": "z", "row": {"seal_document": '{"strokes":[[1]]}'},
           "signatures": [{"strokes": "[[1]]"}]}
    for record in (draft, request):
        assert compact_strokes(record) is record
        assert expand_strokes(record) == (record, None)
    assert expand_strokes(old) == (old, None)  # an older laptop's document: as it came


def test_a_short_document_that_cannot_be_shown_equal_is_parsed_in_full():
    strokes = [[[1, 2, 3, 4]]]
    ref = STROKES_REF.format(0)
    canonical = '{"signatures":[{"strokes":"' + ref + '"}]}'
    assert compact_document_value(canonical, strokes) == {"signatures": [{"strokes": strokes[0]}]}
    # a repeated key, a second reference, spaces, an escaped reference: not the one form
    for text in ('{"signatures":[{"strokes":"' + ref + '","strokes":"' + ref + '"}]}',
                 '{"a":"' + ref + '","signatures":[{"strokes":"' + ref + '"}]}',
                 '{"signatures": [{"strokes":"' + ref + '"}]}',
                 '{"signatures":[{"strokes":"\\u0040signatures[0].strokes"}]}'):
        assert compact_document_value(text, strokes) is None
    assert compact_document_value(canonical, [None]) is None  # strokes that are not JSON


def test_the_archive_stores_and_verifies_the_document_as_sealed(archive, centre):
    records = {r["id"]: r for r in sealed_records(centre.store)}
    rows = Counter(json.dumps(s["strokes"])[1:-1]  # as in the body (the demo reuses some)
                   for r in waiting(centre.store) for s in r.get("signatures") or ())
    with Recording(archive.url, centre.client.token) as client:
        report = run_sync_round(centre.store, None, client)
    assert report.ok and report.refused == [], report
    body = b"".join(client.bodies).decode("utf-8")
    for strokes, count in rows.items():  # once: in its signature row only
        assert body.count(strokes) == count
    with archive.db.read() as session:
        stored = dict(session.execute(select(Slip.id, Slip.seal_document)
                                      .where(Slip.seal.is_not(None))).all())
    assert {str(k): v for k, v in stored.items()} == {
        k: r["row"]["seal_document"] for k, r in records.items()}
    again = run_sync_round(centre.store, None, centre.client)  # nothing left, none refused
    assert again.ok and again.pushed == 0


def test_an_older_laptops_push_of_the_whole_document_is_accepted(archive, centre):
    records = waiting(centre.store)
    answer = centre.client.push(records, DEMO_NOW)  # the old shape, strokes twice
    statuses = {r["status"] for r in answer["results"]}
    assert statuses == {"accepted"}
    assert len(answer["results"]) == len(records)
    again = centre.client.push([compact_strokes(r) for r in records], DEMO_NOW)
    assert {r["status"] for r in again["results"]} == {"duplicate"}


def test_a_reference_swapped_or_dropped_is_refused_not_stored(archive, centre):
    record = sealed_records(centre.store)[0]
    short = compact_strokes(record)
    document = short["row"]["seal_document"]
    refs = [STROKES_REF.format(i) for i in range(len(record["signatures"]))]
    assert len(refs) == 2
    swapped = document.replace(refs[0], "@tmp").replace(refs[1], refs[0]).replace(
        "@tmp", refs[1])
    dropped = document.replace(refs[1], "@signatures[7].strokes")
    for text in (swapped, dropped):
        forged = {**short, "row": {**short["row"], "seal_document": text}}
        answer = centre.client.push([forged], DEMO_NOW)
        [result] = answer["results"]
        assert result["status"] == "refused"
        assert result["code"] in ("hash_mismatch", "seal_mismatch", "missing")


def test_a_laptop_meeting_an_older_archive_sends_the_strokes_in_full(archive, centre,
                                                                     monkeypatch):
    monkeypatch.setattr(ingest, "expand_strokes", lambda record: (record, None))
    sealed = len(sealed_records(centre.store))
    with Recording(archive.url, centre.client.token) as client:
        report = run_sync_round(centre.store, None, client)
    assert report.ok and report.refused == [] and report.refused_total == 0, report
    assert waiting(centre.store) == []  # all sent and answered
    assert b"@signatures[" not in client.bodies[-1]
    with archive.db.read() as session:
        assert len(session.scalars(select(Slip.id).where(Slip.seal.is_not(None))).all()) \
            == sealed
