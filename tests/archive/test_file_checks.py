"""The archive's own check of attached files (issue 21): a sealed slip's seal names its
pictures; the archive re-hashes them on its file store when it shows the slip's check
(GET /slips/{id}) and in `fieldapp-archive files verify`, so a file changed there is
reported, and one not uploaded yet is named as missing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from fieldapp.archive.cli import cli
from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.files.folder import FolderStore
from fieldapp.base.timeutil import utcnow
from fieldapp.store.attachment_models import Attachment, AttachmentKind, OwnerKind
from fieldapp.store.blobs import blobs_beside
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import fill_demo
from tests.archive.servers import RunningArchive, run_archive
from tests.archive.work import dispatch, seal_a_slip


@pytest.fixture
def archive(db_url: str, tmp_path: Path) -> Iterator[RunningArchive]:
    settings = ArchiveSettings(db=db_url, files_dir=str(tmp_path / "archive-files"))
    with run_archive(db_url, settings=settings) as running:
        running.add_user("centre", "staff")
        yield running


@pytest.fixture
def sealed(archive, laptops):
    """A slip sealed with two pictures, pushed, its files uploaded."""
    centre = laptops("centre")
    fill_demo(centre.store, requests=3)
    blobs = blobs_beside(centre.store.path)
    shas = [blobs.put(os.urandom(5000)) for _ in range(2)]

    def attach(session, slip) -> None:
        session.add_all(Attachment(
            owner_kind=OwnerKind.SLIP, owner_id=slip.id, position=i, sha256=sha, size=5000,
            media_type="image/jpeg", caption=f"铭牌 {i + 1}", kind=AttachmentKind.SERIAL_PLATE,
            added_at=utcnow(), added_by="E01") for i, sha in enumerate(shas))

    slip = seal_a_slip(centre.store, dispatch(centre.store, "E01"), "E01", before_signing=attach)
    report = run_sync_round(centre.store, None, centre.client)
    assert report.ok and report.files.sent == 2, report.refused
    return centre, slip, shas


def slip_check(centre, slip) -> dict:
    return centre.client._request("GET", f"/slips/{slip.id}")


def files_verify(archive, tmp_path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--lang", "en", "files", "verify"], env={
        "FIELDAPP_ARCHIVE_DB": archive.db_url,
        "FIELDAPP_ARCHIVE_FILES_DIR": str(tmp_path / "archive-files")})
    return result.exit_code, result.output


def test_a_file_changed_on_the_archives_store_is_caught(sealed, archive, tmp_path):
    centre, slip, shas = sealed
    answer = slip_check(centre, slip)
    assert answer["sealed"] and answer["seal_ok"], answer["problems_en"]
    assert files_verify(archive, tmp_path) == (
        0, "2 attachment files: 2 intact, 0 missing (not uploaded yet, or lost), 0 changed.\n")

    path = FolderStore(tmp_path / "archive-files").path(shas[1])
    path.chmod(0o644)
    path.write_bytes(b"\xff" + path.read_bytes()[1:])  # one byte: a retouched picture

    answer = slip_check(centre, slip)
    assert answer["sealed"] and not answer["seal_ok"]
    assert any("An attached file was changed" in p and "#2" in p for p in answer["problems_en"])
    assert any("附件文件被改动" in p for p in answer["problems_zh"])
    code, output = files_verify(archive, tmp_path)
    assert code == 1 and f"changed\t{shas[1][:16]}…\t{slip.number}" in output
    assert "1 intact, 0 missing (not uploaded yet, or lost), 1 changed." in output


def test_a_file_missing_from_the_archives_store_is_named(sealed, archive, tmp_path):
    centre, slip, shas = sealed
    FolderStore(tmp_path / "archive-files").path(shas[0]).unlink()

    answer = slip_check(centre, slip)
    assert not answer["seal_ok"]
    assert any("An attached file is missing" in p for p in answer["problems_en"])
    code, output = files_verify(archive, tmp_path)
    assert code == 1 and f"missing\t{shas[0][:16]}…\t{slip.number}" in output
