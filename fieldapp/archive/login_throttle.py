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

Staff lift a lock before it ends with `unlock` (`fieldapp-archive users unlock`), which
also forgets the failures and the back-off; `locks` lists what is locked now. A refusal
says how long to wait (`wait_words`), and the answer's `Retry-After` carries the seconds
(`retry_after`).
"""

from __future__ import annotations

import hashlib
import logging
import math
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
from fieldapp.base.timeutil import format_local

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


def retry_after(until: datetime, now: datetime) -> int:
    """Whole seconds until `until` (at least 1): an HTTP `Retry-After`."""
    return max(1, math.ceil((until - now).total_seconds()))


def wait_words(seconds: int) -> tuple[str, str]:
    """A wait said for people (zh, en): 45 秒 / 15 分钟 / 3 小时, rounded up."""
    if seconds < 60:
        return f"{seconds} 秒", f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return f"{minutes} 分钟", f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = math.ceil(minutes / 60)
    return f"{hours} 小时", f"{hours} hours"


def lock_message(until: datetime, now: datetime) -> tuple[str, str]:
    """What a locked login is told (zh, en): until when, and how long that is from now."""
    zh_wait, en_wait = wait_words(retry_after(until, now))
    return (f"登录失败次数过多，账号已暂时锁定，请在 {format_local(until)}（约 {zh_wait}后）"
            "再试。",
            f"Too many failed logins: locked until {format_local(until)} (in about "
            f"{en_wait}). Try again after that.")


@dataclass(frozen=True)
class Lock:
    """One row of the throttle: an account name (as typed, lower-cased) or an address."""

    scope: str  # USER or IP
    key: str
    failures: int
    locked_until: datetime | None  # None or past: counting failures, not locked


def locks(session: Session, *, now: datetime) -> list[Lock]:
    """What is locked now, the latest-ending first."""
    rows = session.scalars(select(LoginThrottle).where(LoginThrottle.locked_until > now)
                           .order_by(LoginThrottle.locked_until.desc(), LoginThrottle.key))
    return [Lock(r.scope, r.key, r.failures, r.locked_until) for r in rows]


def unlock(session: Session, *, name: str = "", address: str = "", now: datetime,
           user: User | None = None, channel: str = "cli") -> list[Lock]:
    """Lift the lock of an account name and/or a client address before it ends, and forget
    their failures and back-off (a fresh start). Returns what was there (locked or only
    counting); one audit line, without the name or a person's data: the account is
    `account_ref` and `user_id`, as in the refusals' lines."""
    keys = [(s, k) for s, k in _keys(name, address.strip())
            if (s == USER and name.strip()) or (s == IP and address.strip())]
    if not keys:
        return []
    where = or_(*(and_(LoginThrottle.scope == s, LoginThrottle.key == k) for s, k in keys))
    found = [Lock(r.scope, r.key, r.failures, r.locked_until)
             for r in session.scalars(select(LoginThrottle).where(where))]
    session.execute(delete(LoginThrottle).where(where))
    session.flush()
    lifted = [lock.locked_until for lock in found
              if lock.locked_until is not None and lock.locked_until > now]
    audit.warning("login unlocked", extra={
        "event": "login_unlocked", "channel": channel,
        "user_id": str(user.id) if user is not None else "",
        "account_ref": account_ref(name) if name.strip() else "",
        "client": address.strip(), "was_locked": bool(lifted),
        "locked_until": max(lifted).isoformat() if lifted else ""})
    return found


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
