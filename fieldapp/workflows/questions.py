"""Open questions (R1.6): what a customer asked that could not be answered on the spot.

Each becomes a record (number Q-<engineer>-<day>-<seq>) with a promised answer time and its
own clock; the answer is a `question.answered` event.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.base.errors import FieldIssue
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
from fieldapp.rules.validation import raise_if
from fieldapp.rules.workflows import question_issues
from fieldapp.sla.promises import PromiseClock, promise_clock
from fieldapp.store.models import Customer, ServiceRequest, Slip
from fieldapp.store.workflow_models import OpenQuestion

QUESTION = "Q"


def record_question(session: Session, *, customer: Customer, asked_by: str, question: str,
                    asked_at: datetime, promised_at: datetime, recorded_by: str,
                    request: ServiceRequest | None = None, slip: Slip | None = None,
                    now: datetime | None = None, tz: str = DEFAULT_TIMEZONE) -> OpenQuestion:
    now = now or utcnow()
    raise_if(question_issues(question=question, asked_by=asked_by, asked_at=asked_at,
                             promised_at=promised_at, now=now))
    row = OpenQuestion(
        number=next_number(session, QUESTION, recorded_by, asked_at, tz), customer=customer,
        request_id=request.id if request else (slip.request_id if slip else None),
        slip_id=slip.id if slip else None, asked_by=asked_by.strip(),
        question=question.strip(), asked_at=asked_at, promised_at=promised_at,
        recorded_by=recorded_by, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    return row


class QuestionStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"


@dataclass(frozen=True)
class QuestionState:
    status: QuestionStatus = QuestionStatus.OPEN
    answer: str = ""
    answered_by: str = ""
    answered_at: datetime | None = None
    conflicts: tuple[Conflict, ...] = ()


def _step(state: QuestionState, event: EventRecord) -> QuestionState:
    if event.kind != EventKind.QUESTION_ANSWERED:
        raise Refused("wrong_kind", f"问题不接受事件 {event.kind}。",
                      f"A question takes no {event.kind}.")
    if state.status == QuestionStatus.ANSWERED:
        raise Refused("already_answered", "该问题已答复。", "The question is answered already.")
    return dataclasses.replace(state, status=QuestionStatus.ANSWERED, answer=event.text("answer"),
                               answered_by=event.text("answered_by"),
                               answered_at=event.occurred_at)


def fold_question(events: list[EventRecord]) -> QuestionState:
    return fold_events(events, QuestionState(), _step)


def question_state(session: Session, question: OpenQuestion) -> QuestionState:
    return fold_question(events_for(session, question))


def question_clock(question: OpenQuestion, state: QuestionState, now: datetime
                   ) -> PromiseClock:
    return promise_clock(question.asked_at, question.promised_at, state.answered_at, now)


def answer_question(session: Session, question: OpenQuestion, *, answer: str,
                    answered_by: str, actor_code: str, occurred_at: datetime,
                    now: datetime | None = None) -> EventRecord:
    if occurred_at < question.asked_at:
        raise_if([FieldIssue("occurred_at", "out_of_order", "答复时间不能早于提问时间。",
                             "The answer cannot be before the question.")])
    return record_event(session, kind=EventKind.QUESTION_ANSWERED, subject_id=question.id,
                        payload={"answer": answer.strip(), "answered_by": answered_by.strip()},
                        actor_code=actor_code, occurred_at=occurred_at,
                        request_id=question.request_id, fold=fold_question, now=now)


def open_questions(session: Session, customer: Customer | None = None) -> list[OpenQuestion]:
    """Questions not answered yet, the earliest promise first."""
    query = select(OpenQuestion).order_by(OpenQuestion.promised_at)
    if customer is not None:
        query = query.where(OpenQuestion.customer_id == customer.id)
    return [q for q in session.scalars(query)
            if question_state(session, q).status == QuestionStatus.OPEN]
