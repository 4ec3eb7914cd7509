"""A repair quotation travels (R3.2): the workshop's lines and validity pushed from the
service centre, the customer's approval given on the portal (recorded by the archive as
WEB), pulled by the laptops, which then may start the repair — on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from fieldapp.archive.models import User
from fieldapp.archive.portal.estimates import answer_estimate
from fieldapp.base.timeutil import utcnow
from fieldapp.records import reference, service_requests
from fieldapp.records.events import SignatureInput
from fieldapp.rules.validation import FeeLineInput
from fieldapp.store.workflow_models import Event
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from fieldapp.workflows import repair

LINES = (FeeLineInput("parts", "主板", Decimal(1), Decimal("320.00")),
         FeeLineInput("labour", "更换工时", Decimal("1.5"), Decimal("40.00")))


def sync(laptop) -> None:  # type: ignore[no-untyped-def]
    report = run_sync_round(laptop.store, None, laptop.client)
    assert report.ok, report


def _centre_world(store, requested):  # type: ignore[no-untyped-def]
    """The service centre's reference data and a request of 天津港 assigned to E01."""
    with store.write() as session:
        customer = reference.create_customer(session, code="TJPORT", name="天津港信息中心",
                                             is_group=True)
        contact = reference.add_contact(session, customer, name="孙丽", phone="13900220000")
        device = reference.add_device(session, customer, device_type="打印机",
                                      device_class="printer", brand="惠普", model="M404dn",
                                      serial="CNB1234567")
        reference.create_contract(session, customer, number="FW-2026", starts_on=date(2020, 1, 1),
                                  ends_on=date(2099, 12, 31))
        e01 = reference.create_engineer(session, code="E01", name="刘洋")
        return service_requests.take_request(
            session, operator_code="C01", customer=customer, channel="onsite",
            fault_reported="打印机主板故障", requested_at=requested, contact=contact,
            device=device, engineer=e01, now=utcnow()).number


def test_a_portal_approval_reaches_the_laptops_and_lets_the_repair_start(archive, laptops):
    centre, e01 = laptops("centre"), laptops("e01")
    t0 = utcnow() - timedelta(days=2)

    def at(minutes: int):  # type: ignore[no-untyped-def]
        return t0 + timedelta(minutes=minutes)

    sig = SignatureInput("刘洋", signature_strokes(1), PAD_WIDTH, PAD_HEIGHT)
    request_number = _centre_world(centre.store, t0)
    sync(centre)
    sync(e01)
    with e01.store.write() as session:
        request = service_requests.get_request(session, request_number)
        number = repair.open_repair(
            session, request, reference.engineer_by_code(session, "E01"), repair.RepairIntake(
                company_contact="孙丽", fault_description="主板故障", received_at=at(5),
                arrived_at=at(60), departed_at=at(120), engineer_signature=sig)).number
    sync(e01)
    sync(centre)
    now = utcnow()
    with centre.store.write() as session:
        estimate = repair.estimate_repair(
            session, repair.get_repair(session, number),
            lines=[repair.EstimateLine.of(line) for line in LINES], expected_ready_at=at(1500),
            valid_until=now + (now - at(0)), estimated_by="王强", actor_code="W01",
            occurred_at=at(200))
    sync(centre)

    with archive.db.write() as session:  # the customer, on the portal
        user = User(id=uuid.uuid4(), name="tjport", password_hash="-", role="customer",
                    customer_code="TJPORT")
        session.add(user)
        session.flush()
        order = repair.get_repair(session, number)
        assert repair.repair_state(session, order).estimate_fen == 32_000 + 6_000
        customer_id, order_id = order.request.customer_id, order.id
    answer_estimate(archive.db, user=user, customer_id=customer_id, repair_id=order_id,
                    decision="approved", confirmed_by="孙丽", estimate_id=str(estimate.id),
                    now=utcnow())

    for laptop in (e01, centre):
        sync(laptop)
        with laptop.store.read() as session:
            state = repair.repair_state(session, repair.get_repair(session, number))
            assert (state.status, state.confirmation_method, state.confirmed_by) == (
                "approved", "portal", "孙丽")
            assert session.scalar(select(Event.actor_code).where(
                Event.kind == "repair.confirmed")) == "WEB"
    with centre.store.write() as session:
        repair.start_repair(session, repair.get_repair(session, number), actor_code="W01",
                            occurred_at=utcnow())
    sync(centre)
    with archive.db.read() as session:
        assert repair.repair_state(session, repair.get_repair(session, number)).status == (
            "in_repair")
