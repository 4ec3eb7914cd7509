"""Attachment files from the laptop to the archive (issue 21; docs/sync-protocol.md,
"Attachment files"): after their records, only what the archive lacks, in chunks that
resume after a cut connection without re-sending a completed one, stored once, and only
by the engineer whose attachments they are."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import httpx
import pytest
from click.testing import CliRunner

from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.files.folder import FolderStore
from fieldapp.archive.files.uploads import Uploads
from fieldapp.base.timeutil import utcnow
from fieldapp.cli import cli
from fieldapp.store import Store
from fieldapp.store.attachment_models import Attachment, OwnerKind
from fieldapp.store.blobs import blobs_beside
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.errors import OfflineError, ServerError
from fieldapp.sync.file_wire import CHUNK_BYTES
from fieldapp.sync.files import FilesReport, fetch_file, files_to_send
from fieldapp.sync.resync import run_full_resync
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import fill_demo
from tests.archive.servers import RunningArchive, run_archive
from tests.archive.work import CutAfter, draft_with_files, on_the_command_line

PHOTO_BYTES = 2 * CHUNK_BYTES + 1000  # three chunks


@pytest.fixture
def archive(db_url: str, tmp_path: Path) -> Iterator[RunningArchive]:
    """The conftest's archive, with its file store in this test's folder."""
    settings = ArchiveSettings(db=db_url, files_dir=str(tmp_path / "archive-files"))
    with run_archive(db_url, settings=settings) as running:
        running.add_user("centre", "staff")
        running.add_user("e01", "engineer", engineer="E01")
        running.add_user("e02", "engineer", engineer="E02")
        running.add_user("port", "customer", customer="TJPORT")
        yield running


@pytest.fixture
def stored(tmp_path: Path) -> FolderStore:
    return FolderStore(tmp_path / "archive-files")


@pytest.fixture
def received(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, int]]:
    """Every chunk the archive took: (file, offset, length)."""
    chunks: list[tuple[str, int, int]] = []
    append = Uploads.append

    def recording(self: Uploads, sha: str, *, offset: int, size: int, data: bytes):
        progress = append(self, sha, offset=offset, size=size, data=data)
        chunks.append((sha, offset, len(data)))
        return progress

    monkeypatch.setattr(Uploads, "append", recording)
    return chunks


def photographed_slip(store: Store, count: int, size: int = PHOTO_BYTES,
                     code: str = "E01") -> tuple[uuid.UUID, list[str]]:
    """A draft slip with `count` pictures (random bytes): the transport does not care
    about the seal (a sealed slip's files: test_file_checks.py)."""
    return draft_with_files(store, [os.urandom(size) for _ in range(count)], code)


@pytest.fixture
def centre(archive, laptops):
    """The service centre's laptop with the archive's reference data (it may push
    everything, an engineer's slips recorded at the centre included)."""
    laptop = laptops("centre")
    fill_demo(laptop.store, requests=3)
    assert run_sync_round(laptop.store, None, laptop.client).ok
    return laptop


def test_files_follow_their_records_once_and_only_what_the_archive_lacks(
        centre, stored, received, laptops):
    slip_id, shas = photographed_slip(centre.store, 3)
    progress = []

    report = run_sync_round(centre.store, None, centre.client, file_progress=progress.append)

    assert report.ok, report.refused
    assert (report.files.sent, report.files.already, report.files.waiting) == (3, 0, 0)
    assert report.files.chunks_sent == 9 and report.files.bytes_sent == 3 * PHOTO_BYTES
    assert [(p.files_done, p.files_total) for p in progress] == [(1, 3), (2, 3), (3, 3)]
    assert progress[-1].bytes_done == progress[-1].bytes_total == 3 * PHOTO_BYTES
    assert all(stored.hash_of(sha) == sha for sha in shas)
    assert sorted({c[0] for c in received}) == sorted(shas) and len(received) == 9
    with centre.store.read() as session:
        assert files_to_send(session) == []  # marked as at the archive: never asked again
    again = run_sync_round(centre.store, None, centre.client)
    assert again.ok and again.files.sent == again.files.already == 0 and len(received) == 9

    # another laptop with the same picture on another slip: nothing is sent again
    other = laptops("centre", name="second-laptop")
    assert run_sync_round(other.store, None, other.client).ok
    blobs = blobs_beside(other.store.path)
    blobs.put(blobs_beside(centre.store.path).read(shas[0]))
    with other.store.write() as session:
        session.add(Attachment(owner_kind=OwnerKind.SLIP, owner_id=slip_id, position=9,
                               sha256=shas[0], size=PHOTO_BYTES, media_type="image/jpeg",
                               added_at=utcnow(), added_by="C01"))
    second = run_sync_round(other.store, None, other.client)
    assert second.ok and (second.files.sent, second.files.already) == (0, 1), second
    assert len(received) == 9
    assert [p.name for p in stored.root.rglob("*") if p.is_file()].count(shas[0]) == 1


def test_an_engineer_sends_the_pictures_they_attached(centre, stored, laptops):
    e01 = laptops("e01")
    assert run_sync_round(e01.store, None, e01.client).ok
    _slip_id, shas = photographed_slip(e01.store, 2, size=3000, code="E01")

    report = run_sync_round(e01.store, None, e01.client)

    assert report.ok and report.files.sent == 2, report.refused
    assert all(stored.hash_of(sha) == sha for sha in shas)


def test_fieldapp_sync_says_what_it_sent(centre, stored, archive):
    photographed_slip(centre.store, 2, size=3000)
    on_the_command_line(centre, archive.url)

    result = CliRunner().invoke(cli, ["--data-dir", str(centre.folder), "--lang", "en", "sync"])
    assert result.exit_code == 0, result.output
    assert ("Attachments: 2 sent (5 KiB), 0 already in the archive, 0 waiting, 0 not "
            "sent.") in result.output
    result = CliRunner().invoke(cli, ["--data-dir", str(centre.folder), "--lang", "zh", "sync",
                                      "--json"])
    assert json.loads(result.output)["files"] == {
        "sent": 0, "bytes": 0, "already": 0, "waiting": 0, "problems": [],
        "waiting_here": 0, "not_sent": []}


def test_a_full_resync_sends_again_what_a_restored_archive_lacks(centre, stored):
    _slip_id, [sha, other] = photographed_slip(centre.store, 2, size=3000)
    assert run_sync_round(centre.store, None, centre.client).files.sent == 2
    stored.path(sha).unlink()  # the archive restored from a backup older than the file
    assert run_sync_round(centre.store, None, centre.client).files.sent == 0  # marked sent

    resync = run_full_resync(centre.store, None, centre.client)

    assert resync.report.files.sent == 1 and resync.report.files.already == 1
    assert stored.hash_of(sha) == sha and stored.hash_of(other) == other


def test_another_laptop_fetches_a_pulled_picture_when_it_needs_it(centre, stored, laptops):
    _slip_id, [sha] = photographed_slip(centre.store, 1, size=3000)
    assert run_sync_round(centre.store, None, centre.client).files.sent == 1
    other = laptops("centre", name="second-laptop")
    assert run_sync_round(other.store, None, other.client).ok  # the row, not the file
    blobs = blobs_beside(other.store.path)
    assert not blobs.has(sha)

    assert fetch_file(other.store, other.client, sha)

    assert blobs.verify(sha) == "ok"
    assert run_sync_round(other.store, None, other.client).files.already == 0  # not offered


def test_a_push_cut_mid_file_resumes_without_sending_a_completed_chunk_again(
        centre, stored, received):
    _slip_id, [sha] = photographed_slip(centre.store, 1)
    with ArchiveClient(centre.client.base_url, centre.client.token,
                       transport=CutAfter(2)) as cut:
        first = run_sync_round(centre.store, None, cut)

    assert isinstance(first.error, OfflineError) and not first.ok  # the round stopped
    assert first.pushed == 3  # the records went first: request, slip, attachment
    assert received == [(sha, 0, CHUNK_BYTES), (sha, CHUNK_BYTES, CHUNK_BYTES)]
    assert not stored.has(sha)
    assert centre.client.file_status(sha)["received"] == 2 * CHUNK_BYTES

    second = run_sync_round(centre.store, None, centre.client)  # the line is back

    assert second.ok and second.files.sent == 1 and second.files.chunks_sent == 1
    assert received[2:] == [(sha, 2 * CHUNK_BYTES, 1000)]  # only the rest
    assert stored.hash_of(sha) == sha


def push_records_only(laptop) -> None:
    """A round that pushes the records and stops before the files (the line dropped)."""
    with mock.patch("fieldapp.sync.rounds.send_files", return_value=FilesReport()):
        assert run_sync_round(laptop.store, None, laptop.client).ok


def test_a_file_changed_on_the_way_is_refused_and_nothing_is_kept(centre, stored):
    _slip_id, [sha] = photographed_slip(centre.store, 1, size=1000)
    push_records_only(centre)
    with pytest.raises(ServerError) as refused:
        centre.client.send_chunk(sha, 0, b"x" * 1000)
    assert refused.value.status == 422
    assert "SHA-256" in refused.value.zh and "nothing was kept" in refused.value.en
    assert not stored.has(sha) and centre.client.file_status(sha)["received"] == 0
    assert run_sync_round(centre.store, None, centre.client).files.sent == 1  # the real one
    assert stored.hash_of(sha) == sha


def test_a_file_changed_on_the_laptop_is_not_sent(centre, stored):
    _slip_id, [sha] = photographed_slip(centre.store, 1, size=1000)
    blobs_beside(centre.store.path).path_for(sha).write_bytes(b"y" * 1000)

    report = run_sync_round(centre.store, None, centre.client)

    assert not report.ok and report.files.sent == 0 and not stored.has(sha)
    [problem] = report.files.problems
    assert "本机附件文件缺失或已被改动" in problem.zh and "was changed" in problem.en


def test_only_the_engineer_whose_attachment_it_is_may_send_its_file(centre, laptops):
    _slip_id, [sha] = photographed_slip(centre.store, 1, size=1000, code="E01")
    push_records_only(centre)
    e01, e02 = laptops("e01"), laptops("e02")
    assert e01.client.missing_files([sha]) == {
        "missing": [{"sha256": sha, "size": 1000, "received": 0, "complete": False}],
        "unknown": []}
    assert e02.client.missing_files([sha]) == {"missing": [], "unknown": [sha]}
    for call in (lambda: e02.client.send_chunk(sha, 0, b"x" * 1000),
                 lambda: e02.client.file_status(sha), lambda: e02.client.fetch_file(sha)):
        with pytest.raises(ServerError) as refused:
            call()
        assert refused.value.status == 404
    anonymous = httpx.post(f"{centre.client.base_url}/api/v1/files/missing",
                           json={"hashes": [sha]})
    assert anonymous.status_code == 401  # customers cannot log in here at all


def test_a_chunk_over_the_cap_is_refused_before_it_is_read(centre):
    _slip_id, [sha] = photographed_slip(centre.store, 1, size=1000)
    push_records_only(centre)
    with pytest.raises(ServerError) as refused:
        centre.client.send_chunk(sha, 0, b"x" * (1024 * 1024 + 1))
    assert refused.value.status == 413 and "1 MiB" in refused.value.en
