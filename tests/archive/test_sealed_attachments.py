"""A sealed slip's pictures stay as sealed at the archive too (issue 21): the archive's
ingest refuses an attachment row that adds to, removes from or changes the pictures of a
slip the archive holds sealed (`attachment_sealed`, one line in zh and en naming the
slip), whoever pushes it; the same pictures pushed again are duplicates. A slip sealed in
the same batch as its pictures is judged by that batch's seal: the pictures it lists are
accepted (also a removal or a caption changed on the draft before signing), one more is
refused. A slip sealed in a later batch cannot be known when its pictures come: its own
seal check refuses it then (`seal_mismatch`) if the archive lacks a picture it lists, has
one more, or has one differently. One archive and one laptop for the module; the clock
is frozen at NOW and every push is given it."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.archive import crud
from fieldapp.archive.db import Database
from fieldapp.archive.ingest import Outcome, ingest_batch
from fieldapp.archive.models import DeviceToken, User
from fieldapp.archive.rules import actor_for
from fieldapp.records import attachments, reference, service_requests, slips
from fieldapp.rules.validation import FeeLineInput
from fieldapp.store import Store, open_store
from fieldapp.store.attachment_models import Attachment, AttachmentKind, OwnerKind
from fieldapp.store.blobs import blobs_beside
from fieldapp.store.models import Customer, Slip
from fieldapp.sync.wire import content_hash, read_record
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from tests.archive.report_data import archive_db, push, push_records
from tests.core.photo_samples import pdf

REQUESTED = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Tianjin
NOW = REQUESTED + timedelta(hours=6)
LATER = NOW + timedelta(minutes=5)  # a forged row's updated_at


@dataclass
class World:
    store: Store
    archive: Database
    ids: dict[str, uuid.UUID]


_SIZES = iter(range(3000, 10**6, 37))  # each picture its own file


def _picture(session: Session, store: Store, slip_id: uuid.UUID, caption: str,
             kind: str = AttachmentKind.BEFORE) -> uuid.UUID:
    row = attachments.attach(session, blobs_beside(store.path), owner_kind=OwnerKind.SLIP,
                             owner_id=slip_id, data=pdf(next(_SIZES)), name="照片.pdf",
                             caption=caption, kind=kind, actor_code="E07", now=NOW)
    session.flush()
    return row.id


def _new_slip(session: Session) -> Slip:
    """A draft slip of E07's on a new request of the port's, assigned to E07."""
    engineer = reference.engineer_by_code(session, "E07")
    port = session.scalars(select(Customer).where(Customer.code == "TJPORT")).one()
    request = service_requests.take_request(
        session, operator_code="C01", customer=port, channel="onsite",
        fault_reported="打印机卡纸", requested_at=REQUESTED, contact_name="孙丽",
        contact_phone="13900220000", engineer=engineer, now=REQUESTED)
    slip = slips.start_slip(session, request, engineer, now=NOW - timedelta(minutes=90))
    session.flush()
    return slip


def _sign(session: Session, slip: Slip) -> None:
    """Fill in, price and sign the draft: both signatures seal it."""
    start = NOW - timedelta(minutes=90)
    slips.update_slip(session, slip, {
        "arrived_at": start + timedelta(minutes=1), "started_at": start + timedelta(minutes=2),
        "solved_at": start + timedelta(minutes=30), "departed_at": start + timedelta(minutes=35),
        "fault_found": "搓纸轮磨损", "handling": "更换搓纸轮", "result": "solved"}, now=NOW)
    slips.set_fee_lines(session, slip, [FeeLineInput("labour", "上门服务费", Decimal(1),
                                                     Decimal(120))])
    for role, name in (("engineer", "刘洋"), ("customer", "孙丽")):
        slips.sign_slip(session, slip, role=role, signer_name=name,
                        strokes=signature_strokes(len(name)), pad_width=PAD_WIDTH,
                        pad_height=PAD_HEIGHT, signed_at=start + timedelta(minutes=36), now=NOW)
    assert slip.is_sealed


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder: Path = tmp_path_factory.mktemp("sealed-attachments")
    with time_machine.travel(NOW, tick=False):
        store = open_store(folder / "laptop")
        archive = archive_db(folder)
        try:
            with store.write() as session:
                reference.create_customer(session, code="TJPORT", name="天津港信息中心")
                reference.create_engineer(session, code="E07", name="刘洋")
                sealed, draft = _new_slip(session), _new_slip(session)
                ids = {"sealed": sealed.id, "draft": draft.id,
                       "before": _picture(session, store, sealed.id, "维修前整机"),
                       "plate": _picture(session, store, sealed.id, "铭牌",
                                         AttachmentKind.SERIAL_PLATE)}
                _sign(session, sealed)
            push(store, archive, client_time=NOW)  # all of it, in the laptop's order
            with archive.write() as session:
                crud.create_user(session, name="e07", password=secrets.token_urlsafe(12),
                                 role="engineer", engineer_code="E07")
            yield World(store, archive, ids)
        finally:
            store.close()
            archive.close()


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def record(world: World, table: str, record_id: uuid.UUID) -> dict[str, Any]:
    """The record as the laptop pushes it."""
    with world.store.read() as session:
        found = read_record(session, table, record_id)
    assert found is not None
    return found


def forged(original: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """What a modified laptop sends: the record changed, its hash made to match."""
    row = {**original["row"], **changes, "updated_at": LATER.isoformat()}
    out = {**original, "id": row["id"], "row": row}
    out["hash"] = content_hash(out)
    return out


def pushed(world: World, records: list[dict[str, Any]], user: str = "loader"
           ) -> list[Outcome]:
    """One batch through the archive's ingest: as the service centre (which may push
    any record, the seal's key registered), or as the engineer E07 from their laptop."""
    if user == "loader":
        return push_records(world.archive, records, NOW)
    with world.archive.write() as session:
        account = session.scalar(select(User).where(User.name == user))
        assert account is not None
        device, _ = crud.enrol_device(session, user=account, label=f"laptop-{user}")
        actor = actor_for(session, account, session.get_one(DeviceToken, device.id))
        return ingest_batch(session, actor=actor, records=records, client_time=NOW, now=NOW)


def new_slip(world: World) -> uuid.UUID:
    """A draft slip on a new request; the request is at the archive already."""
    with world.store.write() as session:
        slip = _new_slip(session)
        request_id = slip.request_id
    assert [o.status for o in pushed(world, [record(world, "service_requests", request_id)])
            ] == ["accepted"]
    return slip.id


def at_archive(world: World, attachment_id: Any) -> Attachment | None:
    with world.archive.read() as session:
        found = session.get(Attachment, uuid.UUID(str(attachment_id)))
        if found is not None:
            session.expunge(found)
        return found


def sealed_at_archive(world: World, slip_id: uuid.UUID) -> bool:
    with world.archive.read() as session:
        slip = session.get(Slip, slip_id)
        return slip is not None and slip.seal is not None


def number(world: World, slip: str) -> str:
    return str(record(world, "slips", world.ids[slip])["row"]["number"])


def assert_refused(outcome: Outcome, zh: str, en: str) -> None:
    assert (outcome.status, outcome.code) == ("refused", "attachment_sealed"), outcome
    assert (outcome.zh, outcome.en) == (zh, en)
    assert "\n" not in outcome.zh + outcome.en


def not_listed(number: str) -> tuple[str, str]:
    return (f"服务单 {number} 已封存，封存内容中没有这张图片或文件；封存后添加请新建更正单。",
            f"Slip {number} is sealed and its seal does not list this picture or file; add it "
            "to an amendment.")


def frozen(number: str) -> tuple[str, str]:
    return (f"服务单 {number} 已封存，它的图片和文件不能再修改或删除；请新建更正单。",
            f"Slip {number} is sealed: its pictures and files cannot change or be removed; "
            "start an amendment.")


def a_new_picture(world: World, slip: str) -> dict[str, Any]:
    """A picture the laptop would refuse to add to a sealed slip, as a modified one sends
    it: attached to the draft, then named as the sealed slip's."""
    with world.store.write() as session:
        picture_id = _picture(session, world.store, world.ids["draft"], "后补的照片",
                              AttachmentKind.DAMAGE)
    return forged(record(world, "attachments", picture_id), owner_id=str(world.ids[slip]))


@pytest.mark.parametrize("user", ["e07", "loader"], ids=["engineer", "service-centre"])
def test_a_picture_added_to_a_sealed_slip_is_refused(world, user):
    extra = a_new_picture(world, "sealed")
    [outcome] = pushed(world, [extra], user)
    assert_refused(outcome, *not_listed(number(world, "sealed")))
    assert at_archive(world, extra["id"]) is None


def test_a_second_copy_of_a_sealed_picture_is_refused(world):
    """Its hash, caption and kind are ones the seal lists, but once."""
    copy_id = str(uuid.uuid4())
    copy = forged(record(world, "attachments", world.ids["before"]), id=copy_id)
    [outcome] = pushed(world, [copy], "e07")
    assert_refused(outcome, *not_listed(number(world, "sealed")))
    assert at_archive(world, copy_id) is None


def test_removing_a_sealed_picture_is_refused(world):
    removed = forged(record(world, "attachments", world.ids["before"]),
                     removed_at=LATER.isoformat(), removed_by="E07")
    [outcome] = pushed(world, [removed], "e07")
    assert_refused(outcome, *frozen(number(world, "sealed")))
    kept = at_archive(world, world.ids["before"])
    assert kept is not None and kept.removed_at is None


@pytest.mark.parametrize("user", ["e07", "loader"], ids=["engineer", "service-centre"])
def test_changing_a_sealed_pictures_caption_is_refused(world, user):
    changed = forged(record(world, "attachments", world.ids["plate"]), caption="铭牌（已更换）")
    [outcome] = pushed(world, [changed], user)
    assert_refused(outcome, *frozen(number(world, "sealed")))
    kept = at_archive(world, world.ids["plate"])
    assert kept is not None and kept.caption == "铭牌"


def test_the_sealed_slip_and_its_pictures_pushed_again_are_duplicates(world):
    """Exactly-once sync: a retry of what the archive holds is acknowledged, not refused."""
    again = [record(world, "attachments", world.ids[name]) for name in ("before", "plate")]
    assert [o.status for o in pushed(world, again, "e07")] == ["duplicate"] * 2
    again.append(record(world, "slips", world.ids["sealed"]))
    assert [o.status for o in pushed(world, again)] == ["duplicate"] * 3


def test_a_draft_slips_picture_is_accepted(world):
    with world.store.write() as session:
        picture_id = _picture(session, world.store, world.ids["draft"], "故障部位")
    [outcome] = pushed(world, [record(world, "attachments", picture_id)], "e07")
    assert outcome.status == "accepted", outcome
    assert at_archive(world, picture_id) is not None


def test_a_slip_sealed_in_the_same_batch_brings_the_pictures_its_seal_lists(world):
    """Pushed while a draft: two pictures. Then, on the draft, one removed, the other's
    caption changed, a third added; signed. The next push (pictures before the slip)
    carries the removal, the change, the new picture and the sealed slip: all accepted."""
    slip_id = new_slip(world)
    with world.store.write() as session:
        first = _picture(session, world.store, slip_id, "拍糊了")
        second = _picture(session, world.store, slip_id, "旧铭牌", AttachmentKind.SERIAL_PLATE)
    ids = [first, second]
    draft = [record(world, "attachments", i) for i in ids] + [record(world, "slips", slip_id)]
    assert [o.status for o in pushed(world, draft)] == ["accepted"] * 3
    with world.store.write() as session:
        attachments.remove_attachment(session, first, actor_code="E07", now=NOW)
        attachments.edit_attachment(session, second, caption="铭牌")
        ids.append(_picture(session, world.store, slip_id, "维修后", AttachmentKind.AFTER))
        _sign(session, session.get_one(Slip, slip_id))
    batch = [record(world, "attachments", i) for i in ids] + [record(world, "slips", slip_id)]
    outcomes = pushed(world, batch)
    assert [o.status for o in outcomes] == ["accepted"] * 4, outcomes
    assert sealed_at_archive(world, slip_id)
    removed = at_archive(world, first)
    assert removed is not None and removed.removed_at is not None


def test_a_picture_the_seal_does_not_list_is_refused_in_the_sealing_batch(world):
    """The extra picture is refused; the slip and the picture it lists are stored."""
    world.ids["sealed_in_batch"] = slip_id = new_slip(world)
    with world.store.write() as session:
        listed = _picture(session, world.store, slip_id, "维修前")
        _sign(session, session.get_one(Slip, slip_id))
    extra = a_new_picture(world, "sealed_in_batch")
    outcomes = pushed(world, [record(world, "attachments", listed), extra,
                              record(world, "slips", slip_id)])
    assert [o.status for o in outcomes] == ["accepted", "refused", "accepted"], outcomes
    assert_refused(outcomes[1], *not_listed(number(world, "sealed_in_batch")))
    assert sealed_at_archive(world, slip_id)
    assert at_archive(world, extra["id"]) is None


def test_removing_a_picture_the_seal_lists_is_refused_in_the_sealing_batch(world):
    """Pushed while a draft, then the slip sealed with it: a removal sent with the seal
    is refused (the seal still needs it) and the slip is stored with the picture."""
    slip_id = new_slip(world)
    with world.store.write() as session:
        listed = _picture(session, world.store, slip_id, "维修前")
    assert [o.status for o in pushed(world, [record(world, "attachments", listed),
                                             record(world, "slips", slip_id)])] == [
        "accepted"] * 2
    with world.store.write() as session:
        slip = session.get_one(Slip, slip_id)
        _sign(session, slip)
        slip_number = slip.number
    removed = forged(record(world, "attachments", listed), removed_at=LATER.isoformat(),
                     removed_by="E07")
    outcomes = pushed(world, [removed, record(world, "slips", slip_id)])
    assert [o.status for o in outcomes] == ["refused", "accepted"], outcomes
    assert_refused(outcomes[0], f"服务单 {slip_number} 的封存内容包含这张图片或文件，不能删除。",
                   f"Slip {slip_number}'s seal lists this picture or file; it cannot be "
                   "removed.")
    kept = at_archive(world, listed)
    assert kept is not None and kept.removed_at is None


Earlier = Callable[[World, dict[str, Any], str], list[dict[str, Any]]]
EARLIER: dict[str, Earlier] = {
    # the batch before the slip's: what the archive then holds of the slip's pictures
    "lacks-one": lambda world, listed, slip: [],
    "has-one-more": lambda world, listed, slip: [listed, a_new_picture(world, slip)],
    "has-one-differently": lambda world, listed, slip: [forged(listed, caption="维修后")],
}


@pytest.mark.parametrize("earlier", list(EARLIER))
def test_a_slip_sealed_in_a_later_batch_is_refused_by_its_own_seal_check(world, earlier):
    """Its pictures came in an earlier batch, the slip a draft at the archive: they are
    not judged by a seal not yet there. The slip's own seal check compares its seal with
    the pictures the archive then holds."""
    world.ids[f"later_{earlier}"] = slip_id = new_slip(world)
    with world.store.write() as session:
        listed = _picture(session, world.store, slip_id, "维修前")
        _sign(session, session.get_one(Slip, slip_id))
    first = EARLIER[earlier](world, record(world, "attachments", listed), f"later_{earlier}")
    assert {o.status for o in pushed(world, first)} <= {"accepted"}
    [outcome] = pushed(world, [record(world, "slips", slip_id)])
    assert (outcome.status, outcome.code) == ("refused", "seal_mismatch"), outcome
    assert "Changed after sealing: attachments" in outcome.en
    assert not sealed_at_archive(world, slip_id)


def test_an_amendment_carries_the_sealed_pictures_and_one_more(world):
    """A picture added after sealing belongs to an amendment: a new slip that starts with
    the sealed slip's pictures (new rows), sealed with its own."""
    with world.store.write() as session:
        original = session.get_one(Slip, world.ids["sealed"])
        amendment = slips.amend_slip(session, original, reason="补拍损坏部位",
                                     engineer=reference.engineer_by_code(session, "E07"),
                                     now=NOW)
        _picture(session, world.store, amendment.id, "后补的照片", AttachmentKind.DAMAGE)
        _sign(session, amendment)
        ids = [a.id for a in attachments.attachments_of(session, OwnerKind.SLIP, amendment.id)]
        amendment_id = amendment.id
    assert len(ids) == 3
    batch = [record(world, "attachments", i) for i in ids] + [record(world, "slips",
                                                                     amendment_id)]
    outcomes = pushed(world, batch)
    assert [o.status for o in outcomes] == ["accepted"] * 4, outcomes
    assert sealed_at_archive(world, amendment_id)
    with world.archive.read() as session:
        assert len(session.scalars(select(Attachment).where(
            Attachment.owner_id == world.ids["sealed"],
            Attachment.removed_at.is_(None))).all()) == 2
