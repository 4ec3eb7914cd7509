"""The group dossier through the real archive (SQLite and PostgreSQL), as the service
centre and a group customer's engineer live it (R2.5, issue 20 item 6):

engineer E01 raises a problem set and a suggestion after a visit and pushes them; the
centre returns the problem with a comment and accepts the suggestion; E01's laptop pulls
the comment, E01 records the fix, the centre accepts it; E01's second laptop and the
centre's laptop derive the same history. An engineer cannot review; pushing the same
events again stores nothing twice.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.archive import dossier_review
from fieldapp.base.timeutil import utcnow
from fieldapp.records import reference, service_requests
from fieldapp.records.events import EventKind
from fieldapp.services import dossier, visit
from fieldapp.store import outbox
from fieldapp.store.workflow_models import Event, ProblemSet
from fieldapp.sync.rounds import records_for, run_sync_round
from fieldapp.workflows import dossier as flow

NOW: datetime


@pytest.fixture(autouse=True)
def _now() -> None:
    """Read when each test starts (a module imported at one time and run at another
    would record its steps in the future)."""
    global NOW
    NOW = utcnow() - timedelta(hours=3)


def at(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


def sync(laptop) -> None:  # type: ignore[no-untyped-def]
    report = run_sync_round(laptop.store, None, laptop.client)
    assert report.ok, report


def _centre_world(store) -> str:  # type: ignore[no-untyped-def]
    with store.write() as session:
        port = reference.create_customer(session, code="TJPORT", name="天津港信息中心",
                                         is_group=True, account_manager="陈晓红")
        contact = reference.add_contact(session, port, name="孙丽", phone="13900220000")
        device = reference.add_device(session, port, device_type="打印机",
                                      device_class="printer", brand="惠普", model="M404dn",
                                      serial="CNB1234567")
        reference.create_contract(session, port, number="FW-2026", starts_on=date(2020, 1, 1),
                                  ends_on=date(2099, 12, 31))
        e01 = reference.create_engineer(session, code="E01", name="刘洋", skills=["打印机"])
        return service_requests.take_request(
            session, operator_code="C01", customer=port, channel="onsite",
            fault_reported="打印机反复卡纸", requested_at=at(-60), contact=contact,
            device=device, engineer=e01, now=at(-60)).number


def _visit(archive_laptops) -> tuple:  # type: ignore[no-untyped-def]
    """The centre's world pulled by both laptops, and E01's visit (its slip) on E01's."""
    centre, e01 = archive_laptops("centre"), archive_laptops("e01")
    number = _centre_world(centre.store)
    sync(centre)
    sync(e01)
    with e01.store.read() as session:
        request_id = service_requests.get_request(session, number).id
    return centre, e01, visit.open_visit(e01.store, request_id, "E01", now=at(0))


def _problem_view(laptop):  # type: ignore[no-untyped-def]
    with laptop.store.read() as session:
        problem = session.scalars(select(ProblemSet)).one()
        state = flow.problem_state(session, problem)
    return problem.number, state


def test_a_problem_set_and_its_review_travel_laptop_archive_laptop(archive, laptops):  # type: ignore[no-untyped-def]
    centre, e01, slip = _visit(laptops)  # after the visit, on E01's laptop
    problem = dossier.raise_problem(e01.store, slip.id, dossier.NewProblem(
        "打印机反复卡纸", "每周卡纸两三次，搓纸轮磨损。", "E01"), now=at(10))
    suggestion = dossier.propose(e01.store, slip.id, dossier.NewSuggestion(
        "建议配备备用硒鼓。", "E01"), now=at(11))
    problem_id = _problem_view(e01)[1].steps[0].submission_id
    dossier.problem_step(e01.store, problem_id, kind=EventKind.PROBLEM_TRACKING,
                         note="已更换搓纸轮，观察两周", actor_code="E01", now=at(12))
    sync(e01)

    # The centre returns the problem (both submissions) and accepts the suggestion.
    assert {p.reference for p in dossier.pending(archive.db)} == {problem, suggestion}
    assert dossier_review.review(archive.db, problem, verdict="returned", reviewer="王芳",
                                 comment="请写明更换的配件型号。", actor_code="CENTRE",
                                 now=at(30)) == 2
    assert dossier_review.review(archive.db, suggestion, verdict="reviewed", reviewer="王芳",
                                 comment="", actor_code="CENTRE", now=at(31)) == 1

    # E01 sees the comment after a pull, and records the correction and the fix.
    sync(e01)
    _, state = _problem_view(e01)
    assert [(s.verdict.review, s.verdict.comment) for s in state.returned] == [
        ("returned", "请写明更换的配件型号。")] * 2
    dossier.problem_step(e01.store, problem_id, kind=EventKind.PROBLEM_NOTED,
                         note="更换搓纸轮 RM2-5452", actor_code="E01", now=at(40))
    dossier.problem_step(e01.store, problem_id, kind=EventKind.PROBLEM_SOLVED,
                         note="两周未再卡纸", actor_code="E01", now=at(50))
    sync(e01)
    assert dossier_review.review(archive.db, problem, verdict="reviewed", reviewer="王芳",
                                 comment="", actor_code="CENTRE", now=at(60)) == 2
    assert dossier.pending(archive.db) == ()

    # Every machine folds the same history: E01's second laptop, the centre's, the archive.
    spare = laptops("e01", name="spare")
    for laptop in (e01, centre, spare):
        sync(laptop)
    with archive.db.read() as session:
        expected = flow.problem_state(session, session.scalars(select(ProblemSet)).one())
    assert expected.status == "solved" and expected.fact_status == "solved"
    assert [(s.kind, s.verdict.review) for s in expected.steps] == [
        ("raised", "returned"), (EventKind.PROBLEM_TRACKING, "returned"),
        (EventKind.PROBLEM_NOTED, "reviewed"), (EventKind.PROBLEM_SOLVED, "reviewed")]
    for laptop in (e01, centre, spare):
        assert _problem_view(laptop) == (problem, expected)

    # Pushing the same records again stores nothing twice.
    with archive.db.read() as session:
        before = session.scalar(select(func.count()).select_from(Event))
    with e01.store.read() as session:
        records = list(records_for(session, [
            outbox.Entry("events", e.id, 1) for e in session.scalars(
                select(Event).where(Event.actor_code == "E01"))]).values())
    answer = e01.client.push(records, utcnow())
    assert {r["status"] for r in answer["results"]} == {"duplicate"}
    with archive.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Event)) == before


def test_an_engineer_cannot_review_and_a_foreign_link_is_refused_by_the_archive(archive, laptops):  # type: ignore[no-untyped-def]
    _centre, e01, slip = _visit(laptops)
    dossier.raise_problem(e01.store, slip.id, dossier.NewProblem("卡纸", "卡纸。", "E01"),
                          now=at(10))
    sync(e01)
    with e01.store.write() as session:  # a tampered laptop reviews its own submission
        problem = session.scalars(select(ProblemSet)).one()
        flow.review(session, problem, problem.id, verdict="reviewed", reviewer="刘洋",
                    comment="", actor_code="E01", occurred_at=at(11), now=at(11))
    report = run_sync_round(e01.store, None, e01.client)
    assert [r.en for r in report.refused] == ["Only the service centre reviews the dossier."]
    with e01.store.read() as session:
        assert [(r.table_name, r.reason_code) for r in outbox.refused(session)] == [
            ("events", "forbidden")]
    assert len(dossier.pending(archive.db)) == 1  # still waiting for the centre
