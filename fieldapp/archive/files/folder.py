"""The default file store: a folder on the archive's disk, `ab/cd/abcd…` by hash."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from fieldapp.archive.files.store import READ_BLOCK, is_sha256, sha256_file


class FolderStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def path(self, sha: str) -> Path:
        if not is_sha256(sha):  # the name goes into a path: nothing else may
            raise KeyError(sha)
        return self.root / sha[:2] / sha[2:4] / sha

    def has(self, sha: str) -> bool:
        return is_sha256(sha) and self.path(sha).is_file()

    def publish(self, sha: str, source: Path) -> bool:
        """Hard-link `source` (fsynced by the caller) into place: the file appears whole
        or not at all, and a second upload of it finds it there."""
        target = self.path(sha)
        if target.is_file():
            source.unlink(missing_ok=True)
            return False
        target.parent.mkdir(parents=True, exist_ok=True)  # `source` is fsynced by the caller
        # os.link fails if another upload of the same file won the race: stored once
        try:
            os.link(source, target)
        except FileExistsError:
            return False
        except OSError:  # a filesystem without hard links, or source on another one
            os.replace(source, target)
            return True
        finally:
            with contextlib.suppress(FileNotFoundError):
                source.unlink()
        target.chmod(0o444)  # content-addressed files never change
        return True

    def size(self, sha: str) -> int | None:
        try:
            return self.path(sha).stat().st_size
        except (KeyError, OSError):
            return None

    def chunks(self, sha: str) -> Iterator[bytes]:
        try:
            stream = self.path(sha).open("rb")
        except FileNotFoundError as exc:
            raise KeyError(sha) from exc
        with stream:
            yield from iter(lambda: stream.read(READ_BLOCK), b"")

    def hash_of(self, sha: str) -> str | None:
        try:
            return sha256_file(self.path(sha))
        except (KeyError, FileNotFoundError):
            return None
