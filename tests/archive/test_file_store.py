"""The archive's file store (fieldapp.archive.files): content-addressed, stored exactly
once, hashed on arrival; the folder backend and the S3 one against a local S3 endpoint
(moto's server, when installed)."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldapp.archive.errors import BadRequest
from fieldapp.archive.files.folder import FolderStore
from fieldapp.archive.files.store import FileStore, missing, read_all
from fieldapp.archive.files.uploads import Uploads

PHOTO = os.urandom(700_000)
SHA = hashlib.sha256(PHOTO).hexdigest()


def s3_store() -> Iterator[FileStore]:
    boto3 = pytest.importorskip("boto3", reason="boto3 (the s3 extra) is not installed")
    server_module = pytest.importorskip(
        "moto.server", reason="no local S3 endpoint: moto[server] is not installed")
    from fieldapp.archive.files.s3 import S3Store

    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        client = boto3.client("s3", endpoint_url=f"http://{host}:{port}", region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
        bucket = f"fieldapp-{uuid.uuid4().hex[:12]}"  # moto's state is per process
        client.create_bucket(Bucket=bucket)
        yield S3Store(client, bucket, "files/")
    finally:
        server.stop()


@pytest.fixture(params=["folder", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FileStore]:
    if request.param == "folder":
        yield FolderStore(tmp_path / "files")
    else:
        yield from s3_store()


def staged(tmp_path: Path, data: bytes = PHOTO) -> Path:
    path = tmp_path / "incoming.part"
    path.write_bytes(data)
    return path


def test_a_file_is_stored_once_by_its_hash(store: FileStore, tmp_path: Path) -> None:
    assert missing(store, [SHA, SHA]) == [SHA]
    assert store.publish(SHA, staged(tmp_path)) is True
    assert store.publish(SHA, staged(tmp_path)) is False  # the second copy is dropped
    assert not (tmp_path / "incoming.part").exists()
    assert store.has(SHA) and store.size(SHA) == len(PHOTO)
    assert read_all(store, SHA) == PHOTO and store.hash_of(SHA) == SHA
    assert missing(store, [SHA]) == []
    if isinstance(store, FolderStore):
        assert [p.name for p in store.root.rglob("*") if p.is_file()] == [SHA]


def test_names_that_are_not_hashes_never_become_paths(tmp_path: Path) -> None:
    store = FolderStore(tmp_path / "files")
    for name in ("../../etc/passwd", SHA.upper(), SHA[:-1], ""):
        assert not store.has(name)
        with pytest.raises(KeyError):
            store.path(name)


def chunks(data: bytes, size: int) -> list[tuple[int, bytes]]:
    return [(at, data[at:at + size]) for at in range(0, len(data), size)]


def test_chunks_append_and_the_last_one_publishes_after_the_hash_check(
        store: FileStore, tmp_path: Path) -> None:
    uploads = Uploads(tmp_path / "uploads", store, max_file_bytes=1 << 20)
    pieces = chunks(PHOTO, 256 * 1024)
    for offset, data in pieces[:-1]:
        progress = uploads.append(SHA, offset=offset, size=len(PHOTO), data=data)
        assert not progress.complete and progress.received == offset + len(data)
        assert not store.has(SHA)
    assert uploads.progress(SHA).received == pieces[-1][0]  # where to resume
    offset, data = pieces[-1]
    assert uploads.append(SHA, offset=offset, size=len(PHOTO), data=data).complete
    assert store.hash_of(SHA) == SHA and uploads.progress(SHA).complete
    assert list((tmp_path / "uploads").iterdir()) == []  # no partial left
    # sent again by another laptop: acknowledged, nothing written
    again = uploads.append(SHA, offset=0, size=len(PHOTO), data=PHOTO[:1000])
    assert again.complete and list((tmp_path / "uploads").iterdir()) == []


def test_a_chunk_at_the_wrong_offset_is_refused_with_where_to_resume(tmp_path: Path) -> None:
    uploads = Uploads(tmp_path / "uploads", FolderStore(tmp_path / "files"),
                      max_file_bytes=1 << 20)
    uploads.append(SHA, offset=0, size=len(PHOTO), data=PHOTO[:1000])
    for offset in (0, 500, 2000):  # a chunk sent twice, or one skipped
        with pytest.raises(BadRequest) as refused:
            uploads.append(SHA, offset=offset, size=len(PHOTO), data=PHOTO[offset:offset + 1000])
        assert refused.value.status == 409 and "1000" in refused.value.en
    assert uploads.progress(SHA).received == 1000


def test_a_file_that_does_not_match_its_hash_is_refused_and_nothing_is_kept(
        store: FileStore, tmp_path: Path) -> None:
    uploads = Uploads(tmp_path / "uploads", store, max_file_bytes=1 << 20)
    damaged = bytearray(PHOTO)
    damaged[123_456] ^= 0xFF
    uploads.append(SHA, offset=0, size=len(PHOTO), data=bytes(damaged[:400_000]))
    with pytest.raises(BadRequest) as refused:
        uploads.append(SHA, offset=400_000, size=len(PHOTO), data=bytes(damaged[400_000:]))
    assert refused.value.status == 422 and refused.value.code == "hash_mismatch"
    assert "SHA-256" in refused.value.zh and "damaged" in refused.value.en
    assert not store.has(SHA) and uploads.progress(SHA).received == 0
    assert list((tmp_path / "uploads").iterdir()) == []


def test_caps_per_file_and_on_uploads_in_progress(tmp_path: Path) -> None:
    store = FolderStore(tmp_path / "files")
    uploads = Uploads(tmp_path / "uploads", store, max_file_bytes=500_000,
                      max_staging_bytes=900_000)
    with pytest.raises(BadRequest) as too_large:
        uploads.append(SHA, offset=0, size=len(PHOTO), data=PHOTO[:1000])
    assert too_large.value.status == 413 and too_large.value.code == "file_too_large"
    assert "文件过大（683 KiB）" in too_large.value.zh and "488 KiB" in too_large.value.en
    small = [os.urandom(400_000) for _ in range(3)]
    shas = [hashlib.sha256(data).hexdigest() for data in small]
    for sha, data in zip(shas[:2], small, strict=False):
        uploads.append(sha, offset=0, size=len(data), data=data[:300_000])
    with pytest.raises(BadRequest) as busy:  # 600,000 held + 400,000 > 900,000
        uploads.append(shas[2], offset=0, size=400_000, data=small[2][:1000])
    assert busy.value.status == 429 and "稍后" in busy.value.zh
    # uploads already under way go on
    assert uploads.append(shas[0], offset=300_000, size=400_000, data=small[0][300_000:]).complete


def test_uploads_nobody_finished_are_swept_after_their_days(tmp_path: Path) -> None:
    uploads = Uploads(tmp_path / "uploads", FolderStore(tmp_path / "files"),
                      max_file_bytes=1 << 20)
    uploads.append(SHA, offset=0, size=len(PHOTO), data=PHOTO[:1000])
    touched = uploads.partial(SHA).stat().st_mtime
    assert uploads.sweep(14 * 86400, now=touched + 13 * 86400) == (0, 0)
    assert uploads.sweep(14 * 86400, now=touched + 15 * 86400) == (1, 1000)
    assert uploads.progress(SHA).received == 0  # the laptop starts the file again


def test_clean_uploads_command(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from fieldapp.archive.cli import cli

    uploads = Uploads(tmp_path / "files" / ".uploads", FolderStore(tmp_path / "files"),
                      max_file_bytes=1 << 20)
    uploads.append(SHA, offset=0, size=len(PHOTO), data=PHOTO[:2048])
    os.utime(uploads.partial(SHA), (0, 0))  # untouched since 1970
    result = CliRunner().invoke(cli, ["--lang", "en", "files", "clean-uploads", "--days", "7"],
                                env={"FIELDAPP_ARCHIVE_FILES_DIR": str(tmp_path / "files"),
                                     "FIELDAPP_ARCHIVE_DB": f"sqlite:///{tmp_path}/a.db"})
    assert result.exit_code == 0, result.output
    assert result.output == "Removed 1 unfinished uploads (2 KiB).\n"
