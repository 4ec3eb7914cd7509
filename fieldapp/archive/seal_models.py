"""The archive's tables for device-signed seals (migration a006, docs/seal.md).

`archive_seal_keys`: each laptop's registered public key, whom it belongs to and when it
was revoked. `archive_receipts`: the receipt the archive gave for each sealed slip, so a
re-push is answered with the same receipt. `archive_signing_keys`: the archive's own
Ed25519 key, when it is not kept in a file (`FIELDAPP_ARCHIVE_RECEIPT_KEY_FILE`).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.archive.models import ArchiveBase
from fieldapp.base.timeutil import utcnow
from fieldapp.store.types import UTCDateTime


class SealKey(ArchiveBase):
    __tablename__ = "archive_seal_keys"

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(60))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("archive_users.id"), index=True)
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("archive_devices.id"),
                                                        index=True)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ArchiveReceipt(ArchiveBase):
    __tablename__ = "archive_receipts"

    slip_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(100))


class SigningKey(ArchiveBase):
    __tablename__ = "archive_signing_keys"

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    private_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
