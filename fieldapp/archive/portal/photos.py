"""A customer's pictures: the attachments of their own sealed slips, repair orders and
complaints, found by the attachment's id and the owner's customer, never by a hash or a
path (a guessed address answers 404 like a missing one). A draft slip's pictures are not
shown, as its contents are not (docs/portal.md).

`shown_owners` states that rule once, in SQL: the picture addresses check one attachment
against it, and the analysis reports (fieldapp.archive.reports.figures) count the
pictures of every record their findings name in one query with it."""

from __future__ import annotations

import io
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, literal, select, union_all
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


def shown_owners(customer_id: uuid.UUID) -> dict[str, Select[Any, Any, Any]]:
    """Per owner kind, this customer's records whose pictures the portal shows, as
    (id, number, request_id): their sealed slips (a draft's contents are not shown), their
    repair orders, their complaints (request_id may be None)."""
    return {
        OwnerKind.SLIP.value: select(Slip.id, Slip.number, Slip.request_id)
        .join(ServiceRequest, ServiceRequest.id == Slip.request_id)
        .where(ServiceRequest.customer_id == customer_id, Slip.seal.is_not(None)),
        OwnerKind.REPAIR.value: select(RepairOrder.id, RepairOrder.number, RepairOrder.request_id)
        .join(ServiceRequest, ServiceRequest.id == RepairOrder.request_id)
        .where(ServiceRequest.customer_id == customer_id),
        OwnerKind.COMPLAINT.value: select(Complaint.id, Complaint.number, Complaint.request_id)
        .where(Complaint.customer_id == customer_id),
    }


def customer_attachment(session: Session, customer_id: uuid.UUID, attachment_id: uuid.UUID
                        ) -> Attachment | None:
    """The attachment if its record is this customer's and shown on the portal (a sealed
    slip, a repair order, a complaint: `shown_owners`), else None: the same 404 as a typo."""
    found = session.get(Attachment, attachment_id)
    if found is None or found.removed_at is not None:
        return None
    owners = shown_owners(customer_id).get(found.owner_kind)
    if owners is None:
        return None
    shown = owners.subquery()
    hit = session.scalar(select(shown.c.id).where(shown.c.id == found.owner_id))
    return found if hit is not None else None


@dataclass(frozen=True)
class ShownPicture:
    """A picture the customer sees on the portal, with the record it belongs to."""

    id: uuid.UUID
    kind: str  # AttachmentKind
    owner_kind: str  # OwnerKind
    owner_id: uuid.UUID
    owner_number: str  # S-… / P-… / C-…
    request_number: str  # the service request the record belongs to


_NUMBERS_PER_QUERY = 500  # request numbers per IN (...): well under any parameter limit


def shown_pictures_of_requests(session: Session, customer_id: uuid.UUID,
                               request_numbers: Collection[str]) -> list[ShownPicture]:
    """The pictures (not removed) the portal shows this customer of the slips, repair
    orders and complaints of these requests (by number), in the order the records show
    them: one query (per 500 numbers) whatever the number of requests."""
    numbers = sorted(set(request_numbers))
    out: list[ShownPicture] = []
    for start in range(0, len(numbers), _NUMBERS_PER_QUERY):
        chunk = numbers[start:start + _NUMBERS_PER_QUERY]
        branches = []
        for kind, owners in shown_owners(customer_id).items():
            shown = owners.subquery()
            branches.append(
                select(Attachment.id, Attachment.kind, literal(kind).label("owner_kind"),
                       shown.c.id.label("owner_id"), shown.c.number.label("owner_number"),
                       ServiceRequest.number.label("request_number"),
                       Attachment.position)
                .join(shown, and_(Attachment.owner_kind == kind, Attachment.owner_id == shown.c.id))
                .join(ServiceRequest, ServiceRequest.id == shown.c.request_id)
                .where(Attachment.removed_at.is_(None), ServiceRequest.customer_id == customer_id,
                       ServiceRequest.number.in_(chunk)))
        every = union_all(*branches).subquery()
        query = select(every).order_by(every.c.request_number, every.c.owner_kind,
                                       every.c.owner_number, every.c.position, every.c.id)
        out += [ShownPicture(row.id, row.kind, row.owner_kind, row.owner_id, row.owner_number,
                             row.request_number) for row in session.execute(query)]
    return out


def thumbnail(data: bytes, side: int = THUMB_SIDE) -> bytes:
    """A small JPEG of a stored picture (already a JPEG at most 2,048 px: quick)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (side, side))  # JPEG: decode at a reduced scale
        image.thumbnail((side, side))
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()
