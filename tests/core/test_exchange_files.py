"""The slip export carries the attached files (issue 21): `fieldapp slips export -o x.zip`
writes a package (slips.json and files/<sha256>); `slips import` checks every file's SHA-256
and size before anything is stored, refuses a changed one in one line and stores nothing;
a JSON export (an old one too) still imports, and `verify` names its files as missing. The
clock is frozen at NOW."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import func, select

from fieldapp.cli import cli
from fieldapp.records import attachments, slips
from fieldapp.seal.sealing import SIGNATURE_ONLY, verify_slip
from fieldapp.store import Store, open_store
from fieldapp.store.attachment_models import Attachment, OwnerKind
from fieldapp.store.blobs import BlobState, blobs_beside
from fieldapp.store.models import Slip
from fieldapp.tools.exchange_package import FILES, JSON_NAME
from tests.core.conftest import NOW, fill_complete, sign_both
from tests.core.photo_samples import pdf, photo


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def attach(store: Store, number: str, data: bytes, **fields) -> str:
    with store.write() as session:
        slip = slips.get_slip(session, number)
        return attachments.attach(session, blobs_beside(store.path), owner_kind=OwnerKind.SLIP,
                                  owner_id=slip.id, data=data, actor_code="E07", now=NOW,
                                  **fields).sha256


@pytest.fixture
def pictured(store: Store, draft_number: str) -> tuple[str, list[str]]:
    """A sealed slip with a photo and a PDF report attached."""
    shas = [attach(store, draft_number, photo(), caption="铭牌", kind="serial_plate"),
            attach(store, draft_number, pdf(4000), name="检测报告.pdf")]
    with store.write() as session:
        slip = slips.get_slip(session, draft_number)
        fill_complete(session, slip)
        sign_both(session, slip)
    return draft_number, shas


def run(folder: Path, *args: str, lang: str = "en"):
    return CliRunner().invoke(cli, ["--data-dir", str(folder), "--lang", lang, *args])


def slip_count(folder: Path) -> int:
    other = open_store(folder)
    try:
        with other.read() as session:
            return session.scalar(select(func.count()).select_from(Slip)) or 0
    finally:
        other.close()


def test_a_package_carries_the_files_and_the_import_verifies_clean(store, pictured, tmp_path):
    number, shas = pictured
    package = tmp_path / "slips.zip"
    exported = run(store.path.parent, "slips", "export", "-o", str(package))
    assert exported.exit_code == 0, exported.output
    assert "Exported 1 slips and 2 attached files" in exported.output
    with zipfile.ZipFile(package) as held:
        assert sorted(held.namelist()) == sorted([JSON_NAME] + [FILES + s for s in shas])
        assert json.loads(held.read(JSON_NAME))["format"] == "fieldapp-slips"
    # the same slips, the same bytes: nothing in the package depends on the moment but
    # the JSON's exported_at, which the frozen clock holds still
    again = tmp_path / "again.zip"
    assert run(store.path.parent, "slips", "export", "-o", str(again)).exit_code == 0
    assert again.read_bytes() == package.read_bytes()

    fresh = tmp_path / "fresh"
    imported = run(fresh, "slips", "import", str(package))
    assert imported.exit_code == 0, imported.output
    assert "Imported 1 slips" in imported.output
    assert "Attached files: 2 checked and stored, 0 not in the export" in imported.output
    target = open_store(fresh)
    try:
        blobs = blobs_beside(target.path)
        assert all(blobs.verify(sha) == BlobState.OK for sha in shas)
        with target.read() as session:
            result = verify_slip(slips.get_slip(session, number), SIGNATURE_ONLY, files=blobs)
        assert result.ok, result.problems
    finally:
        target.close()
    # `verify` on the importing laptop: no file is missing or changed (whose key sealed
    # the slip is for this laptop's receipts to say, docs/seal.md)
    verified = run(fresh, "verify", number)
    assert "attached file" not in verified.output, verified.output
    # importing twice adds nothing; a copy changed here since is put right from the package
    changed = blobs.path_for(shas[1])
    changed.write_bytes(changed.read_bytes()[:-1] + b"!")
    assert "An attached file was changed" in run(fresh, "verify", number).output
    twice = run(fresh, "slips", "import", str(package))
    assert twice.exit_code == 0 and "1 were here already" in twice.output
    assert blobs.verify(shas[1]) == BlobState.OK
    assert "attached file" not in run(fresh, "verify", number).output


def _rewritten(package: Path, out: Path, sha: str, content: bytes) -> Path:
    """The package with the file `sha` replaced by `content` (a well-formed zip)."""
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, content if info.filename == FILES + sha
                            else source.read(info))
    return out


def test_a_changed_file_in_the_package_is_refused_and_nothing_is_stored(
        store, pictured, tmp_path):
    number, (photo_sha, pdf_sha) = pictured
    package = tmp_path / "slips.zip"
    assert run(store.path.parent, "slips", "export", "-o", str(package)).exit_code == 0
    original = blobs_beside(store.path).read(pdf_sha)
    same_size = original[:-10] + b"0000000000"
    cases = {
        "changed": _rewritten(package, tmp_path / "changed.zip", pdf_sha, same_size),
        "shorter": _rewritten(package, tmp_path / "shorter.zip", pdf_sha, original[:-1]),
    }
    # a bit flipped in the stored bytes: the zip's own CRC says so
    raw = bytearray(package.read_bytes())
    at = bytes(raw).index(original[100:140]) + 20
    raw[at] ^= 0x01
    (tmp_path / "flipped.zip").write_bytes(bytes(raw))
    cases["flipped"] = tmp_path / "flipped.zip"
    for name, damaged in cases.items():
        fresh = tmp_path / f"fresh-{name}"
        for lang, words in (("en", "does not match its SHA-256 or size; nothing was imported"),
                            ("zh", "与其 SHA-256 或大小不符，未导入任何内容")):
            refused = run(fresh, "slips", "import", str(damaged), lang=lang)
            assert refused.exit_code != 0, (name, refused.output)
            assert words in refused.output and number in refused.output, refused.output
            assert len(refused.output.strip().splitlines()) == 1, refused.output
            assert "Traceback" not in refused.output
        assert slip_count(fresh) == 0
        blobs = blobs_beside(fresh / "fieldapp.db")
        assert not blobs.has(photo_sha) and not blobs.has(pdf_sha)  # losing nothing here


def test_a_json_export_still_imports_and_verify_names_the_missing_files(
        store, pictured, tmp_path):
    number, _shas = pictured
    old = tmp_path / "slips.json"
    exported = run(store.path.parent, "slips", "export", "-o", str(old))
    assert exported.exit_code == 0, exported.output
    assert "does not carry the attached files (2)" in exported.output
    assert json.loads(old.read_text("utf-8"))["attachments"]  # JSON, as before

    fresh = tmp_path / "fresh"
    imported = run(fresh, "slips", "import", str(old))
    assert imported.exit_code == 0, imported.output
    assert "Attached files: 0 checked and stored, 2 not in the export" in imported.output
    verified = run(fresh, "verify", number)
    assert verified.exit_code == 1
    assert verified.output.count("An attached file is missing") == 2, verified.output
    # the package later brings the files: rows unchanged, files stored, verify clean
    package = tmp_path / "slips.zip"
    assert run(store.path.parent, "slips", "export", "-o", str(package)).exit_code == 0
    completed = run(fresh, "slips", "import", str(package))
    assert "2 checked and stored" in completed.output, completed.output
    assert "attached file" not in run(fresh, "verify", number).output


def test_an_export_refuses_a_file_changed_here_and_leaves_out_a_missing_one(
        store, pictured, tmp_path):
    number, (photo_sha, pdf_sha) = pictured
    blobs = blobs_beside(store.path)
    path = blobs.path_for(pdf_sha)
    original = path.read_bytes()
    path.write_bytes(original[:-1] + b"!")
    package = tmp_path / "slips.zip"
    refused = run(store.path.parent, "slips", "export", "-o", str(package))
    assert refused.exit_code != 0 and "was changed on this laptop" in refused.output
    assert number in refused.output and len(refused.output.strip().splitlines()) == 1
    assert not package.exists() and not list(tmp_path.glob(".slips.zip.*"))  # no half file
    path.unlink()
    exported = run(store.path.parent, "slips", "export", "-o", str(package))
    assert exported.exit_code == 0, exported.output
    assert "1 attached files" in exported.output
    assert "1 attached files are not on this laptop" in exported.output
    with zipfile.ZipFile(package) as held:
        assert FILES + pdf_sha not in held.namelist() and FILES + photo_sha in held.namelist()


def test_a_removed_picture_of_a_draft_travels_with_its_row(store, draft_number, tmp_path):
    kept = attach(store, draft_number, photo(320, 240), caption="维修前", kind="before")
    gone = attach(store, draft_number, photo(300, 200), caption="拍错了")
    with store.write() as session:
        row = session.scalar(select(Attachment).where(Attachment.sha256 == gone))
        attachments.remove_attachment(session, row.id, actor_code="E07", now=NOW)
    package = tmp_path / "draft.zip"
    assert run(store.path.parent, "slips", "export", "-o", str(package),
               draft_number).exit_code == 0
    fresh = tmp_path / "fresh"
    assert run(fresh, "slips", "import", str(package)).exit_code == 0
    target = open_store(fresh)
    try:
        blobs = blobs_beside(target.path)
        assert blobs.verify(kept) == BlobState.OK and blobs.verify(gone) == BlobState.OK
        with target.read() as session:
            rows = session.scalars(select(Attachment).order_by(Attachment.position)).all()
            assert [(r.sha256, r.removed) for r in rows] == [(kept, False), (gone, True)]
    finally:
        target.close()


def test_a_file_that_is_not_an_export_is_refused_in_one_line(tmp_path):
    for name, content in (("notes.txt", b"hello"), ("empty.zip", None)):
        path = tmp_path / name
        if content is None:
            with zipfile.ZipFile(path, "w") as package:
                package.writestr("readme.txt", "nothing here")
        else:
            path.write_bytes(content)
        refused = run(tmp_path / "fresh", "slips", "import", str(path))
        assert refused.exit_code != 0 and "Traceback" not in refused.output
        assert len(refused.output.strip().splitlines()) == 1, refused.output
