"""An engineer attaches pictures only to records of their own (issue 21): the archive's
ingest refuses an attachment row an engineer pushes onto another engineer's slip, repair
order or complaint (`owner_not_yours`, one line in zh and en), judged by the rule it
applies to the owning record itself; it accepts one on the engineer's own slip, also when
the new slip comes later in the same batch; the service centre attaches to any record; a
stored attachment never moves. One archive and one laptop for the module; the clock is
frozen at NOW and every push is given it."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from sqlalchemy import select

from fieldapp.archive import crud
from fieldapp.archive.db import Database
from fieldapp.archive.ingest import Outcome, ingest_batch
from fieldapp.archive.models import DeviceToken, User
from fieldapp.archive.rules import actor_for
from fieldapp.records import attachments, reference, service_requests, slips
from fieldapp.records.events import SignatureInput
from fieldapp.store import Store, open_store
from fieldapp.store.attachment_models import Attachment, OwnerKind
from fieldapp.store.blobs import blobs_beside
from fieldapp.sync.wire import content_hash, read_record
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from fieldapp.workflows import complaints, repair
from fieldapp.workflows.escalation import reassign_request
from tests.archive.report_data import archive_db, push
from tests.core.photo_samples import pdf

REQUESTED = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Tianjin
NOW = REQUESTED + timedelta(hours=6)


@dataclass
class World:
    store: Store
    archive: Database
    ids: dict[str, uuid.UUID]


def _make(store: Store) -> dict[str, uuid.UUID]:
    with store.write() as session:
        port = reference.create_customer(session, code="TJPORT", name="天津港信息中心")
        e07 = reference.create_engineer(session, code="E07", name="刘洋")
        e08 = reference.create_engineer(session, code="E08", name="王强")
        ids: dict[str, uuid.UUID] = {}
        for engineer in (e07, e08):
            request = service_requests.take_request(
                session, operator_code="C01", customer=port, channel="onsite",
                fault_reported="打印机卡纸", requested_at=REQUESTED, contact_name="孙丽",
                contact_phone="13900220000", engineer=engineer, now=REQUESTED)
            slip = slips.start_slip(session, request, engineer,
                                    now=REQUESTED + timedelta(minutes=70))
            ids[f"request_{engineer.code}"], ids[f"slip_{engineer.code}"] = request.id, slip.id
        # E07's slip on a request since given to E08: E07 may not record work on it
        handed = service_requests.take_request(
            session, operator_code="C01", customer=port, channel="onsite",
            fault_reported="电脑无法开机", requested_at=REQUESTED, contact_name="孙丽",
            contact_phone="13900220000", engineer=e07, now=REQUESTED)
        ids["slip_handed"] = slips.start_slip(session, handed, e07,
                                              now=REQUESTED + timedelta(minutes=70)).id
        reassign_request(session, handed, e08, reason="E07 请假", decided_by="陈晓红",
                         actor_code="C01", occurred_at=NOW - timedelta(hours=1), now=NOW)
        order = repair.open_repair(session, session.get_one(
            service_requests.ServiceRequest, ids["request_E08"]), e08, repair.RepairIntake(
            company_contact="孙丽", contact_phone="13900220000",
            fault_description="打印机主板故障，现场无法修复",
            received_at=REQUESTED + timedelta(minutes=5),
            arrived_at=REQUESTED + timedelta(minutes=70),
            departed_at=REQUESTED + timedelta(minutes=150),
            engineer_signature=SignatureInput("王强", signature_strokes(1), PAD_WIDTH,
                                              PAD_HEIGHT)), now=NOW)
        # about E07, recorded by E08: E07 may not add to it
        complaint = complaints.open_complaint(
            session, customer=port, about="engineer", description="工程师迟到一小时",
            received_via="phone", received_at=NOW, recorded_by="E08", engineer=e07, now=NOW)
        session.flush()
        ids |= {"repair_E08": order.id, "complaint_E08": complaint.id}
        return ids


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder: Path = tmp_path_factory.mktemp("attachment-owners")
    with time_machine.travel(NOW, tick=False):
        store = open_store(folder / "laptop")
        archive = archive_db(folder)
        try:
            ids = _make(store)
            push(store, archive, client_time=NOW)  # everything, as the service centre
            with archive.write() as session:
                for name, role, code in (("e07", "engineer", "E07"), ("e08", "engineer", "E08"),
                                         ("centre", "staff", "")):
                    crud.create_user(session, name=name, password=secrets.token_urlsafe(12),
                                     role=role, engineer_code=code)
            yield World(store, archive, ids)
        finally:
            store.close()
            archive.close()


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def picture(world: World, owner: str, by: str) -> dict[str, Any]:
    """A picture attached on the laptop by `by` to the record `owner`, as pushed."""
    kind = {"slip": OwnerKind.SLIP, "repair": OwnerKind.REPAIR,
            "complaint": OwnerKind.COMPLAINT}[owner.split("_")[0]]
    with world.store.write() as session:
        row = attachments.attach(session, blobs_beside(world.store.path), owner_kind=kind,
                                 owner_id=world.ids[owner], data=pdf(3000), name="照片.pdf",
                                 actor_code=by, now=NOW)
        session.flush()
        record = read_record(session, "attachments", row.id)
    assert record is not None
    return record


def pushed_by(world: World, user: str, records: list[dict[str, Any]]) -> list[Outcome]:
    with world.archive.write() as session:
        account = session.scalar(select(User).where(User.name == user))
        assert account is not None
        device, _ = crud.enrol_device(session, user=account, label=f"laptop-{user}")
        actor = actor_for(session, account, session.get_one(DeviceToken, device.id))
        return ingest_batch(session, actor=actor, records=records, client_time=NOW, now=NOW)


def stored(world: World, record: dict[str, Any]) -> bool:
    with world.archive.read() as session:
        return session.get(Attachment, uuid.UUID(record["id"])) is not None


def test_an_engineer_attaches_to_their_own_slip(world):
    record = picture(world, "slip_E07", "E07")
    [outcome] = pushed_by(world, "e07", [record])
    assert outcome.status == "accepted", outcome
    assert stored(world, record)


@pytest.mark.parametrize(("owner", "zh", "en"), [
    ("slip_E08", "附件所属的服务单 S-E08-", "The slip S-E08-"),
    ("repair_E08", "附件所属的送修单 P-E08-", "The repair order P-E08-"),
    ("complaint_E08", "附件所属的投诉 C-", "The complaint C-"),
], ids=["slip", "repair", "complaint"])
def test_an_engineer_may_not_attach_to_another_engineers_record(world, owner, zh, en):
    record = picture(world, owner, "E07")  # added_by is E07's own: only the owner is wrong
    [outcome] = pushed_by(world, "e07", [record])
    assert (outcome.status, outcome.code) == ("refused", "owner_not_yours"), outcome
    assert outcome.zh.startswith(zh) and "E07 不能为它添加图片或文件" in outcome.zh
    assert outcome.en.startswith(en) and "is not yours; E07 may not add pictures" in outcome.en
    assert "\n" not in outcome.zh + outcome.en
    assert not stored(world, record)


def test_an_engineer_may_not_attach_to_their_slip_on_a_request_given_to_another(world):
    record = picture(world, "slip_handed", "E07")
    [outcome] = pushed_by(world, "e07", [record])
    assert (outcome.status, outcome.code) == ("refused", "not_assigned"), outcome
    assert outcome.zh.startswith("附件所属的服务单 S-E07-") and "现由 E08 负责" in outcome.zh
    assert outcome.en.startswith("The slip S-E07-") and "is assigned to E08" in outcome.en
    assert not stored(world, record)
    # the service centre may
    assert [o.status for o in pushed_by(world, "centre", [picture(
        world, "slip_handed", "C01")])] == ["accepted"]


def test_the_owner_later_in_the_same_batch_is_judged_as_the_batch_brings_it(world):
    """A new slip's pictures travel before it: E08's new slip and E07's picture on it are
    both refused; E07's own new slip and its picture are both accepted."""
    with world.store.write() as session:
        engineers = {code: reference.engineer_by_code(session, code) for code in ("E07", "E08")}
        new = {code: slips.start_slip(session, session.get_one(
            service_requests.ServiceRequest, world.ids[f"request_{code}"]), engineers[code],
            now=NOW).id for code in ("E07", "E08")}
    for code, expected in (("E08", {"owner_not_yours", "not_yours"}), ("E07", {""})):
        world.ids[f"slip_new_{code}"] = new[code]
        attached = picture(world, f"slip_new_{code}", "E07")
        with world.store.read() as session:
            slip_record = read_record(session, "slips", new[code])
        outcomes = pushed_by(world, "e07", [attached, slip_record])
        assert {o.code for o in outcomes} == expected, outcomes
        assert stored(world, attached) == (code == "E07")


def test_a_picture_whose_record_comes_in_a_later_batch_is_accepted(world):
    """The laptop pushes 250 records a batch, attachments first: the owner may follow."""
    with world.store.write() as session:
        request = session.get_one(service_requests.ServiceRequest, world.ids["request_E07"])
        world.ids["slip_later_E07"] = slips.start_slip(
            session, request, reference.engineer_by_code(session, "E07"), now=NOW).id
    attached = picture(world, "slip_later_E07", "E07")
    assert [o.status for o in pushed_by(world, "e07", [attached])] == ["accepted"]
    with world.store.read() as session:
        slip_record = read_record(session, "slips", world.ids["slip_later_E07"])
    assert [o.status for o in pushed_by(world, "e07", [slip_record])] == ["accepted"]


def test_the_service_centre_attaches_to_any_record(world):
    records = [picture(world, owner, "C01") for owner in ("slip_E08", "repair_E08",
                                                          "complaint_E08")]
    outcomes = pushed_by(world, "centre", records)
    assert [o.status for o in outcomes] == ["accepted"] * 3, outcomes


def test_a_stored_attachment_never_moves_to_another_record(world):
    record = picture(world, "slip_E07", "E07")
    assert [o.status for o in pushed_by(world, "e07", [record])] == ["accepted"]
    for user in ("e07", "centre"):
        moved = {**record, "row": {**record["row"], "owner_id": str(world.ids["slip_E08"]),
                                   "updated_at": (NOW + timedelta(minutes=1)).isoformat()}}
        moved["hash"] = content_hash(moved)
        [outcome] = pushed_by(world, user, [moved])
        assert (outcome.status, outcome.code) == ("refused", "attachment_moved"), outcome
    with world.archive.read() as session:
        assert session.get_one(Attachment, uuid.UUID(record["id"])).owner_id == world.ids[
            "slip_E07"]


def test_the_attachment_row_of_another_engineer_is_still_refused(world):
    """The row's own author (`added_by`), checked before its record."""
    record = picture(world, "slip_E07", "E08")
    [outcome] = pushed_by(world, "e07", [record])
    assert (outcome.status, outcome.code) == ("refused", "not_yours"), outcome
