"""Every error answer of the archive in one format, `{"error": {"code", "zh", "en"}}`:
the core's and the archive's errors, FastAPI's validation errors, Starlette's HTTP errors
(404, 405, 413 …) and, as a last resort, a bug (500). An answer never repeats what was
sent: a validation error names the field and the rule, not the value."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldapp.archive.crud import AuthError
from fieldapp.archive.login_throttle import lock_message, retry_after
from fieldapp.base.errors import (
    FieldappError,
    NotFound,
    SealedError,
    ValidationError,
    WorkflowError,
)
from fieldapp.base.timeutil import utcnow

log = logging.getLogger("fieldapp.archive")


class Forbidden(FieldappError):
    pass


class TooManyAttempts(FieldappError):
    """Logins refused until `until` (the login throttle's lock); the message says how long
    that is, `Retry-After` the seconds."""

    def __init__(self, until: datetime) -> None:
        self.until, now = until, utcnow()
        self.retry_after = retry_after(until, now)
        super().__init__(*lock_message(until, now))


class BadRequest(FieldappError):
    """A body that cannot be read as what it claims to be (too large, not UTF-8, too deep)."""

    def __init__(self, status: int, code: str, zh: str, en: str) -> None:
        super().__init__(zh, en)
        self.status, self.code = status, code


_STATUS: list[tuple[type[FieldappError], int, str]] = [
    (AuthError, 401, "unauthorized"),
    (Forbidden, 403, "forbidden"),
    (NotFound, 404, "not_found"),
    (ValidationError, 422, "invalid"),
    (SealedError, 409, "sealed"),
    (WorkflowError, 409, "conflict"),
    (TooManyAttempts, 429, "too_many_attempts"),
]

# Starlette's own HTTP errors (no route, wrong method …), worded for people.
_HTTP: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "请求无法读取。", "The request could not be read."),
    401: ("unauthorized", "请先登录（fieldapp login）。", "Log in first (fieldapp login)."),
    403: ("forbidden", "无权执行此操作。", "Not allowed."),
    404: ("not_found", "没有这个地址。", "No such address."),
    405: ("method_not_allowed", "此地址不支持该请求方法。",
          "This address does not take this request method."),
    413: ("too_large", "请求内容过大。", "The request is too large."),
    415: ("unsupported_media_type", "请求内容类型不受支持。",
          "The request's content type is not supported."),
    429: ("too_many_requests", "请求过于频繁，请稍后再试。", "Too many requests; try again later."),
}

# Pydantic's error types, worded; anything else is "invalid value".
_RULES: dict[str, tuple[str, str]] = {
    "missing": ("缺少此项", "required"),
    "extra_forbidden": ("不允许此项", "not allowed"),
    "string_too_long": ("文字过长", "text too long"),
    "string_too_short": ("不能为空", "must not be empty"),
    "too_long": ("条目过多", "too many items"),
    "too_short": ("条目过少", "too few items"),
    "json_invalid": ("不是有效的 JSON", "not valid JSON"),
    "string_type": ("应为文字", "must be text"),
    "int_parsing": ("应为整数", "must be a whole number"),
    "int_type": ("应为整数", "must be a whole number"),
    "datetime_parsing": ("应为日期时间", "must be a date and time"),
    "datetime_from_date_parsing": ("应为日期时间", "must be a date and time"),
    "dict_type": ("应为对象", "must be an object"),
    "model_type": ("应为对象", "must be an object"),
    "list_type": ("应为列表", "must be a list"),
    "less_than_equal": ("数值过大", "too large"),
    "greater_than_equal": ("数值过小", "too small"),
    "uuid_parsing": ("应为 UUID", "must be a UUID"),
    "literal_error": ("取值无效", "not one of the allowed values"),
}
DEFAULT_RETRY_AFTER = 60  # seconds: a 429 raised without its own wait
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_ISSUES = 3  # a body with thousands of bad records gets a short answer


def error_response(status: int, code: str, zh: str, en: str,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "zh": zh, "en": en}}, status, headers=headers)


def _answer(exc: FieldappError) -> JSONResponse:
    if isinstance(exc, BadRequest):  # a 429 among them (uploads busy) says when to retry
        retry = {"Retry-After": str(DEFAULT_RETRY_AFTER)} if exc.status == 429 else None
        return error_response(exc.status, exc.code, exc.zh, exc.en, retry)
    status, code = next(((s, c) for kind, s, c in _STATUS if isinstance(exc, kind)),
                        (500, "error"))
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if isinstance(exc, TooManyAttempts):
        headers = {"Retry-After": str(exc.retry_after)}
    return error_response(status, code, exc.zh, exc.en, headers)


def http_error_response(status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    code, zh, en = _HTTP.get(status, ("error", f"请求失败（{status}）。",
                                      f"The request failed ({status})."))
    if status == 429 and not any(k.lower() == "retry-after" for k in headers or {}):
        headers = {**(headers or {}), "Retry-After": str(DEFAULT_RETRY_AFTER)}  # every 429
    return error_response(status, code, zh, en, headers)


def _where(loc: Sequence[Any]) -> str:
    """A field's place, from our own field names and positions only: a key the caller
    made up (inside a record's row, say) is not repeated back."""
    parts = [p for p in loc if p != "body"]
    named = [str(p) if isinstance(p, int) or _FIELD_NAME.match(str(p)) else "…" for p in parts]
    return ".".join(named) or "body"


def validation_response(errors: Sequence[Any]) -> JSONResponse:
    shown = list(errors)[:MAX_ISSUES]
    zh_parts, en_parts = [], []
    for error in shown:
        zh, en = _RULES.get(error.get("type", ""), ("取值无效", "invalid value"))
        where = _where(error.get("loc", ()))
        zh_parts.append(f"{where}：{zh}")
        en_parts.append(f"{where}: {en}")
    more = len(errors) - len(shown)
    zh_more, en_more = (f"（另有 {more} 处）", f" (and {more} more)") if more > 0 else ("", "")
    return error_response(422, "invalid", "请求内容无效：" + "；".join(zh_parts) + zh_more + "。",
                          "Invalid request: " + "; ".join(en_parts) + en_more + ".")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(FieldappError)
    async def _fieldapp_error(_request: Request, exc: FieldappError) -> JSONResponse:
        return _answer(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_response(exc.errors())

    @app.exception_handler(HTTPException)
    async def _http(_request: Request, exc: HTTPException) -> JSONResponse:
        return http_error_response(exc.status_code, dict(exc.headers or {}) or None)


class CatchBugs:
    """Innermost middleware: an exception nothing else handled is a bug. The caller gets
    the 500 in the documented format, the log one line naming the kind and the place
    (not the message: it may hold SQL or a person's data)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            frame = traceback.extract_tb(exc.__traceback__)[-1:]
            place = f"{frame[0].filename.rsplit('/', 1)[-1]}:{frame[0].lineno}" if frame else ""
            log.error("bug: %s at %s on %s %s", type(exc).__name__, place, scope["method"],
                      scope["path"])
            if started:
                raise
            await error_response(500, "error", "档案服务器内部错误，请联系管理员。",
                                 "Internal error of the archive; tell the administrator."
                                 )(scope, receive, send)
