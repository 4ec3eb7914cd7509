"""Order never depends on laptop clocks: a laptop whose clock was reset to a past year
syncs as usual (its records reach the others through the archive's own sequence), and
its clock is flagged on both sides; the archive keeps both clocks as evidence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from fieldapp.archive.models import DeviceToken, Received
from fieldapp.records import service_requests
from fieldapp.records.reference import engineer_by_code
from fieldapp.store import outbox
from fieldapp.store.models import Customer, ServiceRequest
from fieldapp.sync import rounds
from fieldapp.tools.demo import fill_demo

PAST = datetime(2019, 6, 1, 1, 0, tzinfo=UTC)


def test_a_laptop_clock_reset_to_a_past_year_breaks_nothing_and_is_flagged(
        archive, laptops, monkeypatch):
    centre = laptops("centre")
    fill_demo(centre.store, requests=6)
    assert rounds.run_sync_round(centre.store, None, centre.client).ok
    e01 = laptops("e01")
    assert rounds.run_sync_round(e01.store, None, e01.client).ok

    # the centre laptop's battery died: its clock says 2019
    monkeypatch.setattr(rounds, "utcnow", lambda: PAST)
    monkeypatch.setattr(outbox, "utcnow", lambda: PAST)
    with centre.store.write() as session:
        customer = session.scalar(select(Customer).order_by(Customer.code))
        request = service_requests.take_request(
            session, operator_code="C01", customer=customer, channel="phone",
            fault_reported="网络中断", requested_at=PAST - timedelta(hours=1),
            contact_name="孙丽", engineer=engineer_by_code(session, "E01"), now=PAST)
    report = rounds.run_sync_round(centre.store, None, centre.client)

    assert report.ok and report.accepted == 1
    assert report.clock_skew_flagged and report.clock_skew_seconds < -5 * 365 * 86400
    later = rounds.run_sync_round(e01.store, None, e01.client)  # seq order, not laptop time
    assert later.ok and later.pulled >= 1
    with e01.store.read() as session:
        assert session.get(ServiceRequest, request.id) is not None
    with archive.db.read() as session:
        received = session.scalar(select(Received).where(Received.record_id == request.id))
        assert received.laptop_time == PAST and received.received_at > PAST + timedelta(days=365)
        device = session.get_one(DeviceToken, received.device_id)
        assert device.clock_skew_seconds < -5 * 365 * 86400
