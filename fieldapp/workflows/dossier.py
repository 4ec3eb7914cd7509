"""The group dossier's problem sets and service suggestions (R2.5, issue 20 item 6).

After a visit for a group customer (集团用户) the engineer raises problem sets (问题集管理)
and makes service suggestions (服务建议); main-device tracking notes stay archive entries
(fieldapp.workflows.group_archive). Each record is written once; what happens to it later
is an append-only event, so two laptops and the archive always fold the same history:

    problem     raised(提出) → tracking(跟踪中) → solved(已解决) | wont_fix(不予解决)
                solved/wont_fix → reopened (跟踪中 again); notes and linked requests any time
                before it is closed
    suggestion  proposed(已提出) → accepted(客户接受) | declined(客户未采纳); accepted → done

Every submission — the record itself and each engineer's event — is reviewed at the
service centre: a `*.reviewed` event (staff only) says `reviewed` (now a fact the customer
sees) or `returned` with a comment (the engineer sees it after a pull and corrects it by a
new submission; nothing is undone). A submission is reviewed once. The customer's own
answer to a suggestion on the portal (actor `WEB`) is no engineer's submission: it is a
fact at once, with nothing to review.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.base.errors import FieldIssue, WorkflowError
from fieldapp.base.ids import PORTAL_OPERATOR_CODE
from fieldapp.base.timeutil import DEFAULT_TIMEZONE, utcnow
from fieldapp.records.events import (
    REVIEW_KINDS,
    Conflict,
    EventKind,
    EventRecord,
    events_of,
    ordered,
    record_event,
)
from fieldapp.records.numbering import next_number
from fieldapp.rules.validation import blank_issue, future_issue, raise_if
from fieldapp.store.models import Customer, Device, ServiceRequest, Slip
from fieldapp.store.values import SubjectType
from fieldapp.store.workflow_models import ArchiveEntry, ProblemSet, ServiceSuggestion

PROBLEM, SUGGESTION = "W", "J"  # numbers W-E07-20261124-001 (问题), J-… (建议)
MAX_TITLE = 100


class ProblemStatus(StrEnum):
    RAISED = "raised"
    TRACKING = "tracking"
    SOLVED = "solved"
    WONT_FIX = "wont_fix"


class SuggestionStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    DONE = "done"


class Review(StrEnum):
    SUBMITTED = "submitted"  # 待审核: not yet a fact for the customer
    REVIEWED = "reviewed"
    RETURNED = "returned"


STATUS_LABELS: dict[str, tuple[str, str]] = {
    ProblemStatus.RAISED: ("已提出", "Raised"),
    ProblemStatus.TRACKING: ("跟踪中", "Tracking"),
    ProblemStatus.SOLVED: ("已解决", "Solved"),
    ProblemStatus.WONT_FIX: ("不予解决", "Closed without fix"),
    SuggestionStatus.PROPOSED: ("已提出", "Proposed"),
    SuggestionStatus.ACCEPTED: ("客户已接受", "Accepted"),
    SuggestionStatus.DECLINED: ("客户未采纳", "Declined"),
    SuggestionStatus.DONE: ("已落实", "Done"),
}
REVIEW_LABELS: dict[str, tuple[str, str]] = {
    Review.SUBMITTED: ("待审核", "Awaiting review"),
    Review.REVIEWED: ("已审核", "Reviewed"),
    Review.RETURNED: ("已退回", "Returned"),
}
STEP_LABELS: dict[str, tuple[str, str]] = {
    "raised": ("提出问题", "Raised"),
    "proposed": ("提出建议", "Proposed"),
    EventKind.PROBLEM_TRACKING: ("开始跟踪", "Tracking started"),
    EventKind.PROBLEM_NOTED: ("跟踪记录", "Tracking note"),
    EventKind.PROBLEM_SOLVED: ("已解决", "Solved"),
    EventKind.PROBLEM_WONT_FIX: ("不予解决", "Closed without fix"),
    EventKind.PROBLEM_REOPENED: ("重新打开", "Reopened"),
    EventKind.PROBLEM_LINKED: ("关联服务请求", "Request linked"),
    EventKind.SUGGESTION_ACCEPTED: ("客户接受", "Accepted by the customer"),
    EventKind.SUGGESTION_DECLINED: ("客户未采纳", "Declined by the customer"),
    EventKind.SUGGESTION_DONE: ("已落实", "Done"),
}

_CLOSED = (ProblemStatus.SOLVED, ProblemStatus.WONT_FIX)
_OPEN = (ProblemStatus.RAISED, ProblemStatus.TRACKING)
# kind -> (states it may follow, state after it (None: unchanged), refusal zh, en)
_PROBLEM_STEPS: dict[str, tuple[tuple[str, ...], str | None, str, str]] = {
    EventKind.PROBLEM_TRACKING: ((ProblemStatus.RAISED,), ProblemStatus.TRACKING,
                                 "只有刚提出的问题才能开始跟踪。",
                                 "Only a newly raised problem can start tracking."),
    EventKind.PROBLEM_NOTED: (_OPEN, None, "问题已关闭，请先重新打开再添加跟踪记录。",
                              "The problem is closed; reopen it before adding notes."),
    EventKind.PROBLEM_SOLVED: (_OPEN, ProblemStatus.SOLVED, "问题已关闭，不能再标记为已解决。",
                               "The problem is closed already; it cannot be solved again."),
    EventKind.PROBLEM_WONT_FIX: (_OPEN, ProblemStatus.WONT_FIX, "问题已关闭，不能再关闭。",
                                 "The problem is closed already."),
    EventKind.PROBLEM_REOPENED: (_CLOSED, ProblemStatus.TRACKING, "问题尚未关闭，无需重新打开。",
                                 "The problem is still open; there is nothing to reopen."),
    EventKind.PROBLEM_LINKED: (_OPEN, None, "问题已关闭，不能再关联服务请求。",
                               "The problem is closed; no request can be linked to it."),
}
_SUGGESTION_STEPS: dict[str, tuple[tuple[str, ...], str | None, str, str]] = {
    EventKind.SUGGESTION_ACCEPTED: ((SuggestionStatus.PROPOSED,), SuggestionStatus.ACCEPTED,
                                    "客户已答复过该建议。",
                                    "The customer has answered this suggestion already."),
    EventKind.SUGGESTION_DECLINED: ((SuggestionStatus.PROPOSED,), SuggestionStatus.DECLINED,
                                    "客户已答复过该建议。",
                                    "The customer has answered this suggestion already."),
    EventKind.SUGGESTION_DONE: ((SuggestionStatus.ACCEPTED,), SuggestionStatus.DONE,
                                "只有客户接受的建议才能标记为已落实。",
                                "Only a suggestion the customer accepted can be done."),
}


PROBLEM_STEPS = (EventKind.PROBLEM_TRACKING, EventKind.PROBLEM_NOTED, EventKind.PROBLEM_SOLVED,
                 EventKind.PROBLEM_WONT_FIX, EventKind.PROBLEM_REOPENED)
SUGGESTION_STEPS = tuple(_SUGGESTION_STEPS)


def allowed_steps(status: str) -> tuple[str, ...]:
    """The steps a problem or suggestion in `status` may take next (a form offers these)."""
    return tuple(kind for kind, (allowed, *_rest) in (
        *_PROBLEM_STEPS.items(), *_SUGGESTION_STEPS.items()) if status in allowed)


# --- the rules (fieldapp.rules: the laptop's and the archive's ingest's) ---------------


def _text_issues(field: str, value: str, limit: int, zh: str, en: str) -> list[FieldIssue]:
    issues = blank_issue(field, value, f"请填写{zh}。", f"Please enter the {en}.")
    if len(value) > limit:
        issues.append(FieldIssue(field, "too_long", f"{zh}不能超过 {limit} 个字。",
                                 f"The {en} may have at most {limit} characters."))
    return issues


def _owner_issues(customer_id: uuid.UUID | None, device_customer_id: uuid.UUID | None,
                  request_customer_id: uuid.UUID | None) -> list[FieldIssue]:
    issues = []
    if device_customer_id is not None and device_customer_id != customer_id:
        issues.append(FieldIssue("device_id", "wrong_customer", "设备不属于该客户。",
                                 "The device belongs to another customer."))
    if request_customer_id is not None and request_customer_id != customer_id:
        issues.append(FieldIssue("request_id", "wrong_customer", "服务请求属于其他客户。",
                                 "The request belongs to another customer."))
    return issues


def problem_set_issues(*, title: str, description: str, raised_at: datetime, now: datetime,
                       customer_id: uuid.UUID | None = None,
                       device_customer_id: uuid.UUID | None = None,
                       request_customer_id: uuid.UUID | None = None) -> list[FieldIssue]:
    """A problem set's rule; `*_customer_id`: whose the device and request are."""
    return [*_text_issues("title", title, MAX_TITLE, "问题标题", "problem's title"),
            *_text_issues("description", description, 5000, "问题描述", "description"),
            *future_issue("raised_at", raised_at, now, "提出时间不能晚于当前时间。",
                          "The time raised cannot be in the future."),
            *_owner_issues(customer_id, device_customer_id, request_customer_id)]


def suggestion_issues(*, suggestion: str, proposed_at: datetime, now: datetime,
                      customer_id: uuid.UUID | None = None,
                      device_customer_id: uuid.UUID | None = None,
                      request_customer_id: uuid.UUID | None = None) -> list[FieldIssue]:
    return [*_text_issues("suggestion", suggestion, 5000, "建议内容", "suggestion"),
            *future_issue("proposed_at", proposed_at, now, "提出时间不能晚于当前时间。",
                          "The time proposed cannot be in the future."),
            *_owner_issues(customer_id, device_customer_id, request_customer_id)]


# --- folding: the lifecycle plus the review of every submission -----------------------


@dataclass(frozen=True)
class Verdict:
    review: Review
    reviewer: str = ""
    comment: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class Step:
    """One line of a record's history: who, when, what, the note, the state after it and
    the centre's review of it."""

    submission_id: uuid.UUID  # the record's id for its first step, else the event's
    kind: str  # STEP_LABELS' keys
    at: datetime
    actor_code: str
    note: str
    status: str  # after this step
    verdict: Verdict = Verdict(Review.SUBMITTED)
    linked_request_id: uuid.UUID | None = None
    linked_number: str = ""


@dataclass(frozen=True)
class DossierState:
    status: str
    steps: tuple[Step, ...] = ()
    conflicts: tuple[Conflict, ...] = ()

    @property
    def record_verdict(self) -> Verdict:
        return self.steps[0].verdict

    @property
    def accepted(self) -> bool:
        """The centre has accepted one of its submissions: the record is a fact (a raise
        returned for a correction is accepted with the corrected step)."""
        return any(s.verdict.review == Review.REVIEWED for s in self.steps)

    @property
    def fact_status(self) -> str | None:
        """The state after the last reviewed step: what the customer is shown as fact
        (None: nothing of it is reviewed yet)."""
        reviewed = [s for s in self.steps if s.verdict.review == Review.REVIEWED]
        return reviewed[-1].status if reviewed else None

    @property
    def linked(self) -> tuple[uuid.UUID, ...]:
        return tuple(s.linked_request_id for s in self.steps if s.linked_request_id)

    @property
    def returned(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.verdict.review == Review.RETURNED)


# the customer's answer on the portal: their own word, no engineer's claim to review
_CUSTOMERS_OWN = Verdict(Review.REVIEWED, "客户门户 / portal")


def _conflict(event: EventRecord, code: str, zh: str, en: str) -> Conflict:
    return Conflict(event.id, event.kind, code, zh, en)


def _verdicts(events: list[EventRecord], submissions: set[uuid.UUID]
              ) -> tuple[dict[uuid.UUID, Verdict], list[Conflict]]:
    verdicts: dict[uuid.UUID, Verdict] = {}
    conflicts = []
    for event in events:
        try:
            target = uuid.UUID(event.text("submission_id"))
        except ValueError:
            target = None
        if target not in submissions:
            conflicts.append(_conflict(event, "unknown_submission", "没有要审核的这条提交。",
                                       "There is no such submission to review."))
        elif target in verdicts:
            conflicts.append(_conflict(event, "already_reviewed", "这条提交已审核过。",
                                       "This submission has been reviewed already."))
        else:
            verdicts[target] = Verdict(Review(event.text("verdict")), event.text("reviewer"),
                                       event.text("comment"), event.occurred_at)
    return verdicts, conflicts


def _fold(events: Iterable[EventRecord], first: Step,
          steps: dict[str, tuple[tuple[str, ...], str | None, str, str]]) -> DossierState:
    """`first`: the record itself as its first step; then its events in canonical order."""
    events = ordered(events)
    lifecycle = [e for e in events if e.kind not in REVIEW_KINDS]
    verdicts, conflicts = _verdicts([e for e in events if e.kind in REVIEW_KINDS],
                                    {first.submission_id, *(e.id for e in lifecycle)})
    status = first.status
    out = [dataclasses.replace(first, verdict=verdicts.get(first.submission_id, first.verdict))]
    linked = {first.linked_request_id}
    for event in lifecycle:
        rule = steps.get(event.kind)
        if rule is None:
            conflicts.append(_conflict(event, "wrong_kind", f"此记录不接受事件 {event.kind}。",
                                       f"This record takes no {event.kind}."))
            continue
        allowed, after, zh, en = rule
        if status not in allowed:
            conflicts.append(_conflict(event, "not_now", zh, en))
            continue
        link = uuid.UUID(event.text("linked_request_id")) if event.kind == (
            EventKind.PROBLEM_LINKED) else None
        if link is not None and link in linked:
            conflicts.append(_conflict(event, "already_linked", "该服务请求已关联到此问题。",
                                       "That request is linked to this problem already."))
            continue
        linked.add(link)
        status = after or status
        waiting = _CUSTOMERS_OWN if event.actor_code == PORTAL_OPERATOR_CODE else Verdict(
            Review.SUBMITTED)
        out.append(Step(event.id, event.kind, event.occurred_at, event.actor_code,
                        event.text("note"), status, verdicts.get(event.id, waiting), link,
                        event.text("linked_number")))
    return DossierState(status, tuple(out), tuple(conflicts))


def fold_problem(events: Iterable[EventRecord], problem: ProblemSet) -> DossierState:
    first = Step(problem.id, "raised", problem.raised_at, problem.raised_by,
                 problem.description, ProblemStatus.RAISED,
                 linked_request_id=problem.request_id)
    return _fold(events, first, _PROBLEM_STEPS)


def fold_suggestion(events: Iterable[EventRecord], suggestion: ServiceSuggestion
                    ) -> DossierState:
    first = Step(suggestion.id, "proposed", suggestion.proposed_at, suggestion.proposed_by,
                 suggestion.suggestion, SuggestionStatus.PROPOSED)
    return _fold(events, first, _SUGGESTION_STEPS)


def fold_entry(events: Iterable[EventRecord], entry: ArchiveEntry) -> DossierState:
    """A tracking note has no lifecycle, only its review."""
    first = Step(entry.id, "noted", entry.noted_at, entry.author_code, entry.text, "noted")
    return _fold(events, first, {})


def problem_state(session: Session, problem: ProblemSet) -> DossierState:
    return fold_problem(events_of(session, SubjectType.PROBLEM, problem.id), problem)


def suggestion_state(session: Session, suggestion: ServiceSuggestion) -> DossierState:
    return fold_suggestion(events_of(session, SubjectType.SUGGESTION, suggestion.id),
                           suggestion)


def entry_state(session: Session, entry: ArchiveEntry) -> DossierState:
    return fold_entry(events_of(session, SubjectType.ARCHIVE_ENTRY, entry.id), entry)


# --- commands ---------------------------------------------------------------------------


def _group_only(customer: Customer) -> None:
    if not customer.is_group:
        raise WorkflowError(f"{customer.name} 不是集团用户，没有客户档案。",
                            f"{customer.name} is not a group customer; there is no dossier.")


@dataclass(frozen=True)
class _Links:
    """What a new record hangs on: the visit's slip and request, a device; and whose the
    device and request are, for its rule."""

    slip: Slip | None
    device: Device | None

    @property
    def columns(self) -> dict[str, uuid.UUID | None]:
        return {"request_id": self.slip.request_id if self.slip else None,
                "slip_id": self.slip.id if self.slip else None,
                "device_id": self.device.id if self.device else None}

    @property
    def owners(self) -> dict[str, uuid.UUID | None]:
        return {"device_customer_id": self.device.customer_id if self.device else None,
                "request_customer_id": self.slip.request.customer_id if self.slip else None}


def _add(session: Session, row: ProblemSet | ServiceSuggestion) -> None:
    session.add(row)
    session.flush()


def raise_problem(session: Session, *, customer: Customer, title: str, description: str,
                  raised_by: str, raised_at: datetime, slip: Slip | None = None,
                  device: Device | None = None, now: datetime | None = None,
                  tz: str = DEFAULT_TIMEZONE) -> ProblemSet:
    _group_only(customer)
    now, links = now or utcnow(), _Links(slip, device)
    raise_if(problem_set_issues(title=title, description=description, raised_at=raised_at,
                                now=now, customer_id=customer.id, **links.owners))
    row = ProblemSet(number=next_number(session, PROBLEM, raised_by, raised_at, tz),
                     customer_id=customer.id, title=title.strip(),
                     description=description.strip(), raised_by=raised_by,
                     raised_at=raised_at, created_at=now, updated_at=now, **links.columns)
    _add(session, row)
    return row


def propose_suggestion(session: Session, *, customer: Customer, suggestion: str,
                       proposed_by: str, proposed_at: datetime, slip: Slip | None = None,
                       device: Device | None = None, now: datetime | None = None,
                       tz: str = DEFAULT_TIMEZONE) -> ServiceSuggestion:
    _group_only(customer)
    now, links = now or utcnow(), _Links(slip, device)
    raise_if(suggestion_issues(suggestion=suggestion, proposed_at=proposed_at, now=now,
                               customer_id=customer.id, **links.owners))
    row = ServiceSuggestion(
        number=next_number(session, SUGGESTION, proposed_by, proposed_at, tz),
        customer_id=customer.id, suggestion=suggestion.strip(), proposed_by=proposed_by,
        proposed_at=proposed_at, created_at=now, updated_at=now, **links.columns)
    _add(session, row)
    return row


def _not_before(at: datetime, start: datetime) -> None:
    if at < start:
        raise_if([FieldIssue("occurred_at", "out_of_order", "时间不能早于记录提出的时间。",
                             "The time cannot be before the record was made.")])


def problem_step(session: Session, problem: ProblemSet, *, kind: str, note: str,
                 actor_code: str, occurred_at: datetime, now: datetime | None = None
                 ) -> EventRecord:
    """Track, note, solve, close without fix or reopen: refused (WorkflowError, zh/en)
    when the problem's state does not allow it."""
    if kind not in _PROBLEM_STEPS or kind == EventKind.PROBLEM_LINKED:
        raise WorkflowError(f"问题不接受事件 {kind}。", f"A problem takes no {kind}.")
    _not_before(occurred_at, problem.raised_at)
    return record_event(session, kind=kind, subject_id=problem.id,
                        payload={"note": note.strip()}, actor_code=actor_code,
                        occurred_at=occurred_at, request_id=problem.request_id,
                        fold=_problem_fold(problem), now=now)


def link_request(session: Session, problem: ProblemSet, request: ServiceRequest, *,
                 actor_code: str, occurred_at: datetime, note: str = "",
                 now: datetime | None = None) -> EventRecord:
    """Link one more of the customer's requests; another customer's is refused."""
    if request.customer_id != problem.customer_id:
        raise_if([FieldIssue("request_id", "wrong_customer", "服务请求属于其他客户。",
                             "The request belongs to another customer.")])
    _not_before(occurred_at, problem.raised_at)
    return record_event(session, kind=EventKind.PROBLEM_LINKED, subject_id=problem.id,
                        payload={"linked_request_id": str(request.id),
                                 "linked_number": request.number, "note": note.strip()},
                        actor_code=actor_code, occurred_at=occurred_at,
                        request_id=problem.request_id, fold=_problem_fold(problem), now=now)


def suggestion_step(session: Session, suggestion: ServiceSuggestion, *, kind: str,
                    customer_name: str = "", note: str = "", actor_code: str,
                    occurred_at: datetime, now: datetime | None = None) -> EventRecord:
    """The customer's answer (who answered) or the suggestion carried out."""
    if kind not in _SUGGESTION_STEPS:
        raise WorkflowError(f"建议不接受事件 {kind}。", f"A suggestion takes no {kind}.")
    _not_before(occurred_at, suggestion.proposed_at)
    payload = {"note": note.strip()}
    if kind != EventKind.SUGGESTION_DONE:
        payload["customer_name"] = customer_name.strip()
    return record_event(session, kind=kind, subject_id=suggestion.id, payload=payload,
                        actor_code=actor_code, occurred_at=occurred_at,
                        request_id=suggestion.request_id,
                        fold=lambda evs: fold_suggestion(evs, suggestion), now=now)


def _problem_fold(problem: ProblemSet) -> Callable[[list[EventRecord]], DossierState]:
    return lambda events: fold_problem(events, problem)


Reviewable = ProblemSet | ServiceSuggestion | ArchiveEntry
_REVIEW_KIND: dict[type, str] = {ProblemSet: EventKind.PROBLEM_REVIEWED,
                                 ServiceSuggestion: EventKind.SUGGESTION_REVIEWED,
                                 ArchiveEntry: EventKind.ENTRY_REVIEWED}
SUBJECT_OF: dict[type, SubjectType] = {ProblemSet: SubjectType.PROBLEM,
                                       ServiceSuggestion: SubjectType.SUGGESTION,
                                       ArchiveEntry: SubjectType.ARCHIVE_ENTRY}


def state_of(session: Session, record: Reviewable) -> DossierState:
    """Any dossier record's folded state."""
    return fold_for(record)(events_of(session, SUBJECT_OF[type(record)], record.id))


def fold_for(record: Reviewable) -> Callable[[list[EventRecord]], DossierState]:
    if isinstance(record, ProblemSet):
        return _problem_fold(record)
    if isinstance(record, ServiceSuggestion):
        return lambda events: fold_suggestion(events, record)
    return lambda events: fold_entry(events, record)


def review(session: Session, record: Reviewable, submission_id: uuid.UUID, *, verdict: str,
           reviewer: str, comment: str, actor_code: str, occurred_at: datetime,
           now: datetime | None = None) -> EventRecord:
    """The centre's verdict on one submission of the record; returning one needs a
    comment the engineer can act on."""
    if verdict == Review.RETURNED and not comment.strip():
        raise_if([FieldIssue("comment", "required", "退回时请写明原因。",
                             "Say why it is returned.")])
    return record_event(session, kind=_REVIEW_KIND[type(record)], subject_id=record.id,
                        payload={"submission_id": str(submission_id), "verdict": verdict,
                                 "reviewer": reviewer.strip(), "comment": comment.strip()},
                        actor_code=actor_code, occurred_at=occurred_at,
                        request_id=record.request_id, fold=fold_for(record), now=now)


def customer_problems(session: Session, customer_id: uuid.UUID) -> list[ProblemSet]:
    return list(session.scalars(select(ProblemSet).where(ProblemSet.customer_id == customer_id)
                                .order_by(ProblemSet.raised_at.desc(), ProblemSet.id)))


def customer_suggestions(session: Session, customer_id: uuid.UUID) -> list[ServiceSuggestion]:
    return list(session.scalars(
        select(ServiceSuggestion).where(ServiceSuggestion.customer_id == customer_id)
        .order_by(ServiceSuggestion.proposed_at.desc(), ServiceSuggestion.id)))
