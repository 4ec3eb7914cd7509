"""A customer's repair and its quotation (维修报价单): the estimate's lines, total and
validity, the PDF, and the customer's 同意 / 不同意 (a CSRF-protected form, R3.2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from fieldapp.archive.portal import estimates, queries
from fieldapp.archive.portal.copies import company
from fieldapp.archive.portal.i18n import language_of
from fieldapp.archive.portal.photos import photos_of
from fieldapp.archive.portal.sessions import csrf_ok
from fieldapp.archive.portal.web import (
    CurrentViewer,
    FormRefused,
    PortalNotFound,
    ReadSession,
    db_of,
    parse_id,
    redirect,
    render,
    settings_of,
)
from fieldapp.base.errors import FieldappError, ValidationError
from fieldapp.base.timeutil import utcnow
from fieldapp.store.attachment_models import OwnerKind

router = APIRouter()
Short = Annotated[str, Form(max_length=100)]


def _page(request: Request, viewer: CurrentViewer, view: estimates.EstimateView, *,
          issues: Sequence[object] = (), answered: str = "", name: str = "",
          status_code: int = 200, session: Session | None = None) -> Response:
    photos = photos_of(session, OwnerKind.REPAIR, view.order.id) if session else []
    return render(request, "repair.html", {
        "view": view, "order": view.order, "state": view.state, "issues": list(issues),
        "answered": answered, "name": name, "progress": queries.repair_progress(view.state),
        "returned": view.state.finished, "photos": photos}, viewer=viewer,
        status_code=status_code)


@router.get("/repairs/{repair_id}")
def repair_page(request: Request, repair_id: str, viewer: CurrentViewer,
                session: ReadSession, answered: str = "") -> Response:
    order = estimates.repair_of(session, viewer.customer_id, parse_id(repair_id))
    if order is None:
        raise PortalNotFound
    view = estimates.estimate_view(session, order, utcnow())
    return _page(request, viewer, view, answered=answered if answered in (
        "approved", "refused") else "", session=session)


@router.get("/repairs/{repair_id}/estimate.pdf")
def estimate_pdf(request: Request, repair_id: str, viewer: CurrentViewer,
                 session: ReadSession) -> Response:
    order = estimates.repair_of(session, viewer.customer_id, parse_id(repair_id))
    if order is None or estimates.estimate_view(session, order, utcnow()).state.estimate_id \
            is None:
        raise PortalNotFound
    from fieldapp.documents.estimate_pdf import render_repair_estimate_pdf
    from fieldapp.documents.estimate_views import repair_estimate_document

    settings = settings_of(request)
    pdf = render_repair_estimate_pdf(
        repair_estimate_document(session, order), company(settings),
        language="en" if language_of(request) == "en" else "zh",
        font=settings.pdf_font or None)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{order.number}-estimate.pdf"'})


@router.post("/repairs/{repair_id}/answer")
def answer(request: Request, repair_id: str, viewer: CurrentViewer, session: ReadSession,
           csrf: Short = "", decision: Short = "", confirmed_by: Short = "",
           estimate_id: Short = "") -> Response:
    if not csrf_ok(csrf, viewer.csrf_token):
        raise FormRefused
    order_id = parse_id(repair_id)
    if estimates.repair_of(session, viewer.customer_id, order_id) is None:
        raise PortalNotFound
    try:
        estimates.answer_estimate(db_of(request), user=viewer.login.user,
                                  customer_id=viewer.customer_id, repair_id=order_id,
                                  decision=decision, confirmed_by=confirmed_by,
                                  estimate_id=estimate_id, now=utcnow())
    except (ValidationError, FieldappError) as exc:  # rolled back: nothing was stored
        order = estimates.repair_of(session, viewer.customer_id, order_id)
        assert order is not None
        issues = exc.issues if isinstance(exc, ValidationError) else [exc]
        return _page(request, viewer, estimates.estimate_view(session, order, utcnow()),
                     issues=issues, name=confirmed_by, status_code=422)
    return redirect(f"/portal/repairs/{order_id}?answered={decision}")
