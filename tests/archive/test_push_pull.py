"""Push and pull between real laptop stores and the real archive over loopback sockets."""

from __future__ import annotations

from sqlalchemy import func, select

from fieldapp.archive.models import Received
from fieldapp.store import outbox
from fieldapp.store.models import FeeLine, ServiceRequest, Signature, Slip, SyncOutbox
from fieldapp.store.tables import SYNC_MODELS
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import fill_demo


def counts(session) -> dict[str, int]:
    tables = {**SYNC_MODELS, "fee_lines": FeeLine, "signatures": Signature}
    return {name: session.scalar(select(func.count()).select_from(model))
            for name, model in tables.items()}


def test_staff_laptop_pushes_everything_once_and_the_archive_holds_it(archive, laptops):
    laptop = laptops("centre")
    fill_demo(laptop.store, requests=16)
    with laptop.store.read() as session:
        queued = outbox.count(session)
        here = counts(session)
    assert queued > 0

    report = run_sync_round(laptop.store, None, laptop.client, push_batch=25)

    assert report.ok, report
    assert report.accepted == queued and report.duplicate == 0 and not report.refused
    with laptop.store.read() as session:
        assert session.scalar(select(func.count()).select_from(SyncOutbox)) == 0
    with archive.db.read() as session:
        assert counts(session) == here
        assert session.scalar(select(func.count()).select_from(Received)) == queued
    again = run_sync_round(laptop.store, None, laptop.client)
    assert again.ok and again.pushed == 0


def test_sealed_slips_arrive_with_a_seal_the_archive_recomputed(archive, laptops):
    laptop = laptops("centre")
    fill_demo(laptop.store, requests=8)
    assert run_sync_round(laptop.store, None, laptop.client).ok
    with laptop.store.read() as session:
        sealed = session.scalars(select(Slip.id).where(Slip.seal.is_not(None))).all()
    assert sealed
    for slip_id in sealed:
        answer = laptop.client._request("GET", f"/slips/{slip_id}")
        assert answer["sealed"] and answer["seal_ok"], answer


def test_pushing_the_same_records_again_is_answered_duplicate_and_stores_nothing(
        archive, laptops):
    laptop = laptops("centre")
    fill_demo(laptop.store, requests=8)
    from fieldapp.base.timeutil import utcnow
    from fieldapp.sync.rounds import records_for

    with laptop.store.read() as session:
        records = list(records_for(session, outbox.pending(session, 1000)).values())
    first = laptop.client.push(records, utcnow())
    assert {r["status"] for r in first["results"]} == {"accepted"}
    with archive.db.read() as session:
        before = (counts(session), session.scalar(select(func.count()).select_from(Received)))
    for _ in range(3):
        again = laptop.client.push(records, utcnow())
        assert {r["status"] for r in again["results"]} == {"duplicate"}
    with archive.db.read() as session:
        after = (counts(session), session.scalar(select(func.count()).select_from(Received)))
    assert after == before


def test_an_engineer_pulls_reference_data_and_only_their_own_requests(archive, laptops):
    centre = laptops("centre")
    fill_demo(centre.store, requests=24)
    assert run_sync_round(centre.store, None, centre.client).ok

    e01 = laptops("e01")
    report = run_sync_round(e01.store, None, e01.client, pull_page=7)
    assert report.ok and report.pages > 1 and report.pulled > 0

    with archive.db.read() as session:
        from fieldapp.store.models import Engineer

        me = session.scalar(select(Engineer.id).where(Engineer.code == "E01"))
        mine = set(session.scalars(select(ServiceRequest.id)
                                   .where(ServiceRequest.assigned_engineer_id == me)))
        devices = set(session.scalars(select(ServiceRequest.device_id)
                                      .where(ServiceRequest.assigned_engineer_id == me)))
        all_customers = counts(session)["customers"]
    with e01.store.read() as session:
        local = session.execute(select(ServiceRequest.id, ServiceRequest.device_id)).all()
        assert counts(session)["customers"] == all_customers
        assert session.scalar(select(func.count()).select_from(SyncOutbox)) == 0
    local_ids = {r.id for r in local}
    assert mine <= local_ids
    # anything else is there only as the history of a device in one of my requests
    assert all(r.id in mine or r.device_id in devices for r in local)
    assert local_ids != set() and len(local_ids) < 24


def test_a_second_pull_brings_only_what_changed(archive, laptops):
    centre = laptops("centre")
    fill_demo(centre.store, requests=8)
    run_sync_round(centre.store, None, centre.client)
    e02 = laptops("e02")
    assert run_sync_round(e02.store, None, e02.client).pulled > 0
    again = run_sync_round(e02.store, None, e02.client)
    assert again.ok and again.pulled == 0


def test_what_a_laptop_pushed_does_not_come_back_to_it_but_reaches_the_others(
        archive, laptops):
    centre = laptops("centre")
    fill_demo(centre.store, requests=8)
    first = run_sync_round(centre.store, None, centre.client)
    assert first.ok and first.accepted > 0
    pulled = centre.client.pull(0, 1000)["records"]
    assert pulled == [] and first.pulled == 0  # nothing sent back over a slow line
    second_centre = laptops("centre", "laptop-centre-2")  # same user, its own device
    assert run_sync_round(second_centre.store, None, second_centre.client).pulled > 0
    with centre.store.read() as session, second_centre.store.read() as other:
        assert counts(session) == counts(other)
