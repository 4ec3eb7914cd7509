"""The slip export with its attached files: a zip package (docs/json-format.md).

`slips.json` inside is the `fieldapp-slips` JSON (fieldapp.tools.exchange), unchanged;
beside it each file its attachment rows name, once, as `files/<sha256>` (content-addressed,
stored uncompressed: the pictures are JPEGs already). A plain JSON export (`-o x.json`,
standard output, any export made before the package) carries the rows only and still
imports: `fieldapp verify` then names the files as missing, as it always did.

Import reads either (`open_export`, by the file's first bytes, never its name). Before
anything is written, every file of the package that a row names is re-hashed and measured
(`check_files`): one whose SHA-256 or size differs from its name and its row refuses the
whole import in one line, and nothing is stored. The rows then go in as a JSON import
does; the files follow (`store_files`) into the store's content-addressed file store
(fieldapp.store.blobs) in the same transaction, so a file that cannot be written (disk
full) leaves no row behind without it. A file written before such a failure stays: it is
named by its content and harms nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from fieldapp.base.errors import FieldIssue, PathError, ValidationError
from fieldapp.base.files import read_file, write_file
from fieldapp.rules.attachments import MAX_INPUT_BYTES
from fieldapp.store.blobs import BlobState, BlobStore

JSON_NAME = "slips.json"
FILES = "files/"
ZIP_MAGIC = b"PK\x03\x04"
_SHA = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20
_STAMP = (1980, 1, 1, 0, 0, 0)  # zip entries' time: the same export, the same bytes


@dataclass(frozen=True)
class PackageWritten:
    files: int  # files carried
    missing: tuple[str, ...]  # hashes named by rows whose file is not on this laptop


def _bad(code: str, zh: str, en: str) -> ValidationError:
    return ValidationError([FieldIssue("file", code, zh, en)])


def named_files(data: dict[str, Any]) -> dict[str, tuple[int, str]]:
    """sha256 -> (size, the number of the slip it is attached to) of every file the
    export's attachment rows name (a malformed row is left to the row import)."""
    numbers = {row.get("id"): row.get("number") for row in data.get("slips") or []
               if isinstance(row, dict)}
    out: dict[str, tuple[int, str]] = {}
    for row in data.get("attachments") or []:
        if not isinstance(row, dict):
            continue
        sha, size = row.get("sha256"), row.get("size")
        if isinstance(sha, str) and _SHA.match(sha) and isinstance(size, int):
            out.setdefault(sha, (size, str(numbers.get(row.get("owner_id")) or "")))
    return out


def _where(sha: str, number: str) -> tuple[str, str]:
    short = f"{FILES}{sha[:12]}…"
    return ((f"{short}（服务单 {number}）", f"{short} (slip {number})") if number
            else (short, short))


# -- writing ---------------------------------------------------------------------------------

def write_package(path: Path, data: dict[str, Any], text: str, blobs: BlobStore | None
                  ) -> PackageWritten:
    """Write the export `text` (the JSON of `data`) and the files its rows name to
    `path`, whole or not at all. A file changed on this laptop refuses the export
    (ValidationError, one line naming it and its slip); a missing one is left out and
    named in the answer."""
    part = path.parent / f".{path.name}.{secrets.token_hex(4)}.part"
    try:
        with open(part, "xb") as handle:
            written = _write_zip(handle, data, text, blobs)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(part, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(part)
        raise PathError.from_os_error(exc, path) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(part)
        raise
    return written


def _write_zip(handle: BinaryIO, data: dict[str, Any], text: str, blobs: BlobStore | None
               ) -> PackageWritten:
    carried, missing = 0, []
    with zipfile.ZipFile(handle, "w") as package:
        info = zipfile.ZipInfo(JSON_NAME, date_time=_STAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        package.writestr(info, text.encode("utf-8"))
        for sha, (_size, number) in sorted(named_files(data).items()):
            source = _open_blob(blobs, sha)
            if source is None:
                missing.append(sha)
                continue
            entry = zipfile.ZipInfo(FILES + sha, date_time=_STAMP)
            digest = hashlib.sha256()  # re-hashed as it is copied: read once
            with source, package.open(entry, "w") as target:
                while chunk := source.read(_CHUNK):
                    digest.update(chunk)
                    target.write(chunk)
            if digest.hexdigest() != sha:
                zh, en = _where(sha, number)
                raise _bad("file_changed",
                           f"附件文件 {zh} 在本机已被改动（内容与校验码不符），未导出。",
                           f"The attached file {en} was changed on this laptop (its content "
                           "no longer has its hash); nothing was exported.")
            carried += 1
    return PackageWritten(carried, tuple(missing))


def _open_blob(blobs: BlobStore | None, sha: str) -> BinaryIO | None:
    """The stored file, or None when this laptop does not have it."""
    if blobs is None:
        return None
    path = blobs.path_for(sha)
    try:
        return path.open("rb")
    except FileNotFoundError:
        return None
    except OSError as exc:  # unreadable: say which file, not the export's path
        raise PathError.from_os_error(exc, path, action="read") from exc


# -- reading ---------------------------------------------------------------------------------

@dataclass
class Export:
    """An export read for import: its parsed JSON, and the package it came in (None for a
    plain JSON file)."""

    data: Any
    package: zipfile.ZipFile | None = None
    checked: dict[str, int] = field(default_factory=dict)  # sha -> size, passed check_files

    def check_files(self) -> None:
        """Re-hash and measure every file of the package that a row names, writing
        nothing; the first that differs from its name or its row refuses the import."""
        if self.package is None or not isinstance(self.data, dict):
            return
        held = {info.filename[len(FILES):]: info for info in self.package.infolist()
                if info.filename.startswith(FILES)}
        for sha, (size, number) in sorted(named_files(self.data).items()):
            info = held.get(sha)
            if info is None:
                continue  # not in the package: imported as a JSON export's row is
            if info.file_size != size or size > MAX_INPUT_BYTES or self._hash(info) != sha:
                zh, en = _where(sha, number)
                raise _bad("file_mismatch",
                           f"导出文件中的附件文件 {zh} 与其 SHA-256 或大小不符，未导入任何内容。",
                           f"The attached file {en} in the export does not match its SHA-256 "
                           "or size; nothing was imported.")
            self.checked[sha] = size

    def _hash(self, info: zipfile.ZipInfo) -> str:
        digest = hashlib.sha256()
        try:
            with self.package.open(info) as member:  # type: ignore[union-attr]
                while chunk := member.read(_CHUNK):
                    digest.update(chunk)
        except (zipfile.BadZipFile, OSError, EOFError):  # a damaged entry (its CRC)
            return ""
        return digest.hexdigest()

    def store_files(self, blobs: BlobStore | None) -> int:
        """Put the checked files into `blobs` (those it holds intact already are skipped,
        a changed copy here is replaced by the checked one); how many it holds now of
        those checked."""
        if blobs is None or self.package is None:
            return 0
        for sha in sorted(self.checked):
            state = blobs.verify(sha)
            if state == BlobState.OK:
                continue
            try:
                content = self.package.read(FILES + sha)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise _changed(sha) from exc
            if state == BlobState.TAMPERED:  # put() keeps a file of the same name and size
                if hashlib.sha256(content).hexdigest() != sha:
                    raise _changed(sha)
                write_file(blobs.path_for(sha), content)
            elif blobs.put(content) != sha:  # the package changed since the check (what
                raise _changed(sha)           # was put is named by its own hash: harmless)
        return len(self.checked)


def _changed(sha: str) -> ValidationError:
    zh, en = _where(sha, "")
    return _bad("file_mismatch",
                f"导入时导出文件中的附件文件 {zh} 发生了变化，未导入任何内容。",
                f"The attached file {en} in the export changed during the import; nothing "
                "was imported.")


def _not_json(exc: Exception) -> ValidationError:
    return _bad("not_json", f"文件不是有效的 JSON：{exc}", f"The file is not valid JSON: {exc}")


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _not_json(exc) from exc


@contextlib.contextmanager
def open_export(path: Path) -> Iterator[Export]:
    """A JSON export or a package, by its first bytes; a file that is neither, or a
    package without `slips.json`, is refused in one line."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(ZIP_MAGIC))
    except OSError as exc:
        raise PathError.from_os_error(exc, path, action="read") from exc
    if head != ZIP_MAGIC:
        yield Export(_json(read_file(path)))
        return
    try:
        package = zipfile.ZipFile(path)
    except OSError as exc:
        raise PathError.from_os_error(exc, path, action="read") from exc
    except zipfile.BadZipFile as exc:
        raise _bad("bad_import", f"导出包已损坏：{exc}", f"The export package is damaged: {exc}"
                   ) from exc
    with package:
        try:
            raw = package.read(JSON_NAME)
        except KeyError as exc:
            raise _bad("bad_import", f"导出包中没有 {JSON_NAME}，不是 fieldapp 服务单导出文件。",
                       f"The package has no {JSON_NAME}: not a fieldapp slip export.") from exc
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise _bad("bad_import", f"导出包已损坏：{exc}",
                       f"The export package is damaged: {exc}") from exc
        yield Export(_json(raw), package)
