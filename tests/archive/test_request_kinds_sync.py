"""The intake channel and service kind travel with a request (issue 17); an older laptop
that pushes the old `channel` only is understood, a contradictory record is refused."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from fieldapp.base.timeutil import utcnow
from fieldapp.store.models import ServiceRequest
from fieldapp.sync.rounds import run_sync_round
from fieldapp.sync.wire import content_hash, read_record
from fieldapp.tools.demo import fill_demo


@pytest.fixture
def centre(archive, laptops):
    laptop = laptops("centre")
    fill_demo(laptop.store, requests=6)
    assert run_sync_round(laptop.store, None, laptop.client).ok
    return laptop


def _copy(centre, number: str, **changes) -> dict:
    """A stored request of the centre, as a new record (new id and number)."""
    with centre.store.read() as session:
        request_id = session.scalar(select(ServiceRequest.id))
        record = read_record(session, "service_requests", request_id)
    assert record is not None
    record["id"] = str(uuid.uuid4())
    record["row"].update(id=record["id"], number=number, **changes)
    return record


def test_the_new_fields_travel_and_arrive(archive, centre):
    with centre.store.read() as session:
        pushed = {r.id: (r.intake_channel, r.service_kind, r.hardware_fault)
                  for r in session.scalars(select(ServiceRequest))}
    with archive.db.read() as session:
        stored = {r.id: (r.intake_channel, r.service_kind, r.hardware_fault)
                  for r in session.scalars(select(ServiceRequest))}
    assert pushed and stored == pushed


def test_an_older_laptop_pushing_the_channel_only_is_understood(archive, centre):
    record = _copy(centre, "R-C01-20000101-901", channel="onsite")
    for key in ("intake_channel", "service_kind", "hardware_fault"):
        record["row"].pop(key)
    record["hash"] = content_hash(record)
    result = centre.client.push([record], utcnow())["results"][0]
    assert result["status"] == "accepted", result
    with archive.db.read() as session:
        stored = session.get_one(ServiceRequest, uuid.UUID(record["id"]))
        assert (stored.channel, stored.intake_channel, stored.service_kind,
                stored.hardware_fault) == ("onsite", "phone", "onsite", False)


def test_a_channel_that_contradicts_the_two_fields_is_refused_clearly(archive, centre):
    record = _copy(centre, "R-C01-20000101-902", channel="remote", intake_channel="letter",
                   service_kind="onsite")
    record["hash"] = content_hash(record)
    result = centre.client.push([record], utcnow())["results"][0]
    assert result["status"] == "refused" and result["code"] == "invalid"
    assert "不一致" in result["reason_zh"] and "does not match" in result["reason_en"]


def test_an_unknown_service_kind_is_refused_with_its_name(archive, centre):
    record = _copy(centre, "R-C01-20000101-903", service_kind="teleport")
    record["row"].pop("channel")
    record["hash"] = content_hash(record)
    result = centre.client.push([record], utcnow())["results"][0]
    assert result["status"] == "refused" and "teleport" in result["reason_en"]
