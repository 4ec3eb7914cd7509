"""The portal's own tables: login sessions and the login throttle (migration a003).

Both live in the database, not in a process, so several server processes behind a load
balancer share one lockout state and one set of sessions.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.archive.models import ArchiveBase
from fieldapp.base.ids import new_uuid
from fieldapp.base.timeutil import utcnow
from fieldapp.store.types import UTCDateTime


class PortalSession(ArchiveBase):
    """A customer's login. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "archive_portal_sessions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("archive_users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class LoginThrottle(ArchiveBase):
    """Failed logins per account name (scope 'user') or per client address (scope 'ip')."""

    __tablename__ = "archive_portal_throttle"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    scope: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(100))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
