"""Work on a request is accepted only from the engineer the archive has it assigned to
(issue 19, item 3): a laptop that still holds a request taken from its engineer cannot
close it, and the refusal says why, on that laptop, in both languages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fieldapp.base.timeutil import utcnow
from fieldapp.records import slips
from fieldapp.records.reference import engineer_by_code
from fieldapp.store import outbox
from fieldapp.store.models import ServiceRequest, Slip
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import fill_demo
from fieldapp.workflows.escalation import reassign_request
from tests.archive.work import dispatch, seal_a_slip


def reassign(store, request_id, code: str) -> None:
    with store.write() as session:
        reassign_request(session, session.get_one(ServiceRequest, request_id),
                         engineer_by_code(session, code), reason="调度", decided_by="调度员",
                         actor_code="C01", occurred_at=utcnow() - timedelta(minutes=1))


@pytest.fixture
def handed_over(archive, laptops):
    """E01's request, on E01's laptop, then reassigned to E02 at the centre."""
    centre = laptops("centre")
    fill_demo(centre.store, requests=4)
    request_id = dispatch(centre.store, "E01")
    assert run_sync_round(centre.store, None, centre.client).ok
    e01 = laptops("e01")
    assert run_sync_round(e01.store, None, e01.client).ok
    reassign(centre.store, request_id, "E02")
    assert run_sync_round(centre.store, None, centre.client).ok
    return centre, e01, request_id


def test_a_slip_sealed_by_the_engineer_a_request_was_taken_from_is_refused(
        archive, laptops, handed_over):
    _centre, e01, request_id = handed_over
    slip = seal_a_slip(e01.store, request_id, "E01")  # offline: E01 has not pulled yet

    report = run_sync_round(e01.store, None, e01.client)

    [refusal] = report.refused
    assert (refusal.table, refusal.code) == ("slips", "not_assigned")
    with e01.store.read() as session:
        number = session.get_one(ServiceRequest, request_id).number
    assert f"服务请求 {number} 现由 E02 负责" in refusal.zh
    assert f"Service request {number} is assigned to E02" in refusal.en
    with archive.db.read() as session:  # not stored: the request is not solved by E01
        assert session.get(Slip, slip.id) is None
    with e01.store.read() as session:  # kept on the laptop with the reason, for the user
        [waiting] = outbox.refused(session)
        assert (waiting.record_id, waiting.reason_code) == (slip.id, "not_assigned")


def test_the_engineer_it_is_assigned_to_and_the_centre_may_record_work_on_it(
        archive, laptops, handed_over):
    centre, _e01, request_id = handed_over
    e02 = laptops("e02")
    assert run_sync_round(e02.store, None, e02.client).ok
    seal_a_slip(e02.store, request_id, "E02")
    assert run_sync_round(e02.store, None, e02.client).ok
    assert run_sync_round(centre.store, None, centre.client).ok
    seal_a_slip(centre.store, request_id, "E03")  # staff may record anyone's work
    report = run_sync_round(centre.store, None, centre.client)
    assert report.ok, report.refused


def test_an_engineer_hands_their_request_on_and_then_records_no_more_work_on_it(
        archive, laptops, handed_over):
    """E02's draft and E02's hand-over to E07 go in together (E02 has it until the
    hand-over is stored); E02's next slip on it is refused: it is E07's now."""
    _centre, _e01, request_id = handed_over
    e02 = laptops("e02")
    assert run_sync_round(e02.store, None, e02.client).ok
    with e02.store.write() as session:
        request = session.get_one(ServiceRequest, request_id)
        e02_row = engineer_by_code(session, "E02")
        draft = slips.start_slip(session, request, e02_row).id
        reassign_request(session, request, engineer_by_code(session, "E07"),
                         reason="技术能力", decided_by="李明", actor_code="E02",
                         occurred_at=utcnow() - timedelta(seconds=30))
    report = run_sync_round(e02.store, None, e02.client)
    assert report.ok, report.refused
    with archive.db.read() as session:
        assert session.get(Slip, draft) is not None

    with e02.store.write() as session:
        session.get_one(Slip, draft).fault_found = "电源故障"
    later = run_sync_round(e02.store, None, e02.client)
    assert [(r.table, r.code) for r in later.refused] == [("slips", "not_assigned")]
    assert "现由 E07 负责" in later.refused[0].zh
