"""The public verify page (no login): the address the QR code on a paper copy opens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response

from fieldapp.archive.deps import client_address
from fieldapp.archive.login_throttle import wait_words
from fieldapp.archive.portal.rate_limit import RateLimit
from fieldapp.archive.portal.sessions import FORM_COOKIE, csrf_ok
from fieldapp.archive.portal.verify import (
    INVALID,
    MAX_COPY_BYTES,
    Verdict,
    read_input,
    verify,
    verify_copy,
)
from fieldapp.archive.portal.web import FormRefused, ReadSession, render
from fieldapp.documents.errors import DocumentError

router = APIRouter()
Field = Annotated[str, Query(max_length=600)]


@router.get("/verify")
def verify_page(request: Request, session: ReadSession, code: Field = "", slip: Field = "",
                seal: Field = "") -> Response:
    """`?slip=…&seal=…` (the QR code's link), or the form's `code` (a pasted payload or a
    slip number) with `seal`. Reading only: a GET form needs no CSRF token."""
    verdict: Verdict | None = None
    problem: tuple[str, str] | None = None
    if code.strip() or slip.strip() or seal.strip():
        if not _allowed(request):
            return _too_many(request, code or slip, seal)
        try:
            number, digest = read_input(code, slip, seal)
            verdict = verify(session, number=number, seal=digest)
        except DocumentError as exc:
            verdict, problem = Verdict(INVALID), (exc.zh, exc.en)
    return render(request, "verify.html", {"verdict": verdict, "problem": problem,
                                           "code": code or slip, "seal": seal},
                  status_code=200)


@router.post("/verify")
def verify_upload(request: Request, session: ReadSession,
                  pdf: Annotated[UploadFile | None, File()] = None,
                  csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    """A PDF copy uploaded (from the laptop, an e-mail, the portal's own download): its
    file digest, its seal and the facts it prints are checked against the archive."""
    if not csrf_ok(csrf, request.cookies.get(FORM_COOKIE, "")):
        raise FormRefused
    if not _allowed(request):
        return _too_many(request, "", "")
    problem: tuple[str, str] | None = None
    data = pdf.file.read(MAX_COPY_BYTES + 1) if pdf is not None else b""
    try:
        if not data:
            raise DocumentError("请选择一个 PDF 文件。", "Choose a PDF file.")
        verdict = verify_copy(session, data)
    except DocumentError as exc:
        verdict, problem = Verdict(INVALID), (exc.zh, exc.en)
    return render(request, "verify.html", {"verdict": verdict, "problem": problem,
                                           "code": verdict.slip_number, "seal": ""})


def _allowed(request: Request) -> bool:
    limit: RateLimit = request.app.state.verify_limit  # portal/app.py puts it there
    return limit.allow(client_address(request))


def _too_many(request: Request, code: str, seal: str) -> Response:
    limit: RateLimit = request.app.state.verify_limit
    seconds = limit.retry_after(client_address(request))
    zh_wait, en_wait = wait_words(seconds)
    page = render(request, "verify.html", {
        "verdict": Verdict(INVALID), "code": code, "seal": seal,
        "problem": (f"验证次数过多，请 {zh_wait}后再试。",
                    f"Too many checks; try again in {en_wait}.")},
        status_code=429)
    page.headers["Retry-After"] = str(seconds)
    return page
