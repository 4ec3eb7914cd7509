"""A customer's pictures: the attachments of their own sealed slips, repair orders and
complaints, found by the attachment's id and the owner's customer, never by a hash or a
path (a guessed address answers 404 like a missing one). A draft slip's pictures are not
shown, as its contents are not (docs/portal.md)."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.store.attachment_models import KIND_LABELS, Attachment, OwnerKind
from fieldapp.store.models import ServiceRequest, Slip
from fieldapp.store.workflow_models import Complaint, RepairOrder

THUMB_SIDE = 320  # pixels, the long side: three to a phone's row at 2x
MAX_PHOTOS = 60  # per record shown (the laptop caps a record at 30 files)


@dataclass(frozen=True)
class Photo:
    id: uuid.UUID
    caption: str
    kind_zh: str
    kind_en: str
    is_image: bool
    width: int
    height: int


def _photo(a: Attachment) -> Photo:
    zh, en = KIND_LABELS.get(a.kind, ("其他", "Other"))
    return Photo(a.id, a.caption, zh, en, a.is_image, a.width, a.height)


def photos_of(session: Session, kind: OwnerKind, owner_id: uuid.UUID) -> list[Photo]:
    """The pictures of one record the caller has found to be the customer's, in order."""
    return [_photo(a) for a in session.scalars(
        select(Attachment).where(Attachment.owner_kind == kind, Attachment.owner_id == owner_id,
                                 Attachment.removed_at.is_(None))
        .order_by(Attachment.position, Attachment.id).limit(MAX_PHOTOS))]


def customer_attachment(session: Session, customer_id: uuid.UUID, attachment_id: uuid.UUID
                        ) -> Attachment | None:
    """The attachment if its record is this customer's and shown on the portal (a sealed
    slip, a repair order, a complaint), else None: the same 404 as a typo."""
    found = session.get(Attachment, attachment_id)
    if found is None or found.removed_at is not None:
        return None
    if found.owner_kind == OwnerKind.SLIP:
        owner = session.scalar(select(ServiceRequest.customer_id).join(
            Slip, Slip.request_id == ServiceRequest.id).where(
            Slip.id == found.owner_id, Slip.seal.is_not(None)))
    elif found.owner_kind == OwnerKind.REPAIR:
        owner = session.scalar(select(ServiceRequest.customer_id).join(
            RepairOrder, RepairOrder.request_id == ServiceRequest.id).where(
            RepairOrder.id == found.owner_id))
    elif found.owner_kind == OwnerKind.COMPLAINT:
        owner = session.scalar(select(Complaint.customer_id).where(
            Complaint.id == found.owner_id))
    else:
        return None
    return found if owner == customer_id else None


def thumbnail(data: bytes, side: int = THUMB_SIDE) -> bytes:
    """A small JPEG of a stored picture (already a JPEG at most 2,048 px: quick)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (side, side))  # JPEG: decode at a reduced scale
        image.thumbnail((side, side))
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()
