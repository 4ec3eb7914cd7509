"""A customer's complaints with the centre's responses and the feedback report (R5.3), a
repair's progress and its send-in copies (R3.1, R3.3), and a group customer's dossier
(R2.5). Every PDF is drawn by `fieldapp.documents` as on the laptop (the desktop's and
`fieldapp pdf`'s renderers). Another customer's record answers as a missing one (404)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from fieldapp.archive.portal import estimates, queries
from fieldapp.archive.portal.copies import company
from fieldapp.archive.portal.i18n import language_of
from fieldapp.archive.portal.photos import photos_of
from fieldapp.archive.portal.sessions import csrf_ok
from fieldapp.archive.portal.submissions import publish
from fieldapp.archive.portal.web import (
    PREFIX,
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
from fieldapp.base.i18n import Language
from fieldapp.base.timeutil import utcnow
from fieldapp.reads.dossier import dossier as read_dossier
from fieldapp.services import dossier as service
from fieldapp.store.attachment_models import OwnerKind
from fieldapp.workflows.complaints import (
    ComplaintStatus,
    complaint_clock,
    complaint_state,
    response_due_at,
)
from fieldapp.workflows.repair import RepairStatus

router = APIRouter()
PageNo = Annotated[str | None, Query(max_length=8)]
Answered = Annotated[str, Query(max_length=10)]
Short = Annotated[str, Form(max_length=100)]
Note = Annotated[str, Form(max_length=500)]


def _pdf(pdf: bytes, filename: str) -> Response:
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/complaints/{complaint_id}")
def complaint_page(request: Request, complaint_id: str, viewer: CurrentViewer,
                   session: ReadSession) -> Response:
    complaint = queries.complaint_of(session, viewer.customer_id, parse_id(complaint_id))
    if complaint is None:
        raise PortalNotFound
    state = complaint_state(session, complaint)
    return render(request, "complaint.html", {
        "complaint": complaint, "state": state, "due": response_due_at(complaint),
        "clock": complaint_clock(complaint, state, utcnow()),
        "closed": state.status == ComplaintStatus.CLOSED,
        "photos": photos_of(session, OwnerKind.COMPLAINT, complaint.id)}, viewer=viewer)


@router.get("/complaints/{complaint_id}/report.pdf")
def complaint_report(request: Request, complaint_id: str, viewer: CurrentViewer,
                     session: ReadSession) -> Response:
    complaint = queries.complaint_of(session, viewer.customer_id, parse_id(complaint_id))
    if complaint is None or complaint_state(session, complaint).status != \
            ComplaintStatus.CLOSED:  # the report is made when the complaint is closed
        raise PortalNotFound
    from fieldapp.documents.workflow_pdf import render_complaint_report_pdf
    from fieldapp.documents.workflow_views import complaint_report_document

    settings = settings_of(request)
    pdf = render_complaint_report_pdf(
        complaint_report_document(session, complaint), company(settings),
        language="en" if language_of(request) == "en" else "zh",
        font=settings.pdf_font or None)
    return _pdf(pdf, f"{complaint.number}-report.pdf")


@router.get("/repairs/{repair_id}/{kind}.pdf")
def repair_copy(request: Request, repair_id: str, kind: str, viewer: CurrentViewer,
                session: ReadSession) -> Response:
    """The send-in copy at intake (送修单) or at return (送修返还单, once returned)."""
    order = estimates.repair_of(session, viewer.customer_id, parse_id(repair_id))
    if order is None or kind not in ("intake", "return"):
        raise PortalNotFound
    from fieldapp.documents.workflow_pdf import (
        render_repair_intake_pdf,
        render_repair_return_pdf,
    )
    from fieldapp.documents.workflow_views import (
        repair_intake_document,
        repair_return_document,
    )

    settings = settings_of(request)
    lang: Language = "en" if language_of(request) == "en" else "zh"
    font = settings.pdf_font or None
    if kind == "intake":
        pdf = render_repair_intake_pdf(repair_intake_document(order), company(settings),
                                       language=lang, font=font)
    else:
        if estimates.estimate_view(session, order, utcnow()).state.status not in (
                RepairStatus.RETURNED, RepairStatus.CLOSED_REFUSED):
            raise PortalNotFound  # no return copy before the device is back
        pdf = render_repair_return_pdf(repair_return_document(session, order),
                                       company(settings), language=lang, font=font)
    return _pdf(pdf, f"{order.number}-{kind}.pdf")


@router.get("/dossier")
def dossier(request: Request, viewer: CurrentViewer, session: ReadSession,
            answered: Answered = "") -> Response:
    """The group dossier (R2.5): main devices with their state and tracking notes,
    problem sets and service suggestions — what the centre reviewed as facts, the rest
    as 待审核 without its words (fieldapp.reads.dossier)."""
    return _dossier_page(request, viewer, session, answered=answered if answered in (
        "accepted", "declined") else "")


def _dossier_page(request: Request, viewer: CurrentViewer, session: ReadSession, *,
                  answered: str = "", issues: Sequence[object] = (), failed: str = "",
                  name: str = "", note: str = "", status_code: int = 200) -> Response:
    """`failed`: the suggestion whose form shows `issues` (none: they show at the top)."""
    found = read_dossier(session, viewer.customer_id, facts_only=True,
                         story=lambda story: queries.without_draft_figures(session, story))
    return render(request, "dossier.html", {
        "dossier": found, "answered": answered, "issues": list(issues), "failed": failed,
        "name": name, "note": note}, viewer=viewer, status_code=status_code)


@router.post("/dossier/suggestions/{suggestion_id}/answer")
def answer_suggestion(request: Request, suggestion_id: str, viewer: CurrentViewer,
                      session: ReadSession, csrf: Short = "", decision: Short = "",
                      answered_by: Short = "", note: Note = "") -> Response:
    """The group customer accepts or declines a service suggestion (R2.5): recorded by
    the core as the engineer's `suggestion.accepted` / `.declined` would be, and put on
    the change feed, so the engineer sees it after a pull."""
    if not csrf_ok(csrf, viewer.csrf_token):
        raise FormRefused
    record_id = parse_id(suggestion_id)
    user = viewer.login.user
    try:
        service.answer_suggestion(
            db_of(request), viewer.customer_id, record_id,
            service.SuggestionAnswer(decision, answered_by, note, account=user.name),
            now=utcnow(), then=lambda s, event_id: publish(
                s, table="events", record_id=event_id, user=user, now=utcnow()))
    except ValidationError as exc:
        if any(i.field == "suggestion_id" for i in exc.issues):
            raise PortalNotFound from None  # another customer's: as a typo
        return _dossier_page(request, viewer, session, issues=exc.issues,
                             failed=suggestion_id, name=answered_by, note=note,
                             status_code=422)
    except FieldappError as exc:  # answered already (the core's message): its form is
        # gone, so the line shows at the top; nothing was stored
        return _dossier_page(request, viewer, session, issues=[exc], status_code=422)
    return redirect(f"{PREFIX}/dossier?answered={decision}#answered")
