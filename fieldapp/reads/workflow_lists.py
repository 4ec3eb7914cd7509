"""Read-only lists of the workflows (repairs, loaners, complaints, open questions).

Plain rows for the desktop lists and the command line: each row carries its derived
state (folded from the events) and its clock, so a list never needs the ORM objects.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.store.workflow_models import Complaint, Loaner, OpenQuestion, RepairOrder
from fieldapp.workflows import complaints, questions, repair
from fieldapp.workflows.complaints import ComplaintStatus
from fieldapp.workflows.loaners import LoanerStatus, loaner_state, loaners_out
from fieldapp.workflows.questions import QuestionStatus
from fieldapp.workflows.repair import RepairStatus


@dataclass(frozen=True)
class RepairRow:
    id: uuid.UUID
    number: str
    request_number: str
    customer_name: str
    device: str
    status: RepairStatus
    clock_state: str
    deadline: datetime | None
    received_at: datetime


def list_repairs(session: Session, now: datetime, *, open_only: bool = False,
                 limit: int = 200, offset: int = 0) -> list[RepairRow]:
    """Repair orders, newest first, with their derived state and 4-hour clock."""
    query = select(RepairOrder).order_by(RepairOrder.received_at.desc(), RepairOrder.id)
    rows = []
    for order in session.scalars(query):
        overview = repair.repair_overview(session, order, now)
        if open_only and overview.state.finished:
            continue
        device = " ".join(p for p in (order.device_type, order.brand, order.model) if p)
        rows.append(RepairRow(order.id, order.number, order.request.number,
                              order.request.customer.name, device, overview.state.status,
                              str(overview.clock.state), overview.clock.deadline,
                              order.received_at))
    return rows[offset:offset + limit]


@dataclass(frozen=True)
class LoanerRow:
    asset_tag: str
    device_class: str
    grade: str
    description: str
    status: LoanerStatus
    repair_number: str
    issued_at: datetime | None
    due_back_at: datetime | None
    customer_signer: str = ""  # who signed for it when it was lent


def list_loaners(session: Session, now: datetime, *, limit: int = 200, offset: int = 0
                 ) -> list[LoanerRow]:
    """The loaner pool: out and overdue first, then available, then retired."""
    out = {item.asset_tag: item for item in loaners_out(session, now)}
    rows = []
    for loaner in session.scalars(select(Loaner).order_by(Loaner.asset_tag)):
        loan, current = out.get(loaner.asset_tag), loaner_state(session, loaner).current
        signer = current.customer_signer if current is not None else ""
        if loan is not None:
            status = LoanerStatus.OVERDUE if loan.overdue else LoanerStatus.OUT
            rows.append(LoanerRow(loaner.asset_tag, loaner.device_class, loaner.grade,
                                  loaner.description, status, loan.repair_number,
                                  loan.issued_at, loan.due_back_at, signer))
        else:
            status = (LoanerStatus.OUT if current else LoanerStatus.AVAILABLE if loaner.active
                      else LoanerStatus.RETIRED)
            rows.append(LoanerRow(loaner.asset_tag, loaner.device_class, loaner.grade,
                                  loaner.description, status, "", None, None, signer))
    order = {LoanerStatus.OVERDUE: 0, LoanerStatus.OUT: 1, LoanerStatus.AVAILABLE: 2,
             LoanerStatus.RETIRED: 3}
    rows.sort(key=lambda r: (order[r.status], r.asset_tag))
    return rows[offset:offset + limit]


@dataclass(frozen=True)
class ComplaintRow:
    id: uuid.UUID
    number: str
    customer_name: str
    about: str
    routed_to: str
    status: ComplaintStatus
    clock_state: str
    due_at: datetime
    received_at: datetime


def list_complaints(session: Session, now: datetime, *, limit: int = 200, offset: int = 0
                    ) -> list[ComplaintRow]:
    query = select(Complaint).order_by(Complaint.received_at.desc(), Complaint.id)
    rows = []
    for c in session.scalars(query.limit(limit).offset(offset)):
        state = complaints.complaint_state(session, c)
        clock = complaints.complaint_clock(c, state, now)
        rows.append(ComplaintRow(c.id, c.number, c.customer.name, c.about, c.routed_to,
                                 state.status, str(clock.state), clock.due_at, c.received_at))
    return rows


@dataclass(frozen=True)
class QuestionRow:
    id: uuid.UUID
    number: str
    customer_name: str
    asked_by: str
    question: str
    status: QuestionStatus
    clock_state: str
    promised_at: datetime
    answered_at: datetime | None


def list_questions(session: Session, now: datetime, *, open_only: bool = False,
                   limit: int = 200, offset: int = 0) -> list[QuestionRow]:
    """Questions, the earliest promise first (answered ones after the open ones)."""
    rows = []
    for q in session.scalars(select(OpenQuestion).order_by(OpenQuestion.promised_at)):
        state = questions.question_state(session, q)
        if open_only and state.status != QuestionStatus.OPEN:
            continue
        clock = questions.question_clock(q, state, now)
        rows.append(QuestionRow(q.id, q.number, q.customer.name, q.asked_by, q.question,
                                state.status, str(clock.state), q.promised_at,
                                state.answered_at))
    rows.sort(key=lambda r: (r.status != QuestionStatus.OPEN, r.promised_at))
    return rows[offset:offset + limit]


@dataclass(frozen=True)
class LoanerChoice:
    asset_tag: str
    grade: str
    description: str
    status: LoanerStatus  # available / out / retired
    lent_for_this_repair: bool


def loaners_for_repair(session: Session, order: RepairOrder) -> list[LoanerChoice]:
    """The pool's loaners of the repair's device class (same grade first), with who has
    them: what the repair screen offers when a loaner is due."""
    query = select(Loaner).where(Loaner.device_class == order.device_class)
    choices = []
    for loaner in session.scalars(query.order_by(Loaner.asset_tag)):
        current = loaner_state(session, loaner).current
        status = (LoanerStatus.RETIRED if not loaner.active
                  else LoanerStatus.OUT if current else LoanerStatus.AVAILABLE)
        choices.append(LoanerChoice(loaner.asset_tag, loaner.grade, loaner.description, status,
                                    current is not None
                                    and current.repair_order_id == order.id))
    return sorted(choices, key=lambda c: (c.grade != order.device_grade, c.asset_tag))
