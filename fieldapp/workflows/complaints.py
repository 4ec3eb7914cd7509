"""Customer complaints (客户投诉处理, R5): intake, routing, response, closing, feedback report.

The complaint as received is one row (number C-<operator>-<day>-<seq>); its handling is
events: `complaint.responded` (one or more), then `complaint.closed`. Closing without a
response is refused (R5.3: every complaint gets a response). The response has its own
promise clock (default 24 hours, per complaint). Group customers' complaints are flagged
for filing into their archive (R5.4).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.base.errors import FieldIssue, WorkflowError
from fieldapp.base.timeutil import DEFAULT_TIMEZONE, utcnow
from fieldapp.records.events import (
    Conflict,
    EventKind,
    EventRecord,
    Refused,
    events_for,
    fold_events,
    record_event,
)
from fieldapp.records.numbering import next_number
from fieldapp.rules.validation import blank_issue, choice_issue, future_issue, raise_if
from fieldapp.sla.promises import PromiseClock, promise_clock
from fieldapp.store.lookup import by_number_or_id
from fieldapp.store.models import Customer, Engineer, ServiceRequest, Slip
from fieldapp.store.values import ComplaintAbout, ComplaintRouting
from fieldapp.store.workflow_models import Complaint
from fieldapp.workflows.complaint_model import ComplaintFeedbackReport, ComplaintResponseView

COMPLAINT = "C"
DEFAULT_RESPONSE_HOURS = 24
ABOUT_LABELS: dict[str, tuple[str, str]] = {  # keyed by the members (strings)
    ComplaintAbout.ENGINEER: ("工程师", "Engineer"),
    ComplaintAbout.TECHNICAL_CONTACT: ("技术接口人员", "Technical contact"),
    ComplaintAbout.ACCOUNT_MANAGER: ("客户经理", "Account manager"),
    ComplaintAbout.SERVICE_EVENT: ("服务事件整体质量", "The service event as a whole"),
}
ABOUTS = tuple(ComplaintAbout)
VIA = ("phone", "letter", "email", "portal", "in_person")
ROUTE_LABELS: dict[str, tuple[str, str]] = {  # keyed by the members (strings)
    ComplaintRouting.ACCOUNT_MANAGER: ("客户经理", "Account manager"),
    ComplaintRouting.SERVICE_CENTRE: ("客户服务中心（热线）", "Customer service centre (hotline)"),
}


class ComplaintStatus(StrEnum):
    """A complaint's state, derived from its events (`fold_complaint`)."""

    RECEIVED = "received"
    RESPONDED = "responded"
    CLOSED = "closed"


STATUS_LABELS: dict[str, tuple[str, str]] = {  # keyed by the members (strings)
    ComplaintStatus.RECEIVED: ("已受理，待答复", "Received, awaiting a response"),
    ComplaintStatus.RESPONDED: ("已答复", "Responded"),
    ComplaintStatus.CLOSED: ("已关闭", "Closed"),
}


@dataclass(frozen=True)
class ComplaintRoute:
    target: ComplaintRouting
    zh: str
    en: str


def route_complaint(about: str) -> ComplaintRoute:
    """R5.1: engineer or technical contact -> account manager; R5.2: the account manager
    or a whole service event -> the customer service centre (hotline)."""
    if about in (ComplaintAbout.ENGINEER, ComplaintAbout.TECHNICAL_CONTACT):
        target = ComplaintRouting.ACCOUNT_MANAGER
    elif about in (ComplaintAbout.ACCOUNT_MANAGER, ComplaintAbout.SERVICE_EVENT):
        target = ComplaintRouting.SERVICE_CENTRE
    else:
        raise ValueError(f"unknown complaint subject {about!r}")
    return ComplaintRoute(target, *ROUTE_LABELS[target])


def complaint_issues(*, about: str, received_via: str, description: str,
                     received_at: datetime, response_hours: int, subject_name: str,
                     names_engineer: bool, now: datetime) -> list[FieldIssue]:
    """A complaint's rule (fieldapp.rules): the laptop's `open_complaint`, the archive's
    ingest and the portal's submission all call it. `names_engineer`: it points at an
    engineer's record (else a complaint about an engineer needs the name)."""
    issues = choice_issue("about", about, ABOUTS) + choice_issue("received_via", received_via,
                                                                 VIA)
    issues += blank_issue("description", description, "请填写投诉内容。",
                          "Please enter what the complaint is about.")
    issues += future_issue("received_at", received_at, now, "受理时间不能晚于当前时间。",
                           "The time received cannot be in the future.")
    if not 1 <= response_hours <= 24 * 30:
        issues.append(FieldIssue("response_hours", "out_of_range",
                                 "答复时限须在 1 小时到 30 天之间。",
                                 "The response time must be between 1 hour and 30 days."))
    if about == ComplaintAbout.ENGINEER and not names_engineer and not subject_name.strip():
        issues.append(FieldIssue("subject_name", "required", "请选择被投诉的工程师。",
                                 "Choose the engineer the complaint is about."))
    return issues


def open_complaint(
    session: Session, *, customer: Customer, about: str, description: str,
    received_via: str, received_at: datetime, recorded_by: str, subject_name: str = "",
    engineer: Engineer | None = None, request: ServiceRequest | None = None,
    slips: Sequence[Slip] = (), response_hours: int = DEFAULT_RESPONSE_HOURS,
    now: datetime | None = None, tz: str = DEFAULT_TIMEZONE,
) -> Complaint:
    """Record a complaint as received and route it (R5.1/R5.2)."""
    now = now or utcnow()
    issues = complaint_issues(about=about, received_via=received_via, description=description,
                              received_at=received_at, response_hours=response_hours,
                              subject_name=subject_name, names_engineer=engineer is not None,
                              now=now)
    for slip in slips:
        if slip.request.customer_id != customer.id:
            issues.append(FieldIssue("slips", "wrong_customer",
                                     f"服务单 {slip.number} 不属于该客户。",
                                     f"Slip {slip.number} belongs to another customer."))
    raise_if(issues)
    route = route_complaint(about)
    if about == ComplaintAbout.ACCOUNT_MANAGER:
        subject_name = subject_name or customer.account_manager
    handler = customer.account_manager if route.target == ComplaintRouting.ACCOUNT_MANAGER else ""
    complaint = Complaint(
        number=next_number(session, COMPLAINT, recorded_by, received_at, tz),
        customer=customer, request=request, about=about, engineer=engineer,
        subject_name=(subject_name or (engineer.name if engineer else "")).strip(),
        slip_numbers=",".join(s.number for s in slips), description=description.strip(),
        received_via=received_via, received_at=received_at, response_hours=response_hours,
        routed_to=route.target, handler_name=handler, recorded_by=recorded_by,
        created_at=now, updated_at=now,
    )
    session.add(complaint)
    session.flush()
    return complaint


def get_complaint(session: Session, number_or_id: str | uuid.UUID) -> Complaint:
    return by_number_or_id(session, Complaint, number_or_id, what_zh="投诉",
                           what_en="complaint")


# --- the fold -------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintState:
    status: ComplaintStatus = ComplaintStatus.RECEIVED
    responses: tuple[ComplaintResponseView, ...] = ()
    closed_at: datetime | None = None
    closed_by: str = ""
    outcome: str = ""
    customer_satisfied: str | None = None
    conflicts: tuple[Conflict, ...] = ()

    @property
    def first_response_at(self) -> datetime | None:
        return self.responses[0].responded_at if self.responses else None


def _step(state: ComplaintState, event: EventRecord) -> ComplaintState:
    if state.status == ComplaintStatus.CLOSED:
        raise Refused("closed", "投诉已关闭。", "The complaint is closed.")
    if event.kind == EventKind.COMPLAINT_RESPONDED:
        response = ComplaintResponseView(event.text("response"), event.text("responder"),
                                         event.occurred_at)
        return dataclasses.replace(state, status=ComplaintStatus.RESPONDED,
                                   responses=(*state.responses, response))
    if event.kind == EventKind.COMPLAINT_CLOSED:
        if not state.responses:
            raise Refused("no_response", "投诉尚未答复客户，不能关闭（每个投诉都须答复）。",
                          "The complaint has no response yet; it cannot be closed "
                          "(every complaint gets a response).")
        return dataclasses.replace(state, status=ComplaintStatus.CLOSED,
                                   closed_at=event.occurred_at, closed_by=event.text("closed_by"),
                                   outcome=event.text("outcome"),
                                   customer_satisfied=event.text("customer_satisfied") or None)
    raise Refused("wrong_kind", f"投诉不接受事件 {event.kind}。",
                  f"A complaint takes no {event.kind}.")


def fold_complaint(events: list[EventRecord]) -> ComplaintState:
    return fold_events(events, ComplaintState(), _step)


def complaint_state(session: Session, complaint: Complaint) -> ComplaintState:
    return fold_complaint(events_for(session, complaint))


def response_due_at(complaint: Complaint) -> datetime:
    return complaint.received_at + timedelta(hours=complaint.response_hours)


def complaint_clock(complaint: Complaint, state: ComplaintState, now: datetime) -> PromiseClock:
    """The promised response time: from receipt to the first response."""
    return promise_clock(complaint.received_at, response_due_at(complaint),
                         state.first_response_at, now)


def respond_to_complaint(session: Session, complaint: Complaint, *, response: str,
                         responder: str, actor_code: str, occurred_at: datetime,
                         now: datetime | None = None) -> EventRecord:
    if occurred_at < complaint.received_at:
        raise_if([FieldIssue("occurred_at", "out_of_order", "答复时间不能早于受理时间。",
                             "The response cannot be before the complaint was received.")])
    return record_event(session, kind=EventKind.COMPLAINT_RESPONDED, subject_id=complaint.id,
                        payload={"response": response.strip(), "responder": responder.strip()},
                        actor_code=actor_code, occurred_at=occurred_at,
                        request_id=complaint.request_id, fold=fold_complaint, now=now)


def close_complaint(session: Session, complaint: Complaint, *, closed_by: str,
                    actor_code: str, occurred_at: datetime, outcome: str = "",
                    customer_satisfied: bool | None = None, now: datetime | None = None
                    ) -> EventRecord:
    satisfied = {True: "yes", False: "no", None: ""}[customer_satisfied]
    return record_event(session, kind=EventKind.COMPLAINT_CLOSED, subject_id=complaint.id, payload={
        "closed_by": closed_by.strip(), "outcome": outcome.strip(),
        "customer_satisfied": satisfied,
    }, actor_code=actor_code, occurred_at=occurred_at, request_id=complaint.request_id,
        fold=fold_complaint, now=now)


def complaint_feedback_report(session: Session, complaint: Complaint
                              ) -> ComplaintFeedbackReport:
    """The complaint feedback report (投诉反馈报告, R5.3) of a closed complaint."""
    state = complaint_state(session, complaint)
    if state.status != ComplaintStatus.CLOSED or state.closed_at is None:
        raise WorkflowError(f"投诉 {complaint.number} 尚未关闭，不能出具投诉反馈报告。",
                            f"Complaint {complaint.number} is not closed; no feedback report yet.")
    due = response_due_at(complaint)
    first = state.first_response_at
    about_zh, about_en = ABOUT_LABELS[complaint.about]
    route_zh, route_en = ROUTE_LABELS[complaint.routed_to]
    customer = complaint.customer
    return ComplaintFeedbackReport(
        complaint_number=complaint.number, customer_name=customer.name,
        customer_code=customer.code, about=complaint.about, about_label_zh=about_zh,
        about_label_en=about_en, subject_name=complaint.subject_name,
        request_number=complaint.request.number if complaint.request else None,
        slip_numbers=tuple(n for n in complaint.slip_numbers.split(",") if n),
        description=complaint.description, received_via=complaint.received_via,
        received_at=complaint.received_at, routed_to=complaint.routed_to,
        routed_to_zh=route_zh, routed_to_en=route_en, handler_name=complaint.handler_name,
        response_due_at=due, responses=state.responses, first_response_at=first,
        response_on_time=first is not None and first <= due, closed_at=state.closed_at,
        closed_by=state.closed_by, outcome=state.outcome,
        customer_satisfied=state.customer_satisfied,
        file_to_customer_archive=customer.is_group,
    )


def complaints_to_file(session: Session, customer: Customer) -> list[Complaint]:
    """A group customer's closed complaints, for its customer archive (R5.4)."""
    if not customer.is_group:
        return []
    rows = session.scalars(select(Complaint).where(Complaint.customer_id == customer.id)
                           .order_by(Complaint.received_at))
    return [c for c in rows if complaint_state(session, c).status == ComplaintStatus.CLOSED]
