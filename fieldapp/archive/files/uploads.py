"""Chunked, resumable uploads: each file's bytes are appended to a partial file keyed by
its hash on the archive's own disk; complete, it is hashed in full and only then
published to the file store. A file whose bytes do not hash to its name is refused and
its partial removed: nothing of it is kept.

Appends are serialised per file by an exclusive lock on its partial file (two laptops
sending the same picture, or two workers of one archive), so a chunk is taken only at
the offset the partial has reached.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request

from fieldapp.archive.errors import BadRequest
from fieldapp.archive.files.store import READ_BLOCK, FileStore, is_sha256, open_file_store
from fieldapp.sync.file_wire import file_size_text
from fieldapp.sync.wire import MIB


@dataclass(frozen=True)
class Progress:
    received: int  # bytes the archive holds of this file
    complete: bool  # verified and in the file store


def file_too_large(size: int, cap: int) -> BadRequest:
    return BadRequest(413, "file_too_large",
                      f"文件过大（{file_size_text(size)}），档案服务器每个文件最多接收 "
                      f"{file_size_text(cap)}。",
                      f"The file is too large ({file_size_text(size)}); the archive takes at "
                      f"most {file_size_text(cap)} per file.")


UPLOADS_FOLDER = ".uploads"  # in files_dir, for either backend: on the archive's own disk
BUSY = BadRequest(429, "uploads_busy", "档案服务器正在接收的文件过多，请稍后再同步。",
                  "The archive is receiving too many files right now; sync again later.")


class Uploads:
    def __init__(self, staging: Path, store: FileStore, *, max_file_bytes: int,
                 max_staging_bytes: int = 2048 * MIB) -> None:
        self.staging, self.store = staging, store
        self.max_file_bytes, self.max_staging_bytes = max_file_bytes, max_staging_bytes
        staging.mkdir(parents=True, exist_ok=True)

    def partial(self, sha: str) -> Path:
        if not is_sha256(sha):
            raise KeyError(sha)
        return self.staging / f"{sha}.part"

    def progress(self, sha: str) -> Progress:
        """How much of this file the archive holds: all of it once stored."""
        size = self.store.size(sha)
        if size is not None:
            return Progress(size, True)
        try:
            return Progress(self.partial(sha).stat().st_size, False)
        except FileNotFoundError:
            return Progress(0, False)

    def sweep(self, older_than_seconds: float, now: float) -> tuple[int, int]:
        """Remove partial uploads nobody appended to for that long (a laptop gone for
        good); one resumed later starts again from its first byte. (files, bytes)."""
        removed = freed = 0
        for path in self.staging.glob("*.part"):
            try:
                stat = path.stat()
                if now - stat.st_mtime > older_than_seconds:
                    path.unlink()
                    removed, freed = removed + 1, freed + stat.st_size
            except FileNotFoundError:  # completed or swept meanwhile
                continue
        return removed, freed

    def staged_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.staging.glob("*.part"))

    def append(self, sha: str, *, offset: int, size: int, data: bytes) -> Progress:
        """Take `data` at `offset` of the file `sha` of `size` bytes. A chunk at another
        offset than the partial's end is refused (409): the laptop asks where to resume."""
        if size > self.max_file_bytes:
            raise file_too_large(size, self.max_file_bytes)
        if offset + len(data) > size or (not data and size):
            raise BadRequest(422, "chunk_outside", "文件片段超出文件大小。",
                             "The chunk lies outside the file's size.")
        if self.store.has(sha):  # another laptop sent it: stored once, nothing kept
            return Progress(size, True)
        if offset == 0 and self.staged_bytes() + size > self.max_staging_bytes:
            raise BUSY
        path = self.partial(sha)
        with path.open("ab") as stream:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX)
            held = os.fstat(stream.fileno()).st_size
            if held != offset:
                raise BadRequest(409, "wrong_offset",
                                 f"档案服务器已收到此文件的 {held} 字节，请从那里继续。",
                                 f"The archive holds {held} bytes of this file; resume there.")
            stream.write(data)
            stream.flush()
            if offset + len(data) < size:
                # not fsynced: after a crash the partial may hold less than was answered,
                # and the next chunk's 409 says where to resume; the whole is hashed anyway
                return Progress(offset + len(data), False)
            os.fsync(stream.fileno())  # once, before the file is published
            return self._finish(sha, path)

    def _finish(self, sha: str, path: Path) -> Progress:
        """Called with the partial locked: hash it whole, then publish it or drop it."""
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(READ_BLOCK), b""):
                digest.update(block)
        if digest.hexdigest() != sha:
            path.unlink(missing_ok=True)
            raise BadRequest(422, "hash_mismatch",
                             "文件内容与其 SHA-256 不符（传输中损坏），未保存；将重新发送。",
                             "The file does not match its SHA-256 (damaged in transit); "
                             "nothing was kept, it will be sent again.")
        size = path.stat().st_size
        self.store.publish(sha, path)
        return Progress(size, True)


def uploads_of(request: Request) -> Uploads:
    """The archive's uploads and file store, made on first use from its settings (a test
    may put its own on `app.state.uploads` first)."""
    state = request.app.state
    uploads: Uploads | None = getattr(state, "uploads", None)
    if uploads is None:
        settings = state.settings
        uploads = Uploads(settings.files_path / UPLOADS_FOLDER, open_file_store(settings),
                          max_file_bytes=settings.files_max_mb * MIB)
        state.uploads = uploads
    return uploads
