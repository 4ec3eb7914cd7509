"""The group dossier (客户档案, R2.5, issue 20 item 6) as services.

On the laptop, after a visit for a group customer: the dossier as the engineer sees it
(`context`), raising a problem set, moving it through its lifecycle or linking one more
of the customer's requests, making a service suggestion and recording the customer's
answer and its follow-up. Main-device tracking notes are `services.archive_entries.add`.

At the service centre (the archive's `fieldapp-archive dossier` commands and the staff
API): what awaits review (`pending`) and the verdict on a record's waiting submissions
(`review`): reviewed — now a fact the customer sees — or returned with a comment the
engineer reads after the next pull. `then(session, event_id)` runs in the same
transaction for each event made (the archive puts it on its change feed there).

Plain values in, plain values out; pass `now` (tests freeze it).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.base.errors import FieldIssue, NotFound, ValidationError
from fieldapp.base.timeutil import utcnow
from fieldapp.reads.dossier import Dossier, dossier
from fieldapp.reads.dossier import RecordView as RecordView  # the desktop names it here
from fieldapp.records import slips
from fieldapp.records.events import EventKind
from fieldapp.services.portal import PORTAL_OPERATOR, Transactions
from fieldapp.services.visit_view import device_text
from fieldapp.store import Store
from fieldapp.store.models import Customer, Device, ServiceRequest
from fieldapp.store.workflow_models import ArchiveEntry, ProblemSet, ServiceSuggestion
from fieldapp.workflows import dossier as flow
from fieldapp.workflows.dossier import PROBLEM_STEPS as PROBLEM_STEPS
from fieldapp.workflows.dossier import REVIEW_LABELS as REVIEW_LABELS
from fieldapp.workflows.dossier import SUGGESTION_STEPS as SUGGESTION_STEPS
from fieldapp.workflows.dossier import Review as Review
from fieldapp.workflows.dossier import allowed_steps as allowed_steps  # pure: the form's
from fieldapp.workflows.group_archive import ArchiveEntryKind

__all__ = ["CENTRE_CODE", "DossierContext", "NewProblem", "NewSuggestion", "Pending",
           "SuggestionAnswer", "answer_suggestion", "context", "link_request",
           "pending", "problem_step", "propose", "raise_problem", "review", "suggestion_step"]

DEVICE_TRACKING = ArchiveEntryKind.DEVICE_TRACKING  # a tracking note's kind (archive_entries)
CENTRE_CODE = "CENTRE"  # the actor code of a review by a staff account with no code
Then = Callable[[Session, uuid.UUID], None]
_R = TypeVar("_R", ProblemSet, ServiceSuggestion)


@dataclass(frozen=True)
class DossierContext:
    customer_name: str
    is_group: bool  # only group customers have a dossier (R2.5)
    devices: tuple[tuple[uuid.UUID, str], ...]  # the customer's, for the pickers
    device_id: uuid.UUID | None  # the visit's device
    requests: tuple[tuple[uuid.UUID, str], ...]  # the customer's, newest first, to link
    dossier: Dossier  # everything, with the centre's verdicts and comments


@dataclass(frozen=True)
class NewProblem:
    title: str
    description: str
    author_code: str
    device_id: uuid.UUID | None = None


@dataclass(frozen=True)
class NewSuggestion:
    text: str
    author_code: str
    device_id: uuid.UUID | None = None


def context(store: Store, slip_id: uuid.UUID) -> DossierContext:
    with store.read() as session:
        slip = slips.get_slip(session, slip_id)
        customer = slip.request.customer
        devices = session.scalars(select(Device).where(Device.customer_id == customer.id)
                                  .order_by(Device.device_type, Device.id)).all()
        requests = session.execute(
            select(ServiceRequest.id, ServiceRequest.number)
            .where(ServiceRequest.customer_id == customer.id)
            .order_by(ServiceRequest.requested_at.desc()).limit(50)).all()
        return DossierContext(customer.name, customer.is_group,
                              tuple((d.id, device_text(d)) for d in devices),
                              slip.request.device_id, tuple((r.id, r.number) for r in requests),
                              dossier(session, customer.id, facts_only=False))


def _device(session: Session, device_id: uuid.UUID | None) -> Device | None:
    return session.get(Device, device_id) if device_id else None


def raise_problem(store: Store, slip_id: uuid.UUID, problem: NewProblem, *,
                  now: datetime | None = None) -> str:
    """Raise a problem set for the slip's customer; its number."""
    now = now or utcnow()
    with store.write() as session:
        slip = slips.get_slip(session, slip_id)
        return flow.raise_problem(
            session, customer=slip.request.customer, title=problem.title,
            description=problem.description, raised_by=problem.author_code, raised_at=now,
            slip=slip, device=_device(session, problem.device_id), now=now).number


def propose(store: Store, slip_id: uuid.UUID, suggestion: NewSuggestion, *,
            now: datetime | None = None) -> str:
    """Make a service suggestion to the slip's customer; its number."""
    now = now or utcnow()
    with store.write() as session:
        slip = slips.get_slip(session, slip_id)
        return flow.propose_suggestion(
            session, customer=slip.request.customer, suggestion=suggestion.text,
            proposed_by=suggestion.author_code, proposed_at=now, slip=slip,
            device=_device(session, suggestion.device_id), now=now).number


def _get(session: Session, model: type[_R], record_id: uuid.UUID) -> _R:
    found = session.get(model, record_id)
    if found is None:
        raise NotFound("找不到该记录。", "No such record.")
    return found


def problem_step(store: Store, problem_id: uuid.UUID, *, kind: str, note: str,
                 actor_code: str, now: datetime | None = None) -> None:
    """Track, note, solve, close without fix or reopen, now."""
    now = now or utcnow()
    with store.write() as session:
        problem = _get(session, ProblemSet, problem_id)
        flow.problem_step(session, problem, kind=kind, note=note, actor_code=actor_code,
                          occurred_at=now, now=now)


def link_request(store: Store, problem_id: uuid.UUID, request_id: uuid.UUID, *,
                 actor_code: str, note: str = "", now: datetime | None = None) -> None:
    now = now or utcnow()
    with store.write() as session:
        problem = _get(session, ProblemSet, problem_id)
        request = session.get(ServiceRequest, request_id)
        if request is None:
            raise NotFound("找不到该服务请求。", "No such request.")
        flow.link_request(session, problem, request, actor_code=actor_code, occurred_at=now,
                          note=note, now=now)


def suggestion_step(store: Store, suggestion_id: uuid.UUID, *, kind: str,
                    customer_name: str = "", note: str = "", actor_code: str,
                    now: datetime | None = None) -> None:
    """The customer accepted or declined it (who said so), or it was carried out."""
    now = now or utcnow()
    with store.write() as session:
        suggestion = _get(session, ServiceSuggestion, suggestion_id)
        flow.suggestion_step(session, suggestion, kind=kind, customer_name=customer_name,
                             note=note, actor_code=actor_code, occurred_at=now, now=now)


# --- the group customer on the portal -------------------------------------------------

ANSWERS = {"accepted": EventKind.SUGGESTION_ACCEPTED, "declined": EventKind.SUGGESTION_DECLINED}


@dataclass(frozen=True)
class SuggestionAnswer:
    """The customer's 接受 / 不采纳 of a suggestion they were shown, as the form sent it."""

    decision: str  # ANSWERS' keys
    answered_by: str  # the person's typed name
    note: str
    account: str  # the portal account, kept in the event's note


def answer_suggestion(db: Transactions, customer_id: uuid.UUID, suggestion_id: uuid.UUID,
                      answer: SuggestionAnswer, *, now: datetime, then: Then | None = None
                      ) -> None:
    """Record the answer as the same `suggestion.accepted` / `.declined` event an engineer
    records (by the portal's operator code, a fact at once); another customer's or an
    unreviewed suggestion is one that does not exist; one answered already is refused
    with the core's message. `then(session, event_id)` runs in the same transaction."""
    kind = ANSWERS.get(answer.decision)
    if kind is None:
        raise ValidationError([FieldIssue("decision", "invalid_choice",
                                          "请选择接受或不采纳该建议。",
                                          "Choose to accept or to decline the suggestion.")])
    with db.write() as session:
        suggestion = session.get(ServiceSuggestion, suggestion_id)
        if suggestion is None or suggestion.customer_id != customer_id or not (
                flow.suggestion_state(session, suggestion).accepted):
            raise ValidationError([FieldIssue("suggestion_id", "unknown", "没有这条服务建议。",
                                              "No such service suggestion.")])
        note = "；".join(p for p in (answer.note.strip(), f"客户门户 / portal: "
                                     f"{answer.answered_by.strip()} ({answer.account})") if p)
        event = flow.suggestion_step(session, suggestion, kind=kind,
                                     customer_name=answer.answered_by, note=note,
                                     actor_code=PORTAL_OPERATOR, occurred_at=now, now=now)
        session.flush()
        if then is not None:
            then(session, event.id)


# --- the service centre -------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    """A record with submissions awaiting review."""

    reference: str  # a number (W-…, J-…) or, for a tracking note, its id
    kind: tuple[str, str]
    customer_code: str
    customer_name: str
    by: str
    at: datetime
    text: str
    waiting: int  # submissions awaiting review


_KINDS: dict[type, tuple[str, str]] = {ProblemSet: ("问题集", "Problem set"),
                                       ServiceSuggestion: ("服务建议", "Suggestion"),
                                       ArchiveEntry: ("设备跟踪记录", "Tracking note")}


def _describe(record: flow.Reviewable) -> tuple[str, str, datetime, str]:
    if isinstance(record, ProblemSet):
        return record.number, record.raised_by, record.raised_at, record.title
    if isinstance(record, ServiceSuggestion):
        return record.number, record.proposed_by, record.proposed_at, record.suggestion
    return str(record.id), record.author_code, record.noted_at, record.text


def pending(db: Transactions, *, limit: int = 200) -> tuple[Pending, ...]:
    """Every record with a submission the centre has not reviewed, oldest first."""
    out = []
    with db.read() as session:
        records: list[flow.Reviewable] = [*session.scalars(select(ProblemSet)),
                                          *session.scalars(select(ServiceSuggestion)),
                                          *session.scalars(select(ArchiveEntry))]
        for record in records:
            waiting = sum(1 for s in flow.state_of(session, record).steps
                          if s.verdict.review == Review.SUBMITTED)
            if waiting:
                reference, by, at, text = _describe(record)
                customer = session.get_one(Customer, record.customer_id)
                out.append(Pending(reference, _KINDS[type(record)], customer.code,
                                   customer.name, by, at, text[:80], waiting))
    return tuple(sorted(out, key=lambda p: p.at)[:limit])


def _find(session: Session, reference: str) -> flow.Reviewable:
    reference = reference.strip()
    found: flow.Reviewable | None = session.scalar(
        select(ProblemSet).where(ProblemSet.number == reference)) or session.scalar(
        select(ServiceSuggestion).where(ServiceSuggestion.number == reference))
    if found is not None:
        return found
    try:
        entry = session.get(ArchiveEntry, uuid.UUID(reference))
    except ValueError:
        entry = None
    if entry is None:
        raise NotFound(f"找不到客户档案记录 {reference[:40]}。",
                       f"No dossier record {reference[:40]}.")
    return entry


def review(db: Transactions, reference: str, *, verdict: str, reviewer: str, comment: str = "",
           actor_code: str = CENTRE_CODE, now: datetime | None = None,
           then: Then | None = None) -> int:
    """The verdict on every waiting submission of the record named by `reference`; how
    many were reviewed. Refused when nothing waits or a return has no comment."""
    if verdict not in (Review.REVIEWED, Review.RETURNED):
        raise ValidationError([FieldIssue("verdict", "invalid_choice", "审核结论无效。",
                                          "The verdict is not one of the choices.")])
    if not reviewer.strip():
        raise ValidationError([FieldIssue("reviewer", "required", "请填写审核人。",
                                          "Please enter the reviewer.")])
    now = now or utcnow()
    with db.write() as session:
        record = _find(session, reference)
        waiting = [s.submission_id for s in flow.state_of(session, record).steps
                   if s.verdict.review == Review.SUBMITTED]
        if not waiting:
            raise ValidationError([FieldIssue("reference", "nothing_waiting",
                                              "该记录没有待审核的内容。",
                                              "Nothing of this record awaits review.")])
        for submission in waiting:
            event = flow.review(session, record, submission, verdict=verdict,
                                reviewer=reviewer, comment=comment, actor_code=actor_code,
                                occurred_at=now, now=now)
            if then is not None:
                then(session, event.id)
        return len(waiting)


def customer_dossier(db: Transactions, customer_id: uuid.UUID) -> Dossier:
    """The whole dossier, with pending and returned submissions (staff)."""
    with db.read() as session:
        return dossier(session, customer_id, facts_only=False)
