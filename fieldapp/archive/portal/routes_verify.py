"""The public verify page (no login): the address the QR code on a paper copy opens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from fieldapp.archive.portal.verify import INVALID, Verdict, read_input, verify
from fieldapp.archive.portal.web import ReadSession, render
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
        try:
            number, digest = read_input(code, slip, seal)
            verdict = verify(session, number=number, seal=digest)
        except DocumentError as exc:
            verdict, problem = Verdict(INVALID), (exc.zh, exc.en)
    return render(request, "verify.html", {"verdict": verdict, "problem": problem,
                                           "code": code or slip, "seal": seal},
                  status_code=200)
