"""What every portal page needs: the templates, the logged-in customer, and the answers
for "log in first" and "not found" (an HTML page, never a JSON error)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.db import Database
from fieldapp.archive.portal import i18n
from fieldapp.archive.portal.labels import TABLES
from fieldapp.archive.portal.sessions import (
    FORM_COOKIE,
    SESSION_COOKIE,
    LoggedIn,
    new_token,
    session_for,
    set_cookie,
)
from fieldapp.base.money import format_yuan
from fieldapp.base.timeutil import format_local, utcnow
from fieldapp.sla import label as sla_label
from fieldapp.store.models import Customer

PREFIX = "/portal"
PAGE_SIZE = 25
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


class LoginRequired(Exception):
    """No valid session: the answer is a redirect to the login page."""


class PortalNotFound(Exception):
    """Not there, or not this customer's: the same 404 page either way."""


class FormRefused(Exception):
    """A POST without the right CSRF token."""


@dataclass(frozen=True)
class Viewer:
    login: LoggedIn
    customer_id: uuid.UUID
    customer_name: str

    @property
    def csrf_token(self) -> str:
        return self.login.csrf_token


# Starlette's `app.state` holds Any: these two name what the portal's app put there.
def db_of(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def settings_of(request: Request) -> ArchiveSettings:
    settings: ArchiveSettings = request.app.state.settings
    return settings


def read_session(request: Request) -> Iterator[Session]:
    with db_of(request).read() as session:
        yield session


ReadSession = Annotated[Session, Depends(read_session)]


def viewer_in(session: Session, request: Request) -> Viewer:
    login = session_for(session, token=request.cookies.get(SESSION_COOKIE, ""), now=utcnow())
    if login is None:
        raise LoginRequired
    customer = session.execute(select(Customer.id, Customer.name).where(
        Customer.code == login.user.customer_code)).first()
    if customer is None:  # an account for a customer the archive does not have yet
        raise LoginRequired
    return Viewer(login, customer.id, customer.name)


def current_viewer(request: Request, session: ReadSession) -> Viewer:
    return viewer_in(session, request)


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]


def parse_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise PortalNotFound from None


def page_number(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or 1), 100_000))
    except ValueError:
        return 1


def render(request: Request, name: str, context: dict[str, Any] | None = None, *,
           viewer: Viewer | None = None, status_code: int = 200) -> HTMLResponse:
    lang = i18n.language_of(request)
    settings = settings_of(request)
    tz = "Asia/Shanghai"
    form_token = request.cookies.get(FORM_COOKIE) or new_token()
    ctx: dict[str, Any] = {
        "lang": lang, "t": i18n.translator(lang), "viewer": viewer,
        "company": settings.company_name.strip() or i18n.translator(lang)(
            "（公司名称未设置）", "(company name not set)"),
        "prefix": PREFIX,
        "csrf": viewer.csrf_token if viewer else form_token,
        "local": lambda moment: format_local(moment, tz) if moment else "—",
        "path": request.url.path,
        # where the language switch comes back to: this page, with its query
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "label": lambda table, key: i18n.pair(TABLES[table], key, lang),
        "clock_kind": lambda kind: sla_label(kind, "en" if lang == "en" else "zh"),
        "yuan": format_yuan,
    }
    ctx.update(context or {})
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    if viewer is None and request.cookies.get(FORM_COOKIE) != form_token:
        set_cookie(response, request, settings, FORM_COOKIE, form_token)
    return response


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def session_lifetime(settings: ArchiveSettings) -> timedelta:
    return timedelta(minutes=max(5, settings.portal_session_minutes))


def not_found_page(request: Request) -> Response:
    return render(request, "not_found.html", status_code=404)
