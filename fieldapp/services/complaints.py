"""Complaints (客户投诉, R5) as services: record one, respond, close, read, list.

Routing (R5.1/R5.2) is the core's pure `complaints.route_complaint`, which a screen may
call as the subject is chosen; recording routes again, in the transaction. Every function
takes the `Store`, ids and typed inputs and returns plain data. Pass `now` (tests freeze it).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from fieldapp.base.errors import FieldIssue
from fieldapp.base.timeutil import utcnow
from fieldapp.reads.queries import SlipFilter, list_slips
from fieldapp.reads.workflow_lists import ComplaintRow, list_complaints
from fieldapp.records import reference, slips
from fieldapp.rules.validation import raise_if
from fieldapp.store import Store
from fieldapp.store.models import Customer
from fieldapp.store.values import ComplaintAbout
from fieldapp.store.workflow_models import Complaint
from fieldapp.workflows import complaints

__all__ = [
    "Choices", "Closing", "ComplaintData", "ComplaintRow", "CustomerChoice", "NewComplaint",
    "Response", "SlipChoice", "choices", "close", "customer_slips", "load", "page", "record",
    "respond",
]


# -- outputs ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CustomerChoice:
    id: uuid.UUID
    name: str
    account_manager: str


@dataclass(frozen=True)
class Choices:
    """What a new complaint can be about: the customers and the engineers."""

    customers: tuple[CustomerChoice, ...]
    engineers: tuple[tuple[str, str], ...]  # (code, "E07 刘洋")


@dataclass(frozen=True)
class SlipChoice:
    number: str
    label: str  # "S-… · engineer · fault"


@dataclass(frozen=True)
class ComplaintData:
    id: uuid.UUID
    number: str
    customer_name: str
    about: str
    subject_name: str
    routed_to: str
    handler_name: str
    slip_numbers: str
    description: str
    received_at: datetime
    status: str
    clock_state: str
    due_at: datetime
    responses: tuple[tuple[str, str, datetime], ...]  # (text, responder, when)
    outcome: str


# -- inputs -------------------------------------------------------------------------------

@dataclass(frozen=True)
class NewComplaint:
    """A complaint as received. The engineer (`engineer_code`) counts only for a complaint
    about an engineer, `subject_name` only for one about anyone else."""

    customer_id: uuid.UUID | None
    about: str  # complaints.ABOUTS
    description: str
    received_via: str  # complaints.VIA
    received_at: datetime | None  # None: now
    recorded_by: str
    subject_name: str = ""
    engineer_code: str = ""
    slip_numbers: tuple[str, ...] = ()
    response_hours: int = complaints.DEFAULT_RESPONSE_HOURS


@dataclass(frozen=True)
class Response:
    text: str
    responder: str


@dataclass(frozen=True)
class Closing:
    closed_by: str
    outcome: str = ""
    customer_satisfied: bool | None = None  # None: not asked / unknown


NO_CUSTOMER = FieldIssue("customer_id", "required", "请选择客户。", "Choose the customer.")


# -- the services ---------------------------------------------------------------------------

def choices(store: Store) -> Choices:
    with store.read() as session:
        return Choices(
            tuple(CustomerChoice(c.id, c.name, c.account_manager)
                  for c in reference.list_customers(session)),
            tuple((e.code, f"{e.code} {e.name}") for e in reference.list_engineers(session)))


def customer_slips(store: Store, customer_id: uuid.UUID, *, limit: int = 30
                   ) -> tuple[SlipChoice, ...]:
    """The customer's latest slips, which a complaint may name as evidence (R2.4)."""
    with store.read() as session:
        rows = list_slips(session, SlipFilter(customer_id=customer_id), limit=limit)
        return tuple(SlipChoice(r.number, f"{r.number} · {r.engineer_name} · {r.fault}")
                     for r in rows)


def record(store: Store, entry: NewComplaint, *, now: datetime | None = None) -> uuid.UUID:
    """Record and route the complaint (R5.1/R5.2); returns its id."""
    now = now or utcnow()
    if entry.customer_id is None:
        raise_if([NO_CUSTOMER])
    about_engineer = entry.about == ComplaintAbout.ENGINEER
    with store.write() as session:
        customer = session.get_one(Customer, entry.customer_id)
        engineer = (reference.engineer_by_code(session, entry.engineer_code)
                    if about_engineer and entry.engineer_code else None)
        return complaints.open_complaint(
            session, customer=customer, engineer=engineer,
            slips=[slips.get_slip(session, n) for n in entry.slip_numbers],
            about=entry.about, description=entry.description,
            received_via=entry.received_via, received_at=entry.received_at or now,
            recorded_by=entry.recorded_by,
            subject_name="" if about_engineer else entry.subject_name,
            response_hours=entry.response_hours, now=now).id


def _complaint_data(session: Session, c: Complaint, now: datetime) -> ComplaintData:
    state = complaints.complaint_state(session, c)
    clock = complaints.complaint_clock(c, state, now)
    return ComplaintData(
        c.id, c.number, c.customer.name, c.about, c.subject_name, c.routed_to, c.handler_name,
        c.slip_numbers.replace(",", "、"), c.description, c.received_at, state.status,
        str(clock.state), clock.due_at,
        tuple((r.text, r.responder, r.responded_at) for r in state.responses),
        state.outcome)


def load(store: Store, complaint_id: uuid.UUID, *, now: datetime | None = None
         ) -> ComplaintData:
    with store.read() as session:
        return _complaint_data(session, complaints.get_complaint(session, complaint_id),
                               now or utcnow())


def _act(store: Store, complaint_id: uuid.UUID, now: datetime | None,
         action: Callable[[Session, Complaint, datetime], object]) -> ComplaintData:
    now = now or utcnow()
    with store.write() as session:
        complaint = complaints.get_complaint(session, complaint_id)
        action(session, complaint, now)
        session.flush()
        return _complaint_data(session, complaint, now)


def respond(store: Store, complaint_id: uuid.UUID, entry: Response, *, operator_code: str,
            now: datetime | None = None) -> ComplaintData:
    """A response, with who gave it; the first one stops the response clock (R5.3)."""
    return _act(store, complaint_id, now, lambda s, c, now: complaints.respond_to_complaint(
        s, c, response=entry.text, responder=entry.responder, actor_code=operator_code,
        occurred_at=now, now=now))


def close(store: Store, complaint_id: uuid.UUID, entry: Closing, *, operator_code: str,
          now: datetime | None = None) -> ComplaintData:
    """Close the complaint: refused by the core while it has no response (R5.3)."""
    return _act(store, complaint_id, now, lambda s, c, now: complaints.close_complaint(
        s, c, closed_by=entry.closed_by, actor_code=operator_code, occurred_at=now,
        outcome=entry.outcome, customer_satisfied=entry.customer_satisfied, now=now))


def page(store: Store, *, offset: int = 0, limit: int = 200, now: datetime | None = None
         ) -> list[ComplaintRow]:
    """Complaints, newest first, with their state and response clock."""
    with store.read() as session:
        return list_complaints(session, now or utcnow(), limit=limit, offset=offset)
