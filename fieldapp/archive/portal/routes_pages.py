"""The customer's own records: dashboard, requests, slips, repairs, complaints, search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from fieldapp.archive.portal import queries
from fieldapp.archive.portal.copies import customer_copy_pdf
from fieldapp.archive.portal.i18n import language_of
from fieldapp.archive.portal.photos import photos_of
from fieldapp.archive.portal.web import (
    PAGE_SIZE,
    CurrentViewer,
    PortalNotFound,
    ReadSession,
    page_number,
    parse_id,
    render,
    settings_of,
)
from fieldapp.base.timeutil import utcnow
from fieldapp.records.sla_records import slip_clocks
from fieldapp.store.attachment_models import OwnerKind

router = APIRouter()
Search = Annotated[str, Query(max_length=100)]
PageNo = Annotated[str | None, Query(max_length=8)]


@router.get("/")
def dashboard(request: Request, viewer: CurrentViewer, session: ReadSession) -> Response:
    cid = viewer.customer_id
    return render(request, "dashboard.html", {
        "summary": queries.summary(session, cid),
        "requests": queries.requests_page(session, cid, number=1, size=5).rows,
        "slips": queries.slips_page(session, cid, number=1, size=5).rows,
    }, viewer=viewer)


@router.get("/requests")
def requests_list(request: Request, viewer: CurrentViewer, session: ReadSession,
                  q: Search = "", page: PageNo = None) -> Response:
    found = queries.requests_page(session, viewer.customer_id, number=page_number(page),
                                  size=PAGE_SIZE, search=q)
    return render(request, "requests.html", {"page": found, "q": q}, viewer=viewer)


@router.get("/requests/{request_id}")
def request_detail(request: Request, request_id: str, viewer: CurrentViewer,
                   session: ReadSession, created: str = "") -> Response:
    record = queries.request_of(session, viewer.customer_id, parse_id(request_id))
    if record is None:
        raise PortalNotFound
    return render(request, "request.html", {
        "record": record, "status": queries.request_status(session, record),
        "clocks": queries.portal_request_clocks(record, utcnow()),
        "slips_rows": queries.slips_of_request(session, record), "created": created == "1",
    }, viewer=viewer)


@router.get("/slips")
def slips_list(request: Request, viewer: CurrentViewer, session: ReadSession,
               q: Search = "", page: PageNo = None) -> Response:
    found = queries.slips_page(session, viewer.customer_id, number=page_number(page),
                               size=PAGE_SIZE, search=q)
    return render(request, "slips.html", {"page": found, "q": q}, viewer=viewer)


@router.get("/slips/{slip_id}")
def slip_detail(request: Request, slip_id: str, viewer: CurrentViewer,
                session: ReadSession) -> Response:
    slip = queries.slip_of(session, viewer.customer_id, parse_id(slip_id))
    if slip is None:
        raise PortalNotFound
    return render(request, "slip.html", {
        "slip": slip, "clocks": slip_clocks(slip, slip.sealed_at or utcnow()),
        "photos": photos_of(session, OwnerKind.SLIP, slip.id) if slip.seal else [],
    }, viewer=viewer)


@router.get("/slips/{slip_id}/copy.pdf")
def slip_copy(request: Request, slip_id: str, viewer: CurrentViewer,
              session: ReadSession) -> Response:
    slip = queries.slip_of(session, viewer.customer_id, parse_id(slip_id))
    if slip is None or slip.seal is None:  # a draft has no customer copy yet
        raise PortalNotFound
    pdf = customer_copy_pdf(slip, settings_of(request), language_of(request))
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{slip.number}.pdf"'})


@router.get("/repairs")
def repairs_list(request: Request, viewer: CurrentViewer, session: ReadSession,
                 page: PageNo = None) -> Response:
    found = queries.repairs_page(session, viewer.customer_id, number=page_number(page),
                                 size=PAGE_SIZE, now=utcnow())
    return render(request, "repairs.html", {"page": found}, viewer=viewer)


@router.get("/complaints")
def complaints_list(request: Request, viewer: CurrentViewer, session: ReadSession,
                    page: PageNo = None) -> Response:
    found = queries.complaints_page(session, viewer.customer_id, number=page_number(page),
                                    size=PAGE_SIZE)
    return render(request, "complaints.html", {"page": found}, viewer=viewer)


@router.get("/search")
def search(request: Request, viewer: CurrentViewer, session: ReadSession,
           q: Search = "") -> Response:
    term = q.strip()
    context: dict[str, object] = {"q": term, "requests": None, "slips": None}
    if term:
        context["requests"] = queries.requests_page(session, viewer.customer_id, number=1,
                                                    size=PAGE_SIZE, search=term)
        context["slips"] = queries.slips_page(session, viewer.customer_id, number=1,
                                              size=PAGE_SIZE, search=term)
    return render(request, "search.html", context, viewer=viewer)
