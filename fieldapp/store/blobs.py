"""The content-addressed file store: attachment bytes beside the database, named by hash.

`BlobStore(folder)` keeps each distinct content once, as `folder/ab/abcdef…` (the SHA-256 in
lower-case hex, fanned out by its first two digits so no folder grows past a few thousand
entries). The laptop's store is `files/` next to `fieldapp.db` in the data folder
(`blobs_beside(store.path)`; platformdirs through fieldapp.base.paths). The archive and the sync
use the same class on their own folders.

- `put(data) -> sha`: write once (atomically: temp file, fsync, `os.replace`); a content
  already present is not written again.
- `path_for(sha)`, `has(sha)`, `open(sha)` (binary, read), `read(sha)`.
- `verify(sha) -> BlobState`: present and hashing to its name (OK), MISSING or TAMPERED.

Nothing here knows about rows: which attachment names which hash is the store's table.
Files are never deleted by the app (a removed draft picture may be named by an amendment
or already be at the archive).
"""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from fieldapp.base.errors import PathError
from fieldapp.base.files import read_file, write_file

FOLDER_NAME = "files"
_SHA = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20


class BlobState(StrEnum):
    OK = "ok"
    MISSING = "missing"
    TAMPERED = "tampered"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, sha: str) -> Path:
        """Where the content with this hash is (or would be). A name that is not a
        SHA-256 hex digest is refused: the hash may come from a pushed record."""
        if not _SHA.match(sha):
            raise ValueError(f"not a SHA-256 hex digest: {sha[:80]!r}")
        return self.folder / sha[:2] / sha

    def has(self, sha: str) -> bool:
        return self.path_for(sha).is_file()

    def put(self, data: bytes) -> str:
        """Store `data` and return its SHA-256; a PathError names the file if the OS
        refuses (disk full, read-only)."""
        sha = sha256_of(data)
        path = self.path_for(sha)
        if path.is_file() and path.stat().st_size == len(data):
            return sha  # same name, same length: the same content (verify checks)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PathError.from_os_error(exc, path.parent) from exc
        write_file(path, data)
        return sha

    def open(self, sha: str) -> BinaryIO:
        try:
            return self.path_for(sha).open("rb")
        except OSError as exc:
            raise PathError.from_os_error(exc, self.path_for(sha), action="read") from exc

    def read(self, sha: str) -> bytes:
        return read_file(self.path_for(sha))

    def verify(self, sha: str) -> BlobState:
        """Re-hash the stored file (streamed, 1 MiB at a time)."""
        path = self.path_for(sha)
        digest = hashlib.sha256()
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
        except FileNotFoundError:
            return BlobState.MISSING
        except OSError:
            return BlobState.MISSING  # unreadable is as good as gone for a check
        return BlobState.OK if digest.hexdigest() == sha else BlobState.TAMPERED


def blobs_beside(database: Path | None) -> BlobStore | None:
    """The file store next to a store's database file (None for a store without one)."""
    return BlobStore(database.parent / FOLDER_NAME) if database is not None else None
