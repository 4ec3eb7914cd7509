"""The archive's own tables: users, device tokens, the received log and the change log.

They live beside the core's tables (same database) but have their own Alembic history
(`fieldapp/archive/migrations`, version table ``archive_alembic_version``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from fieldapp.base.ids import new_uuid
from fieldapp.base.timeutil import utcnow
from fieldapp.store.models import NAMING_CONVENTION
from fieldapp.store.types import UTCDateTime


class Role(StrEnum):
    """`archive_users.role` (docs/archive.md): customers log in on the portal only, the
    others on a laptop only."""

    ENGINEER = "engineer"
    STAFF = "staff"  # the service centre
    CUSTOMER = "customer"
    ADMIN = "admin"


# Plain strings: click.Choice would match an Enum member by its name (ENGINEER).
ROLES = tuple(role.value for role in Role)
# A BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER PRIMARY KEY.
SeqInt = BigInteger().with_variant(Integer, "sqlite")


class ArchiveBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    __table__: ClassVar[Table]  # (as fieldapp.store.models.Base)


class User(ArchiveBase):
    __tablename__ = "archive_users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    engineer_code: Mapped[str] = mapped_column(String(8), default="")
    customer_code: Mapped[str] = mapped_column(String(32), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeviceToken(ArchiveBase):
    """An enrolled laptop. Only the SHA-256 of its random token is stored."""

    __tablename__ = "archive_devices"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("archive_users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_cursor: Mapped[int] = mapped_column(SeqInt, default=0)
    clock_skew_seconds: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # which hundred of each day's numbers this laptop hands out (fieldapp.records.numbering)
    number_block: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Received(ArchiveBase):
    """Every record version accepted from a laptop: when it arrived, and the laptop's time."""

    __tablename__ = "archive_received"

    id: Mapped[int] = mapped_column(SeqInt, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    content_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    laptop_time: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the batch's client_time
    record_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clock_skew_seconds: Mapped[int] = mapped_column(Integer, default=0)
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("archive_devices.id"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("archive_users.id"))


Index("ix_archive_received_record", Received.table_name, Received.record_id)


class Change(ArchiveBase):
    """The pull feed: one row per record, moved to a new, higher `seq` on every change."""

    __tablename__ = "archive_changes"
    # never reuse a seq, even after a delete
    __table_args__ = ({"sqlite_autoincrement": True},)

    seq: Mapped[int] = mapped_column(SeqInt, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The device whose push made this change: it holds the content already, so its own
    # pulls step over it (no record comes straight back to the laptop that sent it).
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


Index("ix_archive_changes_record", Change.table_name, Change.record_id, unique=True)
