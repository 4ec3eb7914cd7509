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
from fieldapp.base.timeutil import format_local, utcnow

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
        if until is not None:
            error = (f"登录失败次数过多，账号已暂时锁定，请在 {format_local(until)} 之后再试。",
                f"Too many failed logins: locked until {format_local(until)}. "
                "Try again after that.")
        else:
            error = ("用户名或密码错误。", "Wrong user name or password.")
        return render(request, "login.html", {"name": name, "error": error},
                      status_code=429 if until is not None else 401)
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
