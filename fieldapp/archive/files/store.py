"""What every backend of the archive's file store does, and picking one from settings."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

from fieldapp.base.errors import FieldappError

if TYPE_CHECKING:
    from fieldapp.archive.config import ArchiveSettings

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
READ_BLOCK = 1024 * 1024


def is_sha256(value: str) -> bool:
    """A lower-case hex SHA-256: the only name a file has here (never a path)."""
    return bool(_SHA256.match(value))


def sha256_of(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(READ_BLOCK), b""):
        digest.update(block)
    return digest.hexdigest()


def sha256_file(path: Path) -> str:
    with path.open("rb") as stream:
        return sha256_of(stream)


class FileStore(Protocol):
    """Content-addressed: a file's name is its SHA-256, so the same picture attached to
    two slips, or sent by two laptops, is stored once."""

    def has(self, sha: str) -> bool: ...

    def publish(self, sha: str, source: Path) -> bool:
        """Move the verified file `source` into the store under `sha`; False (and
        `source` removed) if it was there already. The caller checked the hash."""

    def size(self, sha: str) -> int | None: ...

    def chunks(self, sha: str) -> Iterator[bytes]:
        """The stored bytes, in blocks (the portal streams them); KeyError if absent."""

    def hash_of(self, sha: str) -> str | None:
        """The SHA-256 of what is stored under `sha` now (None: absent): a tampered or
        damaged file answers another hash (fieldapp.archive.files.checks)."""


def missing(store: FileStore, shas: Iterable[str]) -> list[str]:
    return [sha for sha in dict.fromkeys(shas) if not store.has(sha)]


def read_all(store: FileStore, sha: str) -> bytes:
    return b"".join(store.chunks(sha))


def open_file_store(settings: ArchiveSettings) -> FileStore:
    """The backend the settings name (FIELDAPP_ARCHIVE_FILES_BACKEND: folder, s3)."""
    if settings.files_backend == "folder":
        from fieldapp.archive.files.folder import FolderStore
        return FolderStore(settings.files_path)
    if settings.files_backend == "s3":
        from fieldapp.archive.files.s3 import S3Store
        return S3Store.from_settings(settings)
    named = settings.files_backend[:20]
    raise FieldappError(
        f"FIELDAPP_ARCHIVE_FILES_BACKEND 只能是 folder 或 s3（现为 {named}）。",
        f"FIELDAPP_ARCHIVE_FILES_BACKEND must be folder or s3 (it is {named}).")
