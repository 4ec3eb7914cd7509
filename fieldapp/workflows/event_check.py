"""Checking an event that arrives from another machine with the same folds that recorded it.

Used by the archive on every pushed event (and usable by a laptop): the subject's stored
events plus the new one are folded with the workflow's own fold; if the new event (or
one already stored, because the new one sorts before it) becomes a conflict, the fold's
own zh/en reason is the answer. Loaner hand-overs are physical facts: a loaner lent twice
while two laptops were apart is **kept and recorded as a conflict** (`lent_twice`) that
every machine's fold shows; every other conflicting step is refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from fieldapp.records.events import Conflict, EventKind, EventRecord, events_of, payload_issues
from fieldapp.store.models import Record, ServiceRequest
from fieldapp.store.values import SubjectType
from fieldapp.store.workflow_models import (
    ArchiveEntry,
    Complaint,
    Loaner,
    OpenQuestion,
    ProblemSet,
    RepairOrder,
    ServiceSuggestion,
)

KEPT_AS_CONFLICT = (EventKind.LOANER_ISSUED, EventKind.LOANER_RETURNED)
# keyed by member; looked up by the stored subject_type text (a member is its string)
_SUBJECT_MODELS: dict[str, type[Record]] = {
    SubjectType.REPAIR: RepairOrder, SubjectType.LOANER: Loaner,
    SubjectType.REQUEST: ServiceRequest, SubjectType.COMPLAINT: Complaint,
    SubjectType.QUESTION: OpenQuestion, SubjectType.PROBLEM: ProblemSet,
    SubjectType.SUGGESTION: ServiceSuggestion, SubjectType.ARCHIVE_ENTRY: ArchiveEntry}


@dataclass(frozen=True)
class EventVerdict:
    ok: bool  # store it
    code: str = ""
    zh: str = ""
    en: str = ""
    conflicts: tuple[Conflict, ...] = ()  # new conflicts recorded by keeping it


class _Folded(Protocol):
    """What every workflow's fold returns, as far as the check reads it."""

    @property
    def conflicts(self) -> tuple[Conflict, ...]: ...


def _fold_for(session: Session, subject_type: str, subject: Record
              ) -> Callable[[list[EventRecord]], _Folded]:
    if subject_type == SubjectType.REPAIR:
        from fieldapp.workflows.repair import fold_repair

        assert isinstance(subject, RepairOrder)  # _SUBJECT_MODELS gave it
        received = subject.received_at
        return lambda events: fold_repair(events, received)
    if subject_type == SubjectType.LOANER:
        from fieldapp.workflows.loaners import fold_loaner

        return fold_loaner
    if subject_type == SubjectType.REQUEST:
        from fieldapp.workflows.escalation import _initial, fold_request

        assert isinstance(subject, ServiceRequest)
        initial = _initial(subject)
        return lambda events: fold_request(events, initial)
    if subject_type == SubjectType.COMPLAINT:
        from fieldapp.workflows.complaints import fold_complaint

        return fold_complaint
    if isinstance(subject, ProblemSet | ServiceSuggestion | ArchiveEntry):
        from fieldapp.workflows.dossier import fold_for

        return fold_for(subject)
    from fieldapp.workflows.questions import fold_question

    return fold_question


def _linked_elsewhere(session: Session, event: EventRecord, subject: Record) -> bool:
    """A problem linked to a request of another customer (the laptop refuses it too)."""
    if event.kind != EventKind.PROBLEM_LINKED or not isinstance(subject, ProblemSet):
        return False
    request = session.get(ServiceRequest, uuid.UUID(event.text("linked_request_id")))
    return request is not None and request.customer_id != subject.customer_id


def check_event(session: Session, event: EventRecord) -> EventVerdict:
    """Whether `event` (not yet stored here) may be stored, by the workflows' own rules."""
    issues = payload_issues(event.kind, event.payload)
    if issues:
        return EventVerdict(False, "invalid", "；".join(i.zh for i in issues),
                            "; ".join(i.en for i in issues))
    from fieldapp.records.events import EVENT_KINDS

    if EVENT_KINDS[event.kind][0] != event.subject_type:
        return EventVerdict(False, "invalid", "事件类型与对象不符。",
                            "The event's kind does not fit its subject.")
    subject = session.get(_SUBJECT_MODELS[event.subject_type], event.subject_id)
    if subject is None:
        return EventVerdict(False, "missing_subject", "档案中还没有该事件所涉及的记录，稍后重试。",
                            "The archive does not have the record this event is about yet; "
                            "it will be sent again.")
    if _linked_elsewhere(session, event, subject):
        return EventVerdict(False, "wrong_customer", "服务请求属于其他客户。",
                            "The request belongs to another customer.")
    fold = _fold_for(session, event.subject_type, subject)
    stored = events_of(session, event.subject_type, event.subject_id)
    before = {c.event_id for c in fold(stored).conflicts}
    after = fold([*stored, event]).conflicts
    new = tuple(c for c in after if c.event_id not in before)
    if not new:
        return EventVerdict(True)
    if event.kind in KEPT_AS_CONFLICT:
        return EventVerdict(True, new[0].code, new[0].zh, new[0].en, new)
    return EventVerdict(False, new[0].code, new[0].zh, new[0].en)
