"""A customer's pictures: the attachments of their own sealed slips, repair orders and
complaints, found by the attachment's id and the owner's customer, never by a hash or a
path (a guessed address answers 404 like a missing one). A draft slip's pictures are not
shown, as its contents are not (docs/portal.md).

`shown_owners` states that rule once, in SQL: the picture addresses check one attachment
against it, and the analysis reports (fieldapp.archive.reports.figures) find with it
the pictures of every request their findings name, in two batched queries."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, literal, select, union_all
from sqlalchemy.orm import Session

from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.files.store import FileStore, open_file_store, read_all
from fieldapp.base.errors import FieldappError
from fieldapp.store.attachment_models import KIND_LABELS, Attachment, OwnerKind
from fieldapp.store.models import ServiceRequest, Slip
from fieldapp.store.workflow_models import Complaint, RepairOrder

THUMB_SIDE = 320  # pixels, the long side: three to a phone's row at 2x
REPORT_THUMB_SIDE = 160  # pixels: a report's thumbnails are 40 pt tall (about 200 dpi)
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
    position: int = 0  # its place among its record's pictures


_PER_QUERY = 500  # numbers or ids per IN (...): well under any parameter limit


def shown_pictures_of_requests(session: Session, customer_id: uuid.UUID,
                               request_numbers: Collection[str]) -> list[ShownPicture]:
    """The pictures (not removed) the portal shows this customer of the slips, repair
    orders and complaints of these requests (by number), in the order the records show
    them. Two batched queries whatever the number of requests (per 500): the records,
    found from the requests' numbers (`shown_owners`), then their pictures by owner —
    each led by an index, so a year's report with thousands of requests named costs
    what it names, not a scan of every picture."""
    numbers = sorted(set(request_numbers))
    owners: dict[tuple[str, uuid.UUID], tuple[str, str]] = {}  # -> (number, request number)
    for start in range(0, len(numbers), _PER_QUERY):
        chunk = numbers[start:start + _PER_QUERY]
        branches = []
        for kind, shown_query in shown_owners(customer_id).items():
            shown = shown_query.subquery()
            branches.append(
                select(literal(kind).label("kind"), shown.c.id, shown.c.number,
                       ServiceRequest.number.label("request_number"))
                .join(ServiceRequest, ServiceRequest.id == shown.c.request_id)
                .where(ServiceRequest.customer_id == customer_id,
                       ServiceRequest.number.in_(chunk)))
        for row in session.execute(union_all(*branches)):
            owners[(row.kind, row.id)] = (row.number, row.request_number)
    out: list[ShownPicture] = []
    for kind in sorted({kind for kind, _id in owners}):
        ids = sorted(owner_id for k, owner_id in owners if k == kind)
        for start in range(0, len(ids), _PER_QUERY):
            for a in session.execute(
                    select(Attachment.id, Attachment.kind, Attachment.owner_id,
                           Attachment.position)
                    .where(Attachment.owner_kind == kind,
                           Attachment.owner_id.in_(ids[start:start + _PER_QUERY]),
                           Attachment.removed_at.is_(None))):
                number, request_number = owners[(kind, a.owner_id)]
                out.append(ShownPicture(a.id, a.kind, kind, a.owner_id, number, request_number,
                                        a.position))
    out.sort(key=lambda p: (p.request_number, p.owner_kind, p.owner_number, p.position,
                            p.id))
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


def report_thumbnails(session: Session, store: FileStore, customer_id: uuid.UUID
                      ) -> Callable[[str], bytes | None]:
    """Small pictures by attachment id for this customer's report PDF: only what
    `customer_attachment` lets them see and the store holds (None otherwise: the report
    then names and links the picture without drawing it)."""
    def load(attachment_id: str) -> bytes | None:
        try:
            found = customer_attachment(session, customer_id, uuid.UUID(attachment_id))
        except ValueError:
            return None
        if found is None or not found.is_image or not store.has(found.sha256):
            return None
        try:
            return thumbnail(read_all(store, found.sha256), REPORT_THUMB_SIDE)
        except (OSError, ValueError):  # damaged: no thumbnail
            return None
    return load


def configured_store(settings: ArchiveSettings) -> FileStore | None:
    """The archive's file store for a report's thumbnails outside a request (the CLI's
    export, the e-mailed PDF); None when it cannot be opened: the report then names and
    links its pictures without drawing them."""
    try:
        return open_file_store(settings)
    except FieldappError:
        return None
