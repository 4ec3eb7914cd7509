"""Log in, log out, and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from fieldapp.archive import login_throttle
from fieldapp.archive.deps import client_address
from fieldapp.archive.portal import i18n
from fieldapp.archive.portal.sessions import (
    FORM_COOKIE,
    SESSION_COOKIE,
    csrf_ok,
    end_session,
    set_cookie,
    start_session,
)
from fieldapp.archive.portal.web import (
    FormRefused,
    LoginRequired,
    db_of,
    redirect,
    render,
    session_lifetime,
    settings_of,
    viewer_in,
)
from fieldapp.base.timeutil import utcnow

router = APIRouter()


@router.get("/login")
def login_page(request: Request) -> Response:
    return render(request, "login.html", {"name": "", "error": None})


@router.post("/login")
def login(request: Request, name: Annotated[str, Form(max_length=64)] = "",
          password: Annotated[str, Form(max_length=200)] = "",
          csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    if not csrf_ok(csrf, request.cookies.get(FORM_COOKIE, "")):
        raise FormRefused
    settings = settings_of(request)
    now = utcnow()
    attempt = login_throttle.Attempt(name=name, password=password,
                                     address=client_address(request), channel="portal",
                                     roles=login_throttle.PORTAL)
    token = None
    with db_of(request).write() as session:
        outcome = login_throttle.attempt_login(
            session, attempt, limits=login_throttle.Limits.from_settings(settings), now=now)
        if outcome.user is not None:
            token = start_session(session, user=outcome.user,
                                  lifetime=session_lifetime(settings), now=now)
    if token is None:
        until = outcome.locked_until
        if until is None:
            return render(request, "login.html", {
                "name": name, "error": ("用户名或密码错误。", "Wrong user name or password.")},
                status_code=401)
        # the wait in words and, for clients and proxies, in seconds (Retry-After)
        page = render(request, "login.html", {
            "name": name, "error": login_throttle.lock_message(until, now)}, status_code=429)
        page.headers["Retry-After"] = str(login_throttle.retry_after(until, now))
        return page
    response = redirect("/portal/")
    set_cookie(response, request, settings, SESSION_COOKIE, token,
               max_age=int(session_lifetime(settings).total_seconds()))
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    with db_of(request).write() as session:
        try:
            viewer = viewer_in(session, request)
        except LoginRequired:
            return redirect("/portal/login")
        if not csrf_ok(csrf, viewer.csrf_token):
            raise FormRefused
        end_session(session, token=request.cookies.get(SESSION_COOKIE, ""))
    response = redirect("/portal/login")
    response.delete_cookie(SESSION_COOKIE, path="/portal")
    return response


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/portal/") -> Response:
    # Only a path inside the portal: never an open redirect to another site.
    target = next if next.startswith("/portal") and "//" not in next and "\\" not in next \
        else "/portal/"
    response = redirect(target)
    if code in i18n.LANGUAGES:
        set_cookie(response, request, settings_of(request), i18n.LANG_COOKIE, code,
                   max_age=365 * 24 * 3600)
    return response
