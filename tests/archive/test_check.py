"""After a sync the laptop and the archive agree, table by table (counts and hashes in the
user's scope); a disagreement is named record by record (`fieldapp sync --check`): an
audit event deleted, reordered or inserted behind the app's back, a sealed slip edited
around the triggers."""

from __future__ import annotations

import itertools
import json
import uuid
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from fieldapp.archive import check as archive_check
from fieldapp.base.timeutil import utcnow
from fieldapp.cli import cli
from fieldapp.records import slips
from fieldapp.records.reference import engineer_by_code
from fieldapp.store.models import ServiceRequest, Slip
from fieldapp.store.workflow_models import Event
from fieldapp.sync import parking, state
from fieldapp.sync.check import _pages, check_with_archive, local_records, local_views
from fieldapp.sync.rounds import run_sync_round
from fieldapp.sync.wire import CHECK_BODY_CAP, CHECK_PAGE
from fieldapp.tools.demo import fill_demo
from fieldapp.workflows.escalation import reassign_request
from tests.archive.work import assigned_request, dispatch, on_the_command_line, seal_a_slip


@pytest.fixture
def centre(archive, laptops):
    laptop = laptops("centre")
    fill_demo(laptop.store, requests=12)
    dispatch(laptop.store, "E01")
    with laptop.store.write() as session:  # an audit trail: two reassignments
        request = session.scalar(select(ServiceRequest).where(ServiceRequest.status == "open"))
        for code in ("E02", "E01"):
            reassign_request(session, request, engineer_by_code(session, code), reason="调度",
                             decided_by="调度员", actor_code="C01",
                             occurred_at=utcnow() - timedelta(minutes=5))
    assert run_sync_round(laptop.store, None, laptop.client).ok
    return laptop


def test_after_a_sync_staff_and_engineer_laptops_agree_with_the_archive(archive, centre,
                                                                        laptops):
    check = check_with_archive(centre.store, centre.client)
    assert check.agree and check.problems == []
    assert all(t["laptop"] == t["archive"] == t["same"] for t in check.tables)
    e01 = laptops("e01")
    assert run_sync_round(e01.store, None, e01.client).ok
    mine = check_with_archive(e01.store, e01.client)
    assert mine.agree, mine.problems
    slips = next(t for t in mine.tables if t["table"] == "slips")
    assert 0 < slips["archive"] <= slips["same"] == slips["laptop"]


def around_the_triggers(store, statement: str, **params) -> None:
    with store.write() as session:
        for (name,) in list(session.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"))):
            session.execute(text(f"DROP TRIGGER {name}"))
        session.execute(text(statement), params)


def test_edits_behind_the_apps_back_are_each_named(archive, centre):
    store = centre.store
    with store.read() as session:
        first, second = session.scalars(select(Event.id).order_by(Event.id)).all()[:2]
        sealed = session.scalar(select(Slip.id).where(Slip.seal.is_not(None)))
    forged = uuid.uuid4()
    around_the_triggers(store, "DELETE FROM events WHERE id = :id", id=first.hex)
    around_the_triggers(store, "UPDATE events SET occurred_at = '2020-01-01 00:00:00.000000'"
                               " WHERE id = :id", id=second.hex)  # moved to the front
    around_the_triggers(store, "UPDATE slips SET handling = '客户自行解决' WHERE id = :id",
                        id=sealed.hex)
    around_the_triggers(
        store, "INSERT INTO events (id, kind, subject_type, subject_id, payload, actor_code,"
               " occurred_at, recorded_at, request_id) SELECT :new, kind, subject_type,"
               " subject_id, payload, actor_code, occurred_at, recorded_at, request_id"
               " FROM events WHERE id = :id", new=forged.hex, id=second.hex)

    check = check_with_archive(store, centre.client)

    assert not check.agree
    assert set(check.problems) >= {
        ("not_on_laptop", "events", str(first)),
        ("different", "events", str(second)),
        ("different", "slips", str(sealed)),
        ("not_in_archive", "events", str(forged)),
    }
    assert check.disagreements == len(check.problems) == 4  # and nothing else


def test_fieldapp_sync_check_shows_a_disagreement_and_fails(archive, centre):
    data = centre.folder
    on_the_command_line(centre, archive.url)
    runner = CliRunner()
    ok = runner.invoke(cli, ["--data-dir", str(data), "--lang", "en", "sync", "--check"])
    assert ok.exit_code == 0, ok.output
    assert "agree" in ok.output
    with centre.store.read() as session:
        sealed, number = session.execute(
            select(Slip.id, Slip.number).where(Slip.seal.is_not(None))).first()
    around_the_triggers(centre.store, "UPDATE slips SET handling = '改' WHERE id = :id",
                        id=sealed.hex)
    bad = runner.invoke(cli, ["--data-dir", str(data), "--lang", "zh", "sync", "--check"])
    assert bad.exit_code == 1
    assert f"服务单 {number}：内容与档案不一致" in bad.output
    assert str(sealed) not in bad.output and "slips" not in bad.output  # numbers, not ids


def test_a_refused_record_is_listed_with_its_reason_in_every_later_round(archive, centre,
                                                                         laptops):
    e01 = laptops("e01")
    assert run_sync_round(e01.store, None, e01.client).ok
    request = assigned_request(e01.store, "E01")
    with e01.store.write() as session:  # handed to E02 on E01's laptop: not E01's to push
        row = session.get_one(ServiceRequest, request.id)
        row.assigned_engineer_id = engineer_by_code(session, "E02").id
        row.contact_phone = "13800000000"
    first = run_sync_round(e01.store, None, e01.client)
    assert [r.code for r in first.refused] == ["not_yours"]
    later = run_sync_round(e01.store, None, e01.client)
    assert later.refused == [] and later.refused_total == 1
    assert later.pulled >= 0 and later.error is None  # the rest keeps flowing


def number_e01s_next_slip_on_both(centre, other, *, seal_on_other: bool = False) -> str:
    """Both laptops start E01's next slip before either syncs: the same number."""
    numbers = set()
    for laptop, operator in ((centre, "C01"), (other, "C02")):
        request_id = dispatch(laptop.store, "E01", operator=operator)
        if laptop is other and seal_on_other:
            numbers.add(seal_a_slip(laptop.store, request_id, "E01").number)
            continue
        with laptop.store.write() as session:
            request = session.get_one(ServiceRequest, request_id)
            numbers.add(slips.start_slip(session, request,
                                         engineer_by_code(session, "E01")).number)
    [number] = numbers
    return number


def test_a_draft_numbered_like_a_slip_another_laptop_sent_first_takes_the_next_number(
        archive, centre, laptops):
    other = laptops("boss")
    assert run_sync_round(other.store, None, other.client).ok
    number = number_e01s_next_slip_on_both(centre, other)
    with other.store.read() as session:
        mine = slips.get_slip(session, number).id
    assert run_sync_round(centre.store, None, centre.client).ok

    first = run_sync_round(other.store, None, other.client)
    assert [r.code for r in first.refused] == ["number_taken"]  # the archive has that number
    assert number in first.refused[0].zh and number in first.refused[0].en
    assert first.error is None  # the pull renumbered the draft and stored the other slip
    with other.store.read() as session:
        assert slips.get_slip(session, number).id != mine  # the archive's, pulled
        renumbered = session.get_one(Slip, mine).number
    assert renumbered > number and renumbered.startswith(number[:-3])
    second = run_sync_round(other.store, None, other.client)
    assert second.ok and second.refused_total == 0, second
    with archive.db.read() as session:
        assert session.get_one(Slip, mine).number == renumbered


def test_a_sealed_slip_numbered_like_another_laptops_is_parked_and_the_pull_goes_on(
        archive, centre, laptops):
    """A signed number cannot change: the archive's slip is set aside with its reason, the
    rest of the pull and the cursor go on, nothing is lost, and the refusal is listed for
    the service centre to sort out (issue 19, item 5: the pull used to stop for good)."""
    other = laptops("boss")
    assert run_sync_round(other.store, None, other.client).ok
    number = number_e01s_next_slip_on_both(centre, other, seal_on_other=True)
    assert run_sync_round(centre.store, None, centre.client).ok
    with other.store.read() as session:
        cursor_before = state.cursor(session)

    report = run_sync_round(other.store, None, other.client)

    assert [r.code for r in report.refused] == ["number_taken"]
    assert report.error is None and report.parked == report.parked_total == 1
    with other.store.read() as session:
        assert state.cursor(session) > cursor_before
        assert slips.get_slip(session, number).seal is not None
        [parked] = parking.parked(session)
        assert parked.code == "number_clash" and number in parked.zh


def test_a_check_in_small_pages_finds_what_one_page_finds(archive, centre, monkeypatch):
    """Paging (the laptop's pages of a few items, the archive stopping short of a range
    it holds more of) neither loses nor invents a disagreement: each page names what the
    laptop lacks in its id range because the laptop sends every id it holds there."""
    store = centre.store
    with store.read() as session:
        events = session.scalars(select(Event.id).order_by(Event.id)).all()
        sealed = session.scalar(select(Slip.id).where(Slip.seal.is_not(None)))
    gone = events[len(events) // 2]  # in a middle page
    around_the_triggers(store, "DELETE FROM events WHERE id = :id", id=gone.hex)
    around_the_triggers(store, "UPDATE slips SET handling = '改' WHERE id = :id",
                        id=sealed.hex)
    whole = check_with_archive(store, centre.client)
    monkeypatch.setattr(archive_check, "PAGE_LIMIT", 4)
    paged = check_with_archive(store, centre.client, page=3)

    assert set(paged.problems) == set(whole.problems) == {
        ("not_on_laptop", "events", str(gone)), ("different", "slips", str(sealed))}
    assert paged.shown_differently == whole.shown_differently  # if the event was a handover
    assert paged.disagreements == whole.disagreements == 2 + len(whole.shown_differently)
    assert paged.tables == whole.tables
    assert sum(t["archive"] for t in paged.tables) > 4  # several of the archive's pages


class PageRecorder:
    """Stands in for the archive: answers every page as agreeing, remembers each."""

    def __init__(self) -> None:
        self.pages: list[dict] = []

    def check(self, table, *, after, through, records, requests, complete=False):
        self.pages.append({"table": table, "after": after, "through": through,
                           "records": records, "requests": requests})
        return {"disagreements": 0, "tables": [], "different": [], "not_in_archive": [],
                "not_on_laptop": [], "shown_differently": [],
                "through": None if through is None else str(through)}


def test_the_check_goes_in_contiguous_pages_under_the_archives_cap():
    """160,000 ids: pages of at most CHECK_PAGE items, each body under the check's cap
    (4 MiB), the ranges back to back from the first id to the last."""
    ids = sorted(uuid.uuid4() for _ in range(160_000))
    mine = {i: {"table": "service_requests", "id": str(i), "hash": "a" * 64} for i in ids}
    shown = {i: {"id": str(i), "status": "in_progress", "assignee": "E01"}
             for i in ids[:50_000]}
    archive = PageRecorder()
    for _answer in _pages(archive, "service_requests", mine, shown, CHECK_PAGE):
        pass
    pages = archive.pages
    assert len(pages) > 8
    assert pages[0]["after"] is None and pages[-1]["through"] is None
    for before, page in itertools.pairwise(pages):
        assert page["after"] == before["through"]
    for page in pages:
        assert len(page["records"]) + len(page["requests"]) <= CHECK_PAGE
        body = json.dumps({**page, "after": str(page["after"]),
                           "through": str(page["through"])}, separators=(",", ":"))
        assert len(body.encode()) < CHECK_BODY_CAP
    assert [uuid.UUID(r["id"]) for p in pages for r in p["records"]] == ids
    assert len([r for p in pages for r in p["requests"]]) == 50_000


def test_a_laptop_from_before_the_paged_check_still_gets_its_answer(archive, centre,
                                                                      monkeypatch):
    """API v1 only grows: the whole check in one request (`POST /sync/check`, as older
    laptops send it) answers as the pages do — the archive pages it itself."""
    store = centre.store
    with store.read() as session:
        gone = session.scalars(select(Event.id).order_by(Event.id)).all()[1]
    around_the_triggers(store, "DELETE FROM events WHERE id = :id", id=gone.hex)
    paged = check_with_archive(store, centre.client)
    monkeypatch.setattr(archive_check, "PAGE_LIMIT", 5)
    answer = centre.client._answer("POST", "/sync/check", json={
        "records": local_records(store), "requests": local_views(store)})

    assert answer["disagreements"] == paged.disagreements >= 1
    assert {(r["table"], r["id"]) for r in answer["not_on_laptop"]} == {("events", str(gone))}
    assert answer["tables"] == paged.tables and answer["through"] is None
