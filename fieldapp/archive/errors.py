"""HTTP answers for the core's and the archive's errors: JSON with zh and en."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from fieldapp.archive.crud import AuthError
from fieldapp.errors import FieldappError, NotFound, SealedError, ValidationError, WorkflowError

log = logging.getLogger("fieldapp.archive")


class Forbidden(FieldappError):
    pass


_STATUS: list[tuple[type[FieldappError], int, str]] = [
    (AuthError, 401, "unauthorized"),
    (Forbidden, 403, "forbidden"),
    (NotFound, 404, "not_found"),
    (ValidationError, 422, "invalid"),
    (SealedError, 409, "sealed"),
    (WorkflowError, 409, "conflict"),
]


def _answer(exc: FieldappError) -> JSONResponse:
    status, code = next(((s, c) for kind, s, c in _STATUS if isinstance(exc, kind)),
                        (500, "error"))
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": {"code": code, "zh": exc.zh, "en": exc.en}}, status,
                        headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(FieldappError)
    async def _fieldapp_error(_request: Request, exc: FieldappError) -> JSONResponse:
        return _answer(exc)
