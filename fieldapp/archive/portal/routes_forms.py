"""What a customer sends: a new service request, a complaint, a report request."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from fieldapp.archive.files.uploads import uploads_of
from fieldapp.archive.portal import i18n, reports_link
from fieldapp.archive.portal.sessions import csrf_ok
from fieldapp.archive.portal.submissions import submit_complaint, submit_request
from fieldapp.archive.portal.web import (
    PAGE_SIZE,
    CurrentViewer,
    FormRefused,
    PortalNotFound,
    ReadSession,
    Viewer,
    db_of,
    page_number,
    parse_id,
    redirect,
    render,
    settings_of,
)
from fieldapp.base.errors import FieldIssue, ValidationError
from fieldapp.base.timeutil import utcnow
from fieldapp.services.portal import customer_devices
from fieldapp.workflows.complaints import ABOUT_LABELS

router = APIRouter()
Text = Annotated[str, Form(max_length=4000)]
Short = Annotated[str, Form(max_length=100)]


def _check(viewer: Viewer, csrf: str) -> None:
    if not csrf_ok(csrf, viewer.csrf_token):
        raise FormRefused


@router.get("/requests-new")
def new_request_form(request: Request, viewer: CurrentViewer) -> Response:
    return render(request, "new_request.html", {
        "devices": customer_devices(db_of(request), viewer.customer_id), "values": {},
        "issues": []}, viewer=viewer)


@router.post("/requests-new")
def new_request(request: Request, viewer: CurrentViewer, csrf: Short = "", fault: Text = "",
                contact_name: Short = "", contact_phone: Short = "",
                device_id: Short = "") -> Response:
    _check(viewer, csrf)
    try:
        created_id = submit_request(db_of(request), user=viewer.login.user,
                                    customer_id=viewer.customer_id, fault=fault,
                                    contact_name=contact_name, contact_phone=contact_phone,
                                    device_id=device_id, now=utcnow())
    except ValidationError as exc:  # rolled back: nothing was stored
        return render(request, "new_request.html", {
            "devices": customer_devices(db_of(request), viewer.customer_id),
            "values": {"fault": fault, "contact_name": contact_name,
                       "contact_phone": contact_phone, "device_id": device_id},
            "issues": exc.issues}, viewer=viewer, status_code=422)
    return redirect(f"/portal/requests/{created_id}?created=1")


@router.get("/complaints-new")
def new_complaint_form(request: Request, viewer: CurrentViewer) -> Response:
    return render(request, "new_complaint.html", {"abouts": ABOUT_LABELS, "values": {},
                                                  "issues": [], "created": None},
                  viewer=viewer)


@router.post("/complaints-new")
def new_complaint(request: Request, viewer: CurrentViewer, csrf: Short = "",
                  about: Short = "", description: Text = "", subject_name: Short = "",
                  slip_number: Short = "") -> Response:
    _check(viewer, csrf)
    values = {"about": about, "description": description, "subject_name": subject_name,
              "slip_number": slip_number}
    try:
        number = submit_complaint(db_of(request), user=viewer.login.user,
                                  customer_id=viewer.customer_id, about=about,
                                  description=description, subject_name=subject_name,
                                  slip_number=slip_number, now=utcnow())
    except ValidationError as exc:
        return render(request, "new_complaint.html", {
            "abouts": ABOUT_LABELS, "values": values, "issues": exc.issues, "created": None},
            viewer=viewer, status_code=422)
    return render(request, "new_complaint.html", {
        "abouts": ABOUT_LABELS, "values": {}, "issues": [], "created": number}, viewer=viewer)


@router.get("/reports")
def reports_list(request: Request, viewer: CurrentViewer, session: ReadSession,
                 page: Annotated[str | None, Query(max_length=8)] = None) -> Response:
    number = page_number(page)
    rows = reports_link.list_reports(session, viewer.customer_id, limit=PAGE_SIZE,
                                     offset=(number - 1) * PAGE_SIZE,
                                     language=i18n.language_of(request))
    return render(request, "reports.html", {
        "rows": rows, "issues": [], "sent": False,
        "waiting": reports_link.list_waiting(session, viewer.customer_id,
                                             language=i18n.language_of(request))},
        viewer=viewer)


@router.get("/reports/{report_id}/download")
def report_download(request: Request, report_id: str, viewer: CurrentViewer,
                    session: ReadSession,
                    version: Annotated[str | None, Query(max_length=6)] = None) -> Response:
    """The report's latest version, or `?version=N` (an earlier one, kept as issued)."""
    number = None
    if version is not None:
        if not version.isdigit() or int(version) < 1:
            raise PortalNotFound
        number = int(version)
    found = reports_link.report_pdf(session, viewer.customer_id, parse_id(report_id),
                                    settings=settings_of(request),
                                    language=i18n.language_of(request), version=number,
                                    store=uploads_of(request).store)
    if found is None:
        raise PortalNotFound
    name, pdf = found
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _date(raw: str, field: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationError([FieldIssue(field, "invalid", "请输入有效日期（年-月-日）。",
                                          "Enter a valid date (YYYY-MM-DD).")]) from None


@router.post("/reports")
def report_request(request: Request, viewer: CurrentViewer, session: ReadSession,
                   csrf: Short = "", period_start: Short = "",
                   period_end: Short = "") -> Response:
    _check(viewer, csrf)
    context = {"rows": [], "issues": [], "sent": False}
    try:
        start, end = _date(period_start, "period_start"), _date(period_end, "period_end")
        if end < start:
            raise ValidationError([FieldIssue("period_end", "out_of_order",
                                              "结束日期不能早于开始日期。",
                                              "The end date cannot be before the start.")])
        with db_of(request).write() as write:
            reports_link.request_report(write, customer_id=viewer.customer_id,
                                        period_start=start, period_end=end,
                                        requested_by=viewer.login.user.name)
            # listed from the writing session: the read session began before this report
            context["rows"] = reports_link.list_reports(write, viewer.customer_id,
                                                        limit=PAGE_SIZE, offset=0,
                                                        language=i18n.language_of(request))
        context["sent"] = True
    except ValidationError as exc:
        context["issues"] = exc.issues
        context["rows"] = reports_link.list_reports(session, viewer.customer_id,
                                                    limit=PAGE_SIZE, offset=0,
                                                    language=i18n.language_of(request))
        return render(request, "reports.html", context, viewer=viewer, status_code=422)
    return render(request, "reports.html", context, viewer=viewer)
