"""Pictures and files on a slip, a repair order or a complaint (issue 21).

`attach` makes the file fit to keep (fieldapp.records.pictures), checks the caps
(fieldapp.rules.attachments), writes the bytes to the content-addressed file store
(fieldapp.store.blobs) and the row in the caller's transaction. A file written for a
transaction that then fails stays in the file store unnamed: harmless, as a name is a hash.

On a slip, attachments change like the rest of its content: freely on a draft, frozen
once anyone has signed (clear the signatures first), never after sealing — the seal
(format 4) names them. A picture to add after sealing goes on an amendment
(fieldapp.records.slips.amend_slip), which starts with the sealed slip's attachments.
Repair orders and complaints are sealed or written once at intake and their handling is
events, so their attachments are evidence gathered along the way: added, captioned and
removed at any time, each removal kept as a flag with who and when.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldapp.base.errors import NotFound, SealedError, WorkflowError
from fieldapp.base.timeutil import DEFAULT_TIMEZONE, utcnow
from fieldapp.records.pictures import prepare
from fieldapp.rules.attachments import caption_issues, kind_issues, stored_size_issues
from fieldapp.rules.validation import raise_if
from fieldapp.store.attachment_models import Attachment, AttachmentKind, OwnerKind
from fieldapp.store.blobs import BlobStore
from fieldapp.store.models import Slip
from fieldapp.store.workflow_models import Complaint, RepairOrder

_OWNER_MODELS: dict[str, Any] = {OwnerKind.SLIP: Slip, OwnerKind.REPAIR: RepairOrder,
                                 OwnerKind.COMPLAINT: Complaint}
_OWNER_WORDS: dict[str, tuple[str, str]] = {
    OwnerKind.SLIP: ("服务单", "slip"), OwnerKind.REPAIR: ("送修单", "repair order"),
    OwnerKind.COMPLAINT: ("投诉", "complaint")}


def owner_record(session: Session, owner_kind: str, owner_id: uuid.UUID) -> Any:
    model = _OWNER_MODELS.get(owner_kind)
    record = session.get(model, owner_id) if model is not None else None
    if record is None:
        zh, en = _OWNER_WORDS.get(owner_kind, ("单据", "record"))
        raise NotFound(f"找不到该{zh}。", f"No such {en}.")
    return record


def _refuse_if_frozen(owner_kind: str, record: Any) -> None:
    """A slip's attachments are part of what is signed and sealed."""
    if owner_kind != OwnerKind.SLIP:
        return
    if record.is_sealed:
        raise SealedError(record.number)
    if record.signatures:
        raise WorkflowError(
            f"服务单 {record.number} 已有签名；如需修改附件，请先清除签名。",
            f"Slip {record.number} has a signature; clear the signatures before changing "
            "its attachments.")


def attachments_of(session: Session, owner_kind: str, owner_id: uuid.UUID, *,
                   include_removed: bool = False) -> list[Attachment]:
    """The owner's attachments in the order shown and sealed."""
    query = select(Attachment).where(Attachment.owner_kind == owner_kind,
                                     Attachment.owner_id == owner_id)
    if not include_removed:
        query = query.where(Attachment.removed_at.is_(None))
    return list(session.scalars(query.order_by(Attachment.position, Attachment.id)))


def attach(session: Session, blobs: BlobStore, *, owner_kind: str, owner_id: uuid.UUID,
           data: bytes, name: str = "", caption: str = "", kind: str = AttachmentKind.OTHER,
           actor_code: str, now: datetime | None = None,
           tz: str = DEFAULT_TIMEZONE) -> Attachment:
    """Add a picture or PDF to a record; ValidationError for a refused file or field."""
    record = owner_record(session, owner_kind, owner_id)
    _refuse_if_frozen(owner_kind, record)
    caption = caption.strip()
    raise_if(caption_issues(caption) + kind_issues(kind))
    prepared = prepare(data, name=name, tz=tz)
    live = attachments_of(session, owner_kind, owner_id)
    raise_if(stored_size_issues(len(prepared.data), sum(a.size for a in live), len(live)))
    sha = blobs.put(prepared.data)
    now = now or utcnow()
    position = session.scalar(select(func.max(Attachment.position)).where(
        Attachment.owner_kind == owner_kind, Attachment.owner_id == owner_id))
    attachment = Attachment(
        owner_kind=owner_kind, owner_id=owner_id, position=(position or 0) + 1, sha256=sha,
        size=len(prepared.data), media_type=prepared.media_type, width=prepared.width,
        height=prepared.height, original_name=name[-200:], caption=caption, kind=kind,
        captured_at=prepared.captured_at, added_at=now, added_by=actor_code, removed_by="",
        created_at=now, updated_at=now)
    session.add(attachment)
    return attachment


def get_attachment(session: Session, attachment_id: uuid.UUID) -> Attachment:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.removed:
        raise NotFound("找不到该附件（可能已删除）。",
                       "No such attachment (it may have been removed).")
    return attachment


def edit_attachment(session: Session, attachment_id: uuid.UUID, *, caption: str | None = None,
                    kind: str | None = None) -> Attachment:
    attachment = get_attachment(session, attachment_id)
    _refuse_if_frozen(attachment.owner_kind,
                      owner_record(session, attachment.owner_kind, attachment.owner_id))
    caption = caption.strip() if caption is not None else None
    raise_if((caption_issues(caption) if caption is not None else [])
             + (kind_issues(kind) if kind is not None else []))
    if caption is not None:
        attachment.caption = caption
    if kind is not None:
        attachment.kind = kind
    return attachment


def remove_attachment(session: Session, attachment_id: uuid.UUID, *, actor_code: str,
                      now: datetime | None = None) -> Attachment:
    """Take an attachment off its record (a flag: the row and the file stay)."""
    attachment = get_attachment(session, attachment_id)
    _refuse_if_frozen(attachment.owner_kind,
                      owner_record(session, attachment.owner_kind, attachment.owner_id))
    attachment.removed_at = now or utcnow()
    attachment.removed_by = actor_code
    return attachment


def copy_to_amendment(session: Session, original: Slip, amendment: Slip, *,
                      actor_code: str, now: datetime | None = None) -> None:
    """An amendment starts with the sealed slip's attachments (same files, new rows), as
    it starts with its fee lines; what is added, changed or removed on it is its own."""
    now = now or utcnow()
    for old in attachments_of(session, OwnerKind.SLIP, original.id):
        session.add(Attachment(
            owner_kind=OwnerKind.SLIP, owner_id=amendment.id, position=old.position,
            sha256=old.sha256, size=old.size, media_type=old.media_type, width=old.width,
            height=old.height, original_name=old.original_name, caption=old.caption,
            kind=old.kind, captured_at=old.captured_at, added_at=now, added_by=actor_code,
            removed_by="", created_at=now, updated_at=now))
