"""Pictures and files on a slip, a repair order or a complaint, as services (issue 21).

The desktop's thumbnails strip, full view and drop target call these: each takes the
`Store`, ids and plain inputs, runs its own transaction and returns plain view data. The
bytes go to the file store beside the database (fieldapp.store.blobs); a view names the
file's path on this laptop, so a screen reads the picture without holding a session.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from fieldapp.base.errors import FieldappError, SealedError, ValidationError, WorkflowError
from fieldapp.base.files import read_file
from fieldapp.base.timeutil import utcnow
from fieldapp.records import attachments
from fieldapp.rules.attachments import MAX_INPUT_BYTES, input_size_issues
from fieldapp.seal.sealing import FileCheck, file_problems
from fieldapp.store import Store
from fieldapp.store.attachment_models import KIND_LABELS, Attachment, AttachmentKind, OwnerKind
from fieldapp.store.blobs import BlobState, BlobStore, blobs_beside
from fieldapp.store.models import Slip

__all__ = [
    "KINDS", "AddOutcome", "AttachmentList", "AttachmentView", "OwnerKind", "add",
    "add_files", "changed_files_only", "edit", "file_problems_of", "listing", "remove",
]

KINDS: tuple[tuple[str, tuple[str, str]], ...] = tuple(
    (kind.value, KIND_LABELS[kind]) for kind in AttachmentKind)


@dataclass(frozen=True)
class AttachmentView:
    id: uuid.UUID
    sha256: str
    media_type: str
    width: int
    height: int
    size: int
    caption: str
    kind: str
    kind_label: tuple[str, str]  # (zh, en)
    original_name: str
    captured_at: datetime | None
    added_at: datetime
    added_by: str
    path: Path | None  # the file on this laptop; None while it is not here (pulled row)

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


@dataclass(frozen=True)
class AttachmentList:
    owner_kind: str
    owner_id: uuid.UUID
    items: tuple[AttachmentView, ...]
    editable: bool
    # why pictures cannot be added or changed now (zh, en); a sealed slip: amend it
    locked: tuple[str, str] | None
    sealed: bool  # a sealed slip: adding means an amendment (visit.amend)


@dataclass(frozen=True)
class AddOutcome:
    added: tuple[AttachmentView, ...]
    refused: tuple[tuple[str, str, str], ...]  # (file name, zh, en), one line each


def _blobs(store: Store) -> BlobStore:
    blobs = blobs_beside(store.path)
    if blobs is None:  # an in-memory store (never the app's): nowhere to keep files
        raise WorkflowError("此数据库没有数据目录，无法保存附件。",
                            "This store has no data folder to keep attachments in.")
    return blobs


def _view(row: Attachment, blobs: BlobStore) -> AttachmentView:
    path = blobs.path_for(row.sha256)
    return AttachmentView(
        id=row.id, sha256=row.sha256, media_type=row.media_type, width=row.width,
        height=row.height, size=row.size, caption=row.caption, kind=row.kind,
        kind_label=KIND_LABELS.get(row.kind, (row.kind, row.kind)),
        original_name=row.original_name, captured_at=row.captured_at, added_at=row.added_at,
        added_by=row.added_by, path=path if path.is_file() else None)


def _lock(session: Session, owner_kind: str, owner_id: uuid.UUID
          ) -> tuple[tuple[str, str] | None, bool]:
    record = attachments.owner_record(session, owner_kind, owner_id)
    if owner_kind != OwnerKind.SLIP:
        return None, False
    if record.is_sealed:
        return (("服务单已封存；如需补充图片，请新建更正单。",
                 "The slip is sealed; to add pictures, start an amendment."), True)
    if record.signatures:
        return (("服务单已有签名；如需修改图片，请先清除签名。",
                 "The slip has a signature; clear the signatures to change its pictures."),
                False)
    return None, False


def listing(store: Store, owner_kind: str, owner_id: uuid.UUID) -> AttachmentList:
    blobs = _blobs(store)
    with store.read() as session:
        locked, sealed = _lock(session, owner_kind, owner_id)
        rows = attachments.attachments_of(session, owner_kind, owner_id)
        return AttachmentList(owner_kind, owner_id, tuple(_view(r, blobs) for r in rows),
                              editable=locked is None, locked=locked, sealed=sealed)


def add(store: Store, owner_kind: str, owner_id: uuid.UUID, *, data: bytes, name: str = "",
        caption: str = "", kind: str = AttachmentKind.OTHER, actor_code: str,
        now: datetime | None = None) -> AttachmentView:
    """Attach these bytes (a picture from the camera, a file read by the caller)."""
    blobs = _blobs(store)
    with store.write() as session:
        row = attachments.attach(session, blobs, owner_kind=owner_kind, owner_id=owner_id,
                                 data=data, name=name, caption=caption, kind=kind,
                                 actor_code=actor_code, now=now or utcnow())
        session.flush()
        return _view(row, blobs)


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # read_file names the refusal
    if size > MAX_INPUT_BYTES:  # refused before reading 2 GB of video into memory
        raise ValidationError(input_size_issues(size))
    return read_file(path)


def add_files(store: Store, owner_kind: str, owner_id: uuid.UUID, paths: list[Path], *,
              kind: str = AttachmentKind.OTHER, actor_code: str,
              now: datetime | None = None) -> AddOutcome:
    """Files picked or dropped: each added on its own, each refusal one line naming it."""
    added: list[AttachmentView] = []
    refused: list[tuple[str, str, str]] = []
    for path in paths:
        try:
            added.append(add(store, owner_kind, owner_id, data=_read(path), name=path.name,
                             kind=kind, actor_code=actor_code, now=now))
        except FieldappError as exc:
            refused.append((path.name, exc.zh, exc.en))
            if isinstance(exc, (WorkflowError, SealedError)):
                break  # the record is locked: the next file would say the same
    return AddOutcome(tuple(added), tuple(refused))


def edit(store: Store, attachment_id: uuid.UUID, *, caption: str | None = None,
         kind: str | None = None) -> AttachmentView:
    blobs = _blobs(store)
    with store.write() as session:
        row = attachments.edit_attachment(session, attachment_id, caption=caption, kind=kind)
        session.flush()
        return _view(row, blobs)


def remove(store: Store, attachment_id: uuid.UUID, *, actor_code: str,
           now: datetime | None = None) -> None:
    with store.write() as session:
        attachments.remove_attachment(session, attachment_id, actor_code=actor_code,
                                      now=now or utcnow())


class _ChangedOnly:
    """A file check for the editor: a changed file fails; a file not on this laptop (a
    slip pulled before its files) is not a change."""

    def __init__(self, blobs: BlobStore) -> None:
        self.blobs = blobs

    def verify(self, sha: str) -> str:
        state = self.blobs.verify(sha)
        return "ok" if state == BlobState.MISSING else state


def changed_files_only(store: Store) -> FileCheck | None:
    blobs = blobs_beside(store.path)
    return _ChangedOnly(blobs) if blobs is not None else None


def file_problems_of(store: Store, slip_id: uuid.UUID) -> list[tuple[str, str]]:
    """The sealed slip's attached files re-hashed (the editor's seal check of one slip):
    one (zh, en) line per file missing or changed; none for a draft."""
    blobs = _blobs(store)
    with store.read() as session:
        slip = session.get(Slip, slip_id)
        document = slip.seal_document if slip is not None else None
    if not document:
        return []
    try:
        parsed = json.loads(document)
    except ValueError:
        return []  # a damaged document: the seal check says so
    return file_problems(parsed, blobs) if isinstance(parsed, dict) else []
