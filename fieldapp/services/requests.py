"""Taking a request (R2.1) and assigning it, as services.

The desk's form fills its pickers with `pickers`, checks what is typed with
`form_issues` (the core's own rule, `fieldapp.rules.requests.request_issues`, so the form and
the store never disagree) and saves with `take_request`; staff assign with `assign`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from fieldapp.base.errors import FieldIssue, NotFound
from fieldapp.base.timeutil import utcnow
from fieldapp.records import reference, service_requests
from fieldapp.rules.requests import request_issues
from fieldapp.rules.validation import raise_if
from fieldapp.store import Store
from fieldapp.store.models import Customer, Engineer

__all__ = ["Choice", "NewRequest", "Pickers", "assign", "form_issues", "pickers",
           "take_request"]


@dataclass(frozen=True)
class Choice:
    id: uuid.UUID
    label: str  # what a picker shows: a customer's name, an engineer's "E07 刘洋"
    code: str = ""  # an engineer's code


@dataclass(frozen=True)
class Pickers:
    customers: tuple[Choice, ...]
    engineers: tuple[Choice, ...]  # active engineers only


@dataclass(frozen=True)
class NewRequest:
    """A request as the desk typed it; times are aware, None when missing."""

    customer_id: uuid.UUID | None
    channel: str | None
    fault_reported: str
    contact_name: str
    contact_phone: str
    requested_at: datetime | None
    answered_at: datetime | None = None
    engineer_id: uuid.UUID | None = None  # None: left open for staff to assign


def pickers(store: Store) -> Pickers:
    with store.read() as session:
        return Pickers(
            tuple(Choice(c.id, c.name) for c in reference.list_customers(session)),
            tuple(Choice(e.id, f"{e.code} {e.name}", e.code)
                  for e in reference.list_engineers(session)))


def form_issues(new: NewRequest, *, now: datetime | None = None) -> list[FieldIssue]:
    """Everything wrong with the request as typed, all at once, each naming its field."""
    return request_issues(
        customer_id=new.customer_id, channel=new.channel, fault_reported=new.fault_reported,
        contact_name=new.contact_name, contact_phone=new.contact_phone,
        requested_at=new.requested_at, answered_at=new.answered_at, now=now or utcnow())


def _engineer(session: Session, engineer_id: uuid.UUID) -> Engineer:
    engineer = session.get(Engineer, engineer_id)
    if engineer is None:
        raise NotFound("找不到该工程师。", "No such engineer.")
    return engineer


def take_request(store: Store, new: NewRequest, operator_code: str, *,
                 now: datetime | None = None) -> uuid.UUID:
    """Record the request (refused with every issue at once, nothing written); its id."""
    if new.customer_id is None or new.requested_at is None:
        raise_if(form_issues(new, now=now))  # says "required" for them, and all else
    assert new.customer_id is not None and new.requested_at is not None
    with store.write() as session:
        customer = session.get(Customer, new.customer_id)
        if customer is None:
            raise NotFound("找不到该客户。", "No such customer.")
        engineer = _engineer(session, new.engineer_id) if new.engineer_id else None
        request = service_requests.take_request(
            session, operator_code=operator_code, customer=customer,
            channel=new.channel or "", fault_reported=new.fault_reported,
            requested_at=new.requested_at, answered_at=new.answered_at,
            contact_name=new.contact_name, contact_phone=new.contact_phone,
            engineer=engineer, now=now)
        session.flush()
        return request.id


def assign(store: Store, request_id: uuid.UUID | str, engineer_id: uuid.UUID) -> None:
    """Assign an open request to an engineer (refused once it is finished)."""
    with store.write() as session:
        request = service_requests.get_request(session, request_id)
        service_requests.assign_request(session, request, _engineer(session, engineer_id))
