"""Open questions (待答复问题, R1.6) as services: record one, answer it, list them.

Every customer question not solved on the spot becomes a record with a promised answer
time. Pass `now` (tests freeze it); the default is the clock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from fieldapp.base.errors import FieldIssue
from fieldapp.base.timeutil import utcnow
from fieldapp.reads.workflow_lists import QuestionRow, list_questions
from fieldapp.records import reference, slips
from fieldapp.rules.validation import raise_if
from fieldapp.store import Store
from fieldapp.store.models import Customer
from fieldapp.store.workflow_models import OpenQuestion
from fieldapp.workflows import questions

__all__ = ["PROMISE_CHOICES", "Answer", "NewQuestion", "QuestionRow", "answer", "customers",
           "page", "promised_in", "record"]

PROMISE_CHOICES = (4, 24, 72)  # hours: today, tomorrow, in three days


@dataclass(frozen=True)
class NewQuestion:
    """A question as asked. From a slip the customer is the slip's; else `customer_id`."""

    asked_by: str
    question: str
    asked_at: datetime | None  # None: now
    promised_at: datetime
    recorded_by: str
    customer_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Answer:
    text: str
    answered_by: str


NO_CUSTOMER = FieldIssue("customer_id", "required", "请选择客户。", "Choose the customer.")


def promised_in(hours: int, asked_at: datetime | None, now: datetime) -> datetime:
    """The promise `hours` after the question was asked (now when no time is given)."""
    return (asked_at or now) + timedelta(hours=hours)


def customers(store: Store) -> tuple[tuple[uuid.UUID, str], ...]:
    with store.read() as session:
        return tuple((c.id, c.name) for c in reference.list_customers(session))


def record(store: Store, entry: NewQuestion, *, slip_id: uuid.UUID | None = None,
           now: datetime | None = None) -> str:
    """Record the question (linked to the slip when given); returns its number."""
    now = now or utcnow()
    if slip_id is None and entry.customer_id is None:
        raise_if([NO_CUSTOMER])
    with store.write() as session:
        slip = slips.get_slip(session, slip_id) if slip_id else None
        customer = (slip.request.customer if slip is not None
                    else session.get_one(Customer, entry.customer_id))
        return questions.record_question(
            session, customer=customer, slip=slip, asked_by=entry.asked_by,
            question=entry.question, asked_at=entry.asked_at or now,
            promised_at=entry.promised_at, recorded_by=entry.recorded_by, now=now).number


def answer(store: Store, question_id: uuid.UUID, entry: Answer, *, operator_code: str,
           now: datetime | None = None) -> None:
    now = now or utcnow()
    with store.write() as session:
        questions.answer_question(session, session.get_one(OpenQuestion, question_id),
                                  answer=entry.text, answered_by=entry.answered_by,
                                  actor_code=operator_code, occurred_at=now, now=now)


def page(store: Store, *, offset: int = 0, limit: int = 200, now: datetime | None = None
         ) -> list[QuestionRow]:
    """Questions, the earliest promise first (answered ones after the open ones)."""
    with store.read() as session:
        return list_questions(session, now or utcnow(), limit=limit, offset=offset)
