"""Customer login sessions: a random cookie token, its SHA-256 in the database, a fixed
lifetime, and a per-session CSRF token for the forms."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request, Response
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.models import User
from fieldapp.archive.portal.models import PortalSession
from fieldapp.archive.security import token_digest

SESSION_COOKIE = "fa_portal_session"
# Before login there is no session: the login form's CSRF token is a double-submit cookie.
FORM_COOKIE = "fa_portal_form"
PORTAL_ROLE = "customer"


@dataclass(frozen=True)
class LoggedIn:
    session_id: str
    user: User
    csrf_token: str


def new_token() -> str:
    return secrets.token_urlsafe(32)


def start_session(session: Session, *, user: User, lifetime: timedelta,
                  now: datetime) -> str:
    """A new session for `user`; returns the cookie token (shown once, never stored)."""
    token = new_token()
    session.execute(delete(PortalSession).where(PortalSession.expires_at < now))
    session.add(PortalSession(token_hash=token_digest(token), user_id=user.id,
                              csrf_token=new_token(), created_at=now,
                              expires_at=now + lifetime))
    session.flush()
    return token


def session_for(session: Session, *, token: str, now: datetime) -> LoggedIn | None:
    """The live session of an active customer account for this cookie, else None."""
    if not token:
        return None
    row = session.execute(
        select(PortalSession, User).join(User, User.id == PortalSession.user_id)
        .where(PortalSession.token_hash == token_digest(token))).first()
    if row is None:
        return None
    portal_session, user = row
    if portal_session.expires_at <= now or not user.active or user.role != PORTAL_ROLE:
        return None
    return LoggedIn(str(portal_session.id), user, portal_session.csrf_token)


def end_session(session: Session, *, token: str) -> None:
    session.execute(delete(PortalSession).where(PortalSession.token_hash == token_digest(token)))


def csrf_ok(sent: str, expected: str) -> bool:
    return bool(sent) and bool(expected) and hmac.compare_digest(sent, expected)


def cookie_secure(settings: ArchiveSettings, request: Request) -> bool:
    mode = settings.portal_cookie_secure.strip().lower()
    if mode in ("always", "true", "1", "yes"):
        return True
    if mode in ("never", "false", "0", "no"):
        return False
    return request.url.scheme == "https"  # behind nginx: uvicorn --proxy-headers


def set_cookie(response: Response, request: Request, settings: ArchiveSettings, key: str,
               value: str, max_age: int | None = None) -> None:
    response.set_cookie(key, value, max_age=max_age, path="/portal", httponly=True,
                        samesite="lax", secure=cookie_secure(settings, request))
