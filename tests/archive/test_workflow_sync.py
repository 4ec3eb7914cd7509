"""The workflows through the real archive (SQLite and PostgreSQL) and back to each laptop:
a send-in repair, an escalation from engineer A's laptop to engineer B's, a complaint."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.archive.models import Received
from fieldapp.base.timeutil import utcnow
from fieldapp.records import reference, service_requests
from fieldapp.records.events import SignatureInput
from fieldapp.store import outbox
from fieldapp.store.models import ServiceRequest
from fieldapp.store.workflow_models import Event, RepairOrder
from fieldapp.sync.rounds import records_for, run_sync_round
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from fieldapp.workflows import complaints, escalation, repair
from fieldapp.workflows.loaners import add_loaner, get_loaner, issue_loaner, loaner_state
from fieldapp.workflows.request_state import request_status

NOW: datetime  # this test's "now", and the customer's request two days before it
T0: datetime


@pytest.fixture(autouse=True)
def _now() -> None:
    """Read when each test starts, not at import: a module imported at one time and run at
    another (a travelled clock, see tests/conftest.py) recorded its steps in the future."""
    global NOW, T0
    NOW = utcnow()
    T0 = NOW - timedelta(days=2)


def at(minutes: int):
    return T0 + timedelta(minutes=minutes)


def sig(name: str, seed: int = 1) -> SignatureInput:
    return SignatureInput(name, signature_strokes(seed), PAD_WIDTH, PAD_HEIGHT)


def sync(laptop) -> None:
    report = run_sync_round(laptop.store, None, laptop.client)
    assert report.ok, report


def _centre_world(store) -> tuple[str, str]:
    with store.write() as session:
        customer = reference.create_customer(session, code="TJPORT", name="天津港信息中心",
                                             is_group=True, account_manager="陈晓红")
        site = reference.add_site(session, customer, name="机房", address="新港二号路35号",
                                  in_city=True)
        contact = reference.add_contact(session, customer, name="孙丽", phone="13900220000")
        device = reference.add_device(session, customer, device_type="打印机",
                                      device_class="printer", brand="惠普", model="M404dn",
                                      serial="CNB1234567", asset_tag="ZC-001", site=site)
        reference.create_contract(session, customer, number="FW-2026", starts_on=date(2020, 1, 1),
                                  ends_on=date(2099, 12, 31))
        e01 = reference.create_engineer(session, code="E01", name="刘洋", skills=["打印机"])
        reference.create_engineer(session, code="E02", name="张敏", skills=["打印机"])
        add_loaner(session, asset_tag="BJ-PRN-01", device_class="printer", grade="A")
        numbers = []
        for fault in ("打印机主板故障", "打印机卡纸"):
            numbers.append(service_requests.take_request(
                session, operator_code="C01", customer=customer, channel="onsite",
                fault_reported=fault, requested_at=T0, contact=contact, device=device,
                engineer=e01, now=NOW).number)
    return numbers[0], numbers[1]


def _derived(store) -> dict[str, tuple[str, str | None]]:
    with store.read() as session:
        out = {}
        for request in session.scalars(select(ServiceRequest)):
            engineer = escalation.assigned_engineer(session, request)
            out[request.number] = (request_status(session, request),
                                   engineer.code if engineer else None)
        return out


def _counts(session) -> tuple[int, int, int]:
    return (session.scalar(select(func.count()).select_from(Event)),
            session.scalar(select(func.count()).select_from(RepairOrder)),
            session.scalar(select(func.count()).select_from(Received)))


def test_repair_escalation_and_complaint_travel_through_the_archive(archive, laptops):
    centre, e01, e02 = laptops("centre"), laptops("e01"), laptops("e02")
    repair_request, other_request = _centre_world(centre.store)
    sync(centre)
    sync(e01)
    sync(e02)

    # Engineer A takes the printer away: the sealed intake, pushed from A's laptop.
    with e01.store.write() as session:
        request = service_requests.get_request(session, repair_request)
        order = repair.open_repair(session, request, reference.engineer_by_code(session, "E01"),
                                   repair.RepairIntake(
                                       company_contact="孙丽", fault_description="主板故障",
                                       received_at=at(5), arrived_at=at(60),
                                       departed_at=at(120), engineer_signature=sig("刘洋")),
                                   now=NOW)
        number = order.number
    sync(e01)

    # The workshop (service centre) estimates, gets the phone confirmation, repairs, lends.
    sync(centre)
    with centre.store.write() as session:
        order = repair.get_repair(session, number)
        assert repair.verify_repair_order(order)
        repair.estimate_repair(session, order, cost_fen=38000, expected_ready_at=at(1500),
                               estimated_by="王强", actor_code="W01", occurred_at=at(200))
        repair.confirm_repair(session, order, approved=True, method="phone", confirmed_by="孙丽",
                              phone="13900220000", actor_code="C01", occurred_at=at(230))
        issue_loaner(session, get_loaner(session, "BJ-PRN-01"), order,
                     engineer_signature=sig("刘洋"), customer_signature=sig("孙丽", 2),
                     actor_code="C01", occurred_at=at(240))
        repair.start_repair(session, order, actor_code="W01", occurred_at=at(260))
        repair.finish_repair(session, order, work_done="更换主板", actor_code="W01",
                             occurred_at=at(1400))
    sync(centre)

    # A returns it to the customer, on A's laptop.
    sync(e01)
    with e01.store.write() as session:
        order = repair.get_repair(session, number)
        assert repair.repair_state(session, order).status == "finished"
        repair.return_repair(session, order, final_fee_fen=38000,
                             customer_signature=sig("孙丽", 3), actor_code="E01",
                             occurred_at=at(1480))
    sync(e01)

    # Escalation on A's laptop: the customer wants another engineer (B).
    with e01.store.write() as session:
        request = service_requests.get_request(session, other_request)
        escalation.escalate_technical_ability(
            session, request, reason="多次未解决", requested_by="孙丽", decided_by="刘洋",
            to_engineer=reference.engineer_by_code(session, "E02"), actor_code="E01",
            occurred_at=at(300))
    sync(e01)

    # The complaint, recorded and answered at the service centre.
    with centre.store.write() as session:
        customer = service_requests.get_request(session, repair_request).customer
        complaint = complaints.open_complaint(
            session, customer=customer, about="engineer", subject_name="刘洋",
            description="上门迟到", received_via="phone", received_at=at(400), recorded_by="C01")
        complaints.respond_to_complaint(session, complaint, response="已致歉", responder="陈晓红",
                                        actor_code="C01", occurred_at=at(500))
        complaints.close_complaint(session, complaint, closed_by="陈晓红", actor_code="C01",
                                   occurred_at=at(600))
        complaint_number = complaint.number
    sync(centre)

    for laptop in (centre, e01, e02, centre, e01, e02):  # twice: nothing new the second time
        sync(laptop)

    # B's laptop has the request handed over, its history and the event; B is assigned.
    with e02.store.read() as session:
        request = service_requests.get_request(session, other_request)
        assert escalation.assigned_engineer(session, request).code == "E02"
        assert request.assigned_engineer.code == "E01"  # the row as taken, not rewritten
        assert escalation.request_state(session, request).count("technical_ability") == 1
    # Every laptop derives the same states as the archive.
    with archive.db.read() as session:
        order = repair.get_repair(session, number)
        assert repair.verify_repair_order(order)
        assert repair.repair_state(session, order).status == "returned"
        assert complaints.complaint_state(
            session, complaints.get_complaint(session, complaint_number)).status == "closed"
    derived = _derived(centre.store)
    assert derived[repair_request] == ("resolved", "E01")
    assert derived[other_request] == ("assigned", "E02")
    assert _derived(e01.store) == derived
    assert _derived(e02.store)[other_request] == derived[other_request]
    for laptop in (centre, e01):
        with laptop.store.read() as session:
            assert repair.repair_state(session, repair.get_repair(session, number)).status == (
                "returned")
            assert loaner_state(session, get_loaner(session, "BJ-PRN-01")).status == "out"

    # Nothing is stored twice, whatever the number of pushes.
    with archive.db.read() as session:
        before = _counts(session)
    with e01.store.read() as session:
        records = list(records_for(session, [
            outbox.Entry("events", e.id, 1) for e in session.scalars(select(Event))]).values())
        records += list(records_for(session, [
            outbox.Entry("repair_orders", o.id, 1)
            for o in session.scalars(select(RepairOrder))]).values())
    for _ in range(2):
        answer = e01.client.push(records, utcnow())
        assert {r["status"] for r in answer["results"]} == {"duplicate"}
    with archive.db.read() as session:
        assert _counts(session) == before


def test_a_refused_step_comes_back_refused_and_a_double_loan_is_a_recorded_conflict(
        archive, laptops):
    centre, e01 = laptops("centre"), laptops("e01")
    repair_request, _ = _centre_world(centre.store)
    with centre.store.write() as session:
        order = repair.open_repair(session, service_requests.get_request(session, repair_request),
                                   reference.engineer_by_code(session, "E01"), repair.RepairIntake(
                                       company_contact="孙丽", fault_description="主板故障",
                                       received_at=at(5), arrived_at=at(60),
                                       departed_at=at(120), engineer_signature=sig("刘洋")),
                                   now=NOW)
        repair.estimate_repair(session, order, cost_fen=100, expected_ready_at=at(1500),
                               estimated_by="王强", actor_code="W01", occurred_at=at(200))
        number = order.number
    sync(centre)
    sync(e01)
    # Apart: the centre records the customer's refusal, E01 the approval (and a loan each).
    with centre.store.write() as session:
        order = repair.get_repair(session, number)
        repair.confirm_repair(session, order, approved=False, method="phone",
                              confirmed_by="孙丽", actor_code="C01", occurred_at=at(220))
    with e01.store.write() as session:
        order = repair.get_repair(session, number)
        repair.confirm_repair(session, order, approved=True, method="phone",
                              confirmed_by="孙丽", actor_code="E01", occurred_at=at(230))
        issue_loaner(session, get_loaner(session, "BJ-PRN-01"), order,
                     engineer_signature=sig("刘洋"), customer_signature=sig("孙丽", 2),
                     actor_code="E01", occurred_at=at(240))
    with centre.store.write() as session:  # the centre lent the same loaner meanwhile
        issue_loaner(session, get_loaner(session, "BJ-PRN-01"), repair.get_repair(session, number),
                     engineer_signature=sig("王强"), customer_signature=sig("孙丽", 4),
                     actor_code="C01", occurred_at=at(235), goodwill=True)
    sync(centre)
    report = run_sync_round(e01.store, None, e01.client)
    assert len(report.refused) == 1 and report.refused[0].table == "events"
    assert "已确认" in report.refused[0].zh or "confirmed" in report.refused[0].en
    with e01.store.read() as session:  # still visible on the laptop, with the reason
        (waiting,) = outbox.refused(session)
        assert waiting.reason_en and session.get(Event, waiting.record_id) is not None
    # The loaner went out twice: both hand-overs are stored, the later one is the conflict
    # every machine's fold shows (not silently accepted as a second loan).
    sync(centre)
    for store in (archive.db, centre.store, e01.store):
        with store.read() as session:
            state = loaner_state(session, get_loaner(session, "BJ-PRN-01"))
            assert state.current is not None and state.current.issued_at == at(235)
            assert [c.code for c in state.conflicts] == ["lent_twice"]
