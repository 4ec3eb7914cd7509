"""Pictures and files on slips, repair orders and complaints (issue 21): attach, caption and
remove on a draft; refused once signed or sealed, added through an amendment; the seal
(format 4) over their hashes, captions and kinds; a changed or missing file caught by
verify; EXIF location and device data stripped, capture time kept; 12 MP downscaled to
2,048 px; the caps. The clock is frozen (every write is given `now`, and time stands at
NOW around each test)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from click.testing import CliRunner
from PIL import ExifTags, Image
from sqlalchemy import select

from fieldapp.base.errors import NotFound, SealedError, ValidationError, WorkflowError
from fieldapp.cli import cli
from fieldapp.records import attachments, reference, slips
from fieldapp.rules import attachments as caps
from fieldapp.seal.sealing import SEAL_FORMAT, SIGNATURE_ONLY, verify_slip
from fieldapp.store.attachment_models import Attachment, OwnerKind
from fieldapp.store.blobs import BlobState, blobs_beside
from fieldapp.store.models import SyncOutbox
from tests.core.conftest import NOW, sign_both
from tests.core.photo_samples import pdf, photo, png
from tests.core.test_seal_verify import tamper


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def blobs(store):
    return blobs_beside(store.path)


def add(store, blobs, number, data=None, **fields):
    with store.write() as session:
        slip = slips.get_slip(session, number)
        row = attachments.attach(session, blobs, owner_kind=OwnerKind.SLIP, owner_id=slip.id,
                                 data=data if data is not None else photo(),
                                 actor_code="E07", now=NOW, **fields)
        return row.id, row.sha256


def listed(store, number):
    with store.read() as session:
        slip = slips.get_slip(session, number)
        return [(a.caption, a.kind) for a in
                attachments.attachments_of(session, OwnerKind.SLIP, slip.id)]


def fill(store, number):
    from tests.core.conftest import fill_complete

    with store.write() as session:
        fill_complete(session, slips.get_slip(session, number))


def seal(store, number):
    with store.write() as session:
        sign_both(session, slips.get_slip(session, number))


def test_attach_caption_and_remove_on_a_draft(store, blobs, draft_number):
    first, sha = add(store, blobs, draft_number, caption="打印机外观", kind="before")
    second, _ = add(store, blobs, draft_number, data=pdf(), name="检测报告.pdf", kind="other")
    assert listed(store, draft_number) == [("打印机外观", "before"), ("", "other")]
    assert blobs.verify(sha) == BlobState.OK and blobs.path_for(sha).parent.name == sha[:2]
    with store.write() as session:
        attachments.edit_attachment(session, first, caption="  搓纸轮磨损  ", kind="damage")
        attachments.remove_attachment(session, second, actor_code="E07", now=NOW)
    assert listed(store, draft_number) == [("搓纸轮磨损", "damage")]
    with store.read() as session:
        removed = session.get_one(Attachment, second)
        assert removed.removed_by == "E07" and removed.removed_at == NOW  # a flag: it syncs
        queued = set(session.scalars(select(SyncOutbox.table_name)))
    assert "attachments" in queued
    with store.write() as session, pytest.raises(NotFound):
        attachments.edit_attachment(session, second, caption="x")


def test_a_pdf_is_kept_byte_for_byte(store, blobs, draft_number):
    document = pdf(5000)
    _id, sha = add(store, blobs, draft_number, data=document, name="报告.pdf")
    assert blobs.read(sha) == document


def test_a_signed_slip_refuses_changes_until_the_signatures_are_cleared(
        store, blobs, draft_number):
    attachment_id, _ = add(store, blobs, draft_number)
    fill(store, draft_number)
    with store.write() as session:
        from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes

        slips.sign_slip(session, slips.get_slip(session, draft_number), role="engineer",
                        signer_name="刘洋", strokes=signature_strokes(1), pad_width=PAD_WIDTH,
                        pad_height=PAD_HEIGHT, signed_at=NOW - timedelta(hours=1), now=NOW)
    with pytest.raises(WorkflowError, match="请先清除签名"):
        add(store, blobs, draft_number)
    with store.write() as session, pytest.raises(WorkflowError):
        attachments.remove_attachment(session, attachment_id, actor_code="E07", now=NOW)


def test_after_sealing_adding_is_refused_and_goes_through_an_amendment(
        store, blobs, draft_number):
    attachment_id, sha = add(store, blobs, draft_number, caption="维修前", kind="before")
    fill(store, draft_number)
    seal(store, draft_number)
    with pytest.raises(SealedError, match="更正单"):
        add(store, blobs, draft_number, caption="维修后", kind="after")
    for change in (lambda s: attachments.edit_attachment(s, attachment_id, caption="x"),
                   lambda s: attachments.remove_attachment(s, attachment_id, actor_code="E07",
                                                           now=NOW)):
        with store.write() as session, pytest.raises(SealedError):
            change(session)
    with store.write() as session:
        original = slips.get_slip(session, draft_number)
        engineer = reference.engineer_by_code(session, "E07")
        amendment = slips.amend_slip(session, original, reason="补充维修后照片",
                                     engineer=engineer, now=NOW)
        amendment_number = amendment.number
    assert listed(store, amendment_number) == [("维修前", "before")]  # carried over
    add(store, blobs, amendment_number, data=photo(320, 240), caption="维修后", kind="after")
    seal(store, amendment_number)
    with store.read() as session:
        sealed = slips.get_slip(session, amendment_number)
        document = json.loads(sealed.seal_document)
        assert verify_slip(sealed, files=blobs).ok
        assert verify_slip(slips.get_slip(session, draft_number), files=blobs).ok
    assert document["format"] == SEAL_FORMAT
    assert [(a["kind"], a["caption"]) for a in document["attachments"]] == [
        ("before", "维修前"), ("after", "维修后")]
    assert document["attachments"][0]["sha256"] == sha


@pytest.fixture
def sealed_with_picture(store, blobs, draft_number):
    _id, sha = add(store, blobs, draft_number, caption="铭牌", kind="serial_plate")
    fill(store, draft_number)
    seal(store, draft_number)
    return draft_number, sha


def check(store, number, blobs=None):
    with store.read() as session:
        return verify_slip(slips.get_slip(session, number), files=blobs)


@pytest.mark.parametrize(("statement", "where"), [
    ("UPDATE attachments SET caption = '铭牌（已改）'", "attachments[0].caption"),
    ("UPDATE attachments SET kind = 'after'", "attachments[0].kind"),
    ("UPDATE attachments SET sha256 = :other", "attachments[0].sha256"),
    ("UPDATE attachments SET removed_at = '2026-11-24 09:00:00.000000'", "attachments"),
    ("UPDATE service_requests SET intake_channel = 'email'", "request.intake_channel"),
    ("UPDATE service_requests SET service_kind = 'remote'", "request.service_kind"),
])
def test_the_seal_covers_each_attachment_and_the_request_kinds(
        store, sealed_with_picture, statement, where):
    number, _sha = sealed_with_picture
    assert check(store, number).ok
    tamper(store, statement, other="0" * 64)
    result = check(store, number)
    assert not result.ok
    assert any(where in en for _zh, en in result.problems), result.problems


def test_a_changed_or_missing_file_is_caught_by_verify(store, blobs, sealed_with_picture,
                                                      tmp_path):
    number, sha = sealed_with_picture
    assert check(store, number, blobs).ok
    path = blobs.path_for(sha)
    original = path.read_bytes()
    path.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    result = check(store, number, blobs)
    assert not result.ok and "附件文件被改动" in result.problems[0][0]
    assert check(store, number).ok  # lists do not read the files
    runner = CliRunner()
    outcome = runner.invoke(cli, ["--data-dir", str(store.path.parent), "--lang", "en",
                                  "verify", number])
    assert outcome.exit_code == 1 and "An attached file was changed" in outcome.output
    path.unlink()
    outcome = runner.invoke(cli, ["--data-dir", str(store.path.parent), "verify", number])
    assert outcome.exit_code == 1 and "附件文件缺失" in outcome.output
    path.write_bytes(original)
    outcome = runner.invoke(cli, ["--data-dir", str(store.path.parent), "verify", number])
    assert outcome.exit_code == 0, outcome.output


def test_exif_location_and_device_are_stripped_and_the_capture_time_kept(
        store, blobs, draft_number):
    _id, sha = add(store, blobs, draft_number, data=photo(640, 480, orientation=6))
    kept = Image.open(io.BytesIO(blobs.read(sha)))
    exif = kept.getexif()
    assert kept.size == (480, 640)  # turned upright: the orientation applied, not kept
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert {0x010F, 0x0110, 0x013B, 0x0112}.isdisjoint(exif)  # make, model, artist, orient.
    assert 0xA431 not in exif.get_ifd(ExifTags.IFD.Exif)  # body serial
    assert exif.get_ifd(ExifTags.IFD.Exif)[0x9003] == "2026:11:24 11:05:30"
    with store.read() as session:
        row = session.scalars(select(Attachment)).one()
    assert row.captured_at == datetime(2026, 11, 24, 3, 5, 30, tzinfo=UTC)
    assert (row.width, row.height, row.media_type) == (480, 640, "image/jpeg")


def test_a_12_megapixel_photo_is_downscaled_to_2048(store, blobs, draft_number):
    _id, sha = add(store, blobs, draft_number, data=photo(4000, 3000))
    assert Image.open(io.BytesIO(blobs.read(sha))).size == (2048, 1536)


def test_a_transparent_png_is_kept_as_a_jpeg(store, blobs, draft_number):
    _id, sha = add(store, blobs, draft_number, data=png())
    assert Image.open(io.BytesIO(blobs.read(sha))).format == "JPEG"


@pytest.mark.parametrize(("data", "code"), [
    (b"just some text", "type_not_allowed"),
    (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "type_not_allowed"),  # no WebP codec in the bundle
    (b"\xff\xd8\xff\xe0 not really a jpeg", "unreadable"),
    (pdf(caps.MAX_FILE_BYTES + 1), "file_too_large"),
    (pdf(caps.MAX_INPUT_BYTES + 1), "file_too_large"),
])
def test_refused_files_say_why_in_both_languages(store, blobs, draft_number, data, code):
    with pytest.raises(ValidationError) as refused:
        add(store, blobs, draft_number, data=data, name="x.bin")
    assert refused.value.codes == {code}
    assert refused.value.zh and refused.value.en and "\n" not in refused.value.en
    assert listed(store, draft_number) == []


def test_the_per_record_caps(store, blobs, draft_number, monkeypatch):
    monkeypatch.setattr(caps, "MAX_OWNER_FILES", 2)
    add(store, blobs, draft_number, data=pdf(1000))
    add(store, blobs, draft_number, data=pdf(1001))
    with pytest.raises(ValidationError) as refused:
        add(store, blobs, draft_number, data=pdf(1002))
    assert refused.value.codes == {"too_many_files"}
    monkeypatch.setattr(caps, "MAX_OWNER_FILES", 30)
    monkeypatch.setattr(caps, "MAX_OWNER_BYTES", 2500)
    with pytest.raises(ValidationError) as refused:
        add(store, blobs, draft_number, data=pdf(1003))
    assert refused.value.codes == {"owner_too_large"}
    assert "MB" in refused.value.en and "上限" in refused.value.zh


def test_caption_and_kind_are_checked(store, blobs, draft_number):
    with pytest.raises(ValidationError) as refused:
        add(store, blobs, draft_number, caption="x" * (caps.MAX_CAPTION + 1), kind="selfie")
    assert refused.value.codes == {"too_long", "invalid_choice"}


def test_an_exported_slip_brings_its_attachment_rows_and_verifies_on_import(
        store, blobs, sealed_with_picture, tmp_path):
    from fieldapp.store import open_store
    from fieldapp.tools import exchange

    number, sha = sealed_with_picture
    with store.read() as session:
        data = exchange.export_slips(session, [slips.get_slip(session, number)])
    assert [(a["sha256"], a["kind"]) for a in data["attachments"]] == [(sha, "serial_plate")]
    other = open_store(tmp_path / "other")
    try:
        with other.write() as session:
            report = exchange.import_slips(session, json.loads(exchange.dumps(data)), now=NOW)
        assert report.added["attachments"] == 1
        with other.read() as session:  # the rows verify; the files are not in an export
            assert verify_slip(slips.get_slip(session, number), SIGNATURE_ONLY).ok
            missing = verify_slip(slips.get_slip(session, number), SIGNATURE_ONLY,
                                  files=blobs_beside(other.path))
        assert "missing" in missing.problems[0][1]
        data["attachments"][0]["caption"] = "改过的说明"
        with pytest.raises(ValidationError), other.write() as session:
            exchange.import_slips(session, data, now=NOW)
    finally:
        other.close()
