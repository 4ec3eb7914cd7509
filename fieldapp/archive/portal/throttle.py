"""Login rate limiting and lockout, kept in the database (shared by all server processes).

An account locks after `portal_lockout_failures` wrong passwords within the lockout
window, and a client address after `portal_ip_failures`; both for
`portal_lockout_minutes`. A locked account is refused even with the right password, so
guessing cannot continue during the lock. A successful login clears the account's count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.portal.models import LoginThrottle
from fieldapp.ids import new_uuid

USER, IP = "user", "ip"


@dataclass(frozen=True)
class Limits:
    user_failures: int
    ip_failures: int
    lock: timedelta

    @classmethod
    def from_settings(cls, settings: ArchiveSettings) -> Limits:
        return cls(settings.portal_lockout_failures, settings.portal_ip_failures,
                   timedelta(minutes=settings.portal_lockout_minutes))


def _keys(name: str, address: str) -> list[tuple[str, str]]:
    return [(USER, name.strip().lower()[:100]), (IP, address[:100])]


def locked_until(session: Session, *, name: str, address: str, now: datetime
                 ) -> datetime | None:
    """When the later of the account's and the address's locks ends; None if neither is."""
    keys = or_(*(and_(LoginThrottle.scope == s, LoginThrottle.key == k)
                 for s, k in _keys(name, address)))
    return session.scalar(select(LoginThrottle.locked_until).where(
        keys, LoginThrottle.locked_until > now).order_by(LoginThrottle.locked_until.desc())
        .limit(1))


def _row(session: Session, scope: str, key: str, now: datetime) -> LoginThrottle:
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else (
        sqlite_insert)
    # Insert-if-missing, then lock the row: two processes counting at once both count.
    session.execute(insert(LoginThrottle.__table__).values(
        id=new_uuid(), scope=scope, key=key,
        failures=0, first_failure_at=now).on_conflict_do_nothing())
    return session.scalars(select(LoginThrottle).where(
        LoginThrottle.scope == scope, LoginThrottle.key == key).with_for_update()).one()


def record_failure(session: Session, *, name: str, address: str, limits: Limits,
                   now: datetime) -> datetime | None:
    """Count one wrong password; returns the lock's end if this failure set one."""
    # Forget streaks that no longer count, so guessed names do not pile up rows.
    session.execute(delete(LoginThrottle).where(
        LoginThrottle.first_failure_at < now - 2 * limits.lock,
        or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now)))
    until = None
    for (scope, key), limit in zip(_keys(name, address),
                                   (limits.user_failures, limits.ip_failures), strict=True):
        row = _row(session, scope, key, now)
        if row.first_failure_at < now - limits.lock:  # an old streak no longer counts
            row.failures, row.first_failure_at = 0, now
        row.failures += 1
        if row.failures >= limit:
            row.locked_until, row.failures, row.first_failure_at = now + limits.lock, 0, now
            until = max(until or row.locked_until, row.locked_until)
    session.flush()
    return until


def record_success(session: Session, *, name: str) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.scope == USER,
                                                LoginThrottle.key == name.strip().lower()))
