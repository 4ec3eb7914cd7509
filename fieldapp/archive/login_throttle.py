"""The one login throttle: every way to log in (the portal's form, the laptops' API, any
later one) goes through `attempt_login`, so they count the same failures.

Failures are counted per account name and per client address, in the database (every
server process behind a load balancer counts the same). An account locks after
`user_failures` wrong passwords within `lock`, an address after `ip_failures`; a locked
account or address is refused even with the right password, so guessing cannot go on
during a lock. Each further failure after a lock ends locks again for twice as long
(exponential back-off, capped at `MAX_LOCK`); a successful login clears the account's
count, and a quiet `MEMORY` forgets the rest.

Unknown names, wrong passwords, disabled accounts and accounts that do not belong here
(a customer on the laptops' API, an engineer on the portal) get the same answer and are
counted alike, with the same argon2 cost. Every refusal is one audit line on the
`fieldapp.archive.audit` logger, without the name typed or the password.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.models import User
from fieldapp.archive.portal.models import LoginThrottle
from fieldapp.archive.security import DUMMY_HASH, verify_password
from fieldapp.base.ids import new_uuid

audit = logging.getLogger("fieldapp.archive.audit")

USER, IP = "user", "ip"
MAX_LOCK = timedelta(hours=24)
MEMORY = timedelta(hours=24)  # a lock is remembered this long for the back-off
# Who may log in where: customers on their portal, everyone else on a laptop.
PORTAL = frozenset({"customer"})
LAPTOP = frozenset({"engineer", "staff", "admin"})


@dataclass(frozen=True)
class Limits:
    user_failures: int
    ip_failures: int
    lock: timedelta

    @classmethod
    def from_settings(cls, settings: ArchiveSettings) -> Limits:
        return cls(settings.portal_lockout_failures, settings.portal_ip_failures,
                   timedelta(minutes=settings.portal_lockout_minutes))


@dataclass(frozen=True)
class Attempt:
    """One login as typed, from where, on which entrance (`channel`, for the audit)."""

    name: str
    password: str
    address: str
    channel: str
    roles: frozenset[str]


@dataclass(frozen=True)
class Outcome:
    user: User | None  # None: refused
    locked_until: datetime | None = None  # set when refused because of a lock


def attempt_login(session: Session, attempt: Attempt, *, limits: Limits,
                  now: datetime) -> Outcome:
    """Check a login against the throttle and the password; count and audit a refusal.
    The caller commits `session` whatever the outcome (a refusal is counted)."""
    until = locked_until(session, name=attempt.name, address=attempt.address, now=now)
    if until is not None:
        _audit(attempt, "locked", None, until)
        return Outcome(None, until)
    user = session.scalar(select(User).where(User.name == attempt.name.strip()))
    good = verify_password(user.password_hash if user else DUMMY_HASH, attempt.password)
    reason = ("unknown_account" if user is None else "wrong_password" if not good
              else "disabled" if not user.active
              else "wrong_entrance" if user.role not in attempt.roles else "")
    if not reason:
        record_success(session, name=attempt.name)
        return Outcome(user)
    until = record_failure(session, name=attempt.name, address=attempt.address,
                           limits=limits, now=now)
    _audit(attempt, reason, user, until)
    return Outcome(None, until)


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


def lock_length(failures: int, limit: int, base: timedelta) -> timedelta:
    """The lock set by the `failures`-th failure in a row: `base` at the limit, doubling
    with every failure after it, at most MAX_LOCK."""
    doubling: float = 2.0 ** min(failures - limit, 20)  # int ** int is Any in typeshed
    return min(base * doubling, MAX_LOCK)


def record_failure(session: Session, *, name: str, address: str, limits: Limits,
                   now: datetime) -> datetime | None:
    """Count one failed login; returns the lock's end if this failure set one."""
    # Forget what no longer counts, so guessed names do not pile up rows.
    session.execute(delete(LoginThrottle).where(or_(
        and_(LoginThrottle.locked_until.is_(None),
             LoginThrottle.first_failure_at < now - 2 * limits.lock),
        LoginThrottle.locked_until < now - MEMORY)))
    until = None
    for (scope, key), limit in zip(_keys(name, address),
                                   (limits.user_failures, limits.ip_failures), strict=True):
        row = _row(session, scope, key, now)
        if row.locked_until is None and row.first_failure_at < now - limits.lock:
            row.failures, row.first_failure_at = 0, now  # an old streak no longer counts
        row.failures += 1
        if row.failures >= limit:  # the streak stays counted: the next lock is longer
            row.locked_until = now + lock_length(row.failures, limit, limits.lock)
            until = max(until or row.locked_until, row.locked_until)
    session.flush()
    return until


def record_success(session: Session, *, name: str) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.scope == USER,
                                                LoginThrottle.key == name.strip().lower()))


def account_ref(name: str) -> str:
    """A stable reference to a typed name for the audit log: the name itself may be a
    person's, or a password typed into the wrong field."""
    return hashlib.sha256(name.strip().lower().encode("utf-8")).hexdigest()[:12]


def _audit(attempt: Attempt, reason: str, user: User | None, until: datetime | None) -> None:
    audit.warning("login refused: %s", reason, extra={
        "event": "login_refused", "channel": attempt.channel, "reason": reason,
        "user_id": str(user.id) if user is not None else "",
        "account_ref": account_ref(attempt.name), "client": attempt.address,
        "locked_until": until.isoformat() if until else ""})
