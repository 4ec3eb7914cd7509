"""Pictures and files attached to a slip, a repair order or a complaint (issue 21, 0011).

A row describes one attachment; the bytes live in the content-addressed file store beside
the database (fieldapp.store.blobs), named by `sha256`. The owner is (`owner_kind`,
`owner_id`) without a foreign key, like events: a row may reach another laptop or the
archive before the record it belongs to.

A row changes only while its owner is a draft slip (caption, kind, removal). Removal is a
flag (`removed_at`, `removed_by`), never a DELETE: the sync sends changed rows, not deletions,
and the archive keeps what it was told. A sealed slip's seal (format 4) names its
attachments' hashes, captions and kinds; a picture added after sealing belongs to an
amendment (a new slip, fieldapp.records.slips.amend_slip).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.store.models import Record
from fieldapp.store.types import UTCDateTime


class OwnerKind(StrEnum):
    """`attachments.owner_kind`: which table `owner_id` names."""

    SLIP = "slip"
    REPAIR = "repair"
    COMPLAINT = "complaint"


class AttachmentKind(StrEnum):
    """`attachments.kind`: what the picture shows."""

    BEFORE = "before"
    AFTER = "after"
    SERIAL_PLATE = "serial_plate"
    DAMAGE = "damage"
    PART = "part"
    OTHER = "other"


KIND_LABELS: dict[str, tuple[str, str]] = {  # (zh, en), keyed by the members
    AttachmentKind.BEFORE: ("维修前", "Before"),
    AttachmentKind.AFTER: ("维修后", "After"),
    AttachmentKind.SERIAL_PLATE: ("铭牌/序列号", "Serial plate"),
    AttachmentKind.DAMAGE: ("损坏情况", "Damage"),
    AttachmentKind.PART: ("更换部件", "Part"),
    AttachmentKind.OTHER: ("其他", "Other"),
}


class Attachment(Record):
    __tablename__ = "attachments"

    owner_kind: Mapped[str] = mapped_column(String(10))  # OwnerKind
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    position: Mapped[int] = mapped_column(Integer, default=0)  # order shown and sealed
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # the stored bytes' name
    size: Mapped[int] = mapped_column(Integer)  # bytes as stored (after re-encoding)
    media_type: Mapped[str] = mapped_column(String(60))  # image/jpeg, application/pdf …
    width: Mapped[int] = mapped_column(Integer, default=0)  # pixels; 0 for a document
    height: Mapped[int] = mapped_column(Integer, default=0)
    original_name: Mapped[str] = mapped_column(String(200), default="")  # as picked
    caption: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default=AttachmentKind.OTHER)
    # when the picture was taken (EXIF DateTimeOriginal, camera's local time read in the
    # laptop's zone), None when the file does not say
    captured_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    added_by: Mapped[str] = mapped_column(String(8))  # engineer/operator code
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by: Mapped[str] = mapped_column(String(8), default="")

    @property
    def removed(self) -> bool:
        return self.removed_at is not None

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


Index("ix_attachments_owner", Attachment.owner_kind, Attachment.owner_id, Attachment.position)
