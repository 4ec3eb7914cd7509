"""Same-class loaners (同档次备机, R1.4): the pool, lending, return, overdue loaners.

A loaner row is reference data (the service centre's); who has it is derived from its
`loaner.issued` / `loaner.returned` events. A loaner is never lent twice at once: the write
refuses it inside the transaction, and when two laptops lent the same loaner while apart,
the fold keeps the first loan (canonical order) and reports the second as a conflict.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.base.device_classes import device_class_from_text
from fieldapp.base.errors import NotFound, WorkflowError
from fieldapp.base.i18n import Language, pick
from fieldapp.base.timeutil import format_local
from fieldapp.records.events import (
    Conflict,
    EventKind,
    EventRecord,
    Refused,
    SignatureInput,
    event_from_row,
    events_for,
    fold_events,
    ordered,
    record_event,
)
from fieldapp.rules.validation import raise_if
from fieldapp.rules.workflows import loaner_issues
from fieldapp.sla import LoanerDecision
from fieldapp.store.values import SubjectType
from fieldapp.store.workflow_models import Event, Loaner, RepairOrder
from fieldapp.workflows.repair import get_repair, repair_overview, repair_state

DEFAULT_GRACE = timedelta(hours=24)  # a loaner is overdue this long after the device is back


def add_loaner(session: Session, *, asset_tag: str, device_class: str, grade: str = "",
               description: str = "") -> Loaner:
    raise_if(loaner_issues(asset_tag=asset_tag, device_class=device_class))
    loaner = Loaner(asset_tag=asset_tag.strip(), device_class=device_class_from_text(device_class),
                    grade=grade.strip(), description=description.strip())
    session.add(loaner)
    session.flush()
    return loaner


def get_loaner(session: Session, asset_tag: str) -> Loaner:
    loaner = session.scalar(select(Loaner).where(Loaner.asset_tag == asset_tag))
    if loaner is None:
        raise NotFound(f"找不到备机 {asset_tag}。", f"No loaner {asset_tag}.")
    return loaner


# --- the fold -------------------------------------------------------------------------


@dataclass(frozen=True)
class Loan:
    issue_event_id: uuid.UUID
    repair_order_id: uuid.UUID
    repair_number: str
    request_id: uuid.UUID | None
    issued_at: datetime
    customer_signer: str
    goodwill: bool = False
    returned_at: datetime | None = None
    condition: str = ""


class LoanerStatus(StrEnum):
    """Where a loaner is: the fold gives available or out; the pool's list also shows an
    overdue loan and a retired loaner (workflow_lists)."""

    AVAILABLE = "available"
    OUT = "out"
    OVERDUE = "overdue"
    RETIRED = "retired"


@dataclass(frozen=True)
class LoanerState:
    status: LoanerStatus = LoanerStatus.AVAILABLE  # available / out
    current: Loan | None = None
    history: tuple[Loan, ...] = ()  # finished loans, oldest first
    conflicts: tuple[Conflict, ...] = ()


def _step(state: LoanerState, event: EventRecord) -> LoanerState:
    if event.kind == EventKind.LOANER_ISSUED:
        if state.current is not None:
            raise Refused(
                "lent_twice",
                f"备机已借出（送修单 {state.current.repair_number}，"
                f"{format_local(state.current.issued_at)} 起），不能同时再借。",
                f"The loaner is already out (repair {state.current.repair_number}, since "
                f"{format_local(state.current.issued_at)}); it cannot be lent twice at once.",
            )
        loan = Loan(issue_event_id=event.id,
                    repair_order_id=uuid.UUID(event.text("repair_order_id")),
                    repair_number=event.text("repair_number"), request_id=event.request_id,
                    issued_at=event.occurred_at,
                    customer_signer=event.payload["customer_signature"]["signer_name"],
                    goodwill=event.text("goodwill") == "yes")
        return dataclasses.replace(state, status=LoanerStatus.OUT, current=loan)
    if event.kind == EventKind.LOANER_RETURNED:
        if state.current is None:
            raise Refused("not_out", "备机未借出，不能归还。",
                          "The loaner is not out; it cannot be returned.")
        done = dataclasses.replace(state.current, returned_at=event.occurred_at,
                                   condition=event.text("condition"))
        return dataclasses.replace(state, status=LoanerStatus.AVAILABLE, current=None,
                                   history=(*state.history, done))
    raise Refused("wrong_kind", f"备机不接受事件 {event.kind}。",
                  f"A loaner takes no {event.kind}.")


def fold_loaner(events: list[EventRecord]) -> LoanerState:
    """Fold a loaner's events (any arrival order) into who has it."""
    return fold_events(events, LoanerState(), _step)


def loaner_state(session: Session, loaner: Loaner) -> LoanerState:
    return fold_loaner(events_for(session, loaner))


def _all_loaner_states(session: Session) -> dict[uuid.UUID, LoanerState]:
    by_loaner: dict[uuid.UUID, list[EventRecord]] = defaultdict(list)
    for row in session.scalars(select(Event).where(Event.subject_type == SubjectType.LOANER)):
        by_loaner[row.subject_id].append(event_from_row(row))
    return {lid: fold_loaner(ordered(evs)) for lid, evs in by_loaner.items()}


def free_loaners(session: Session, device_class: str, grade: str | None = None
                 ) -> list[Loaner]:
    """Active loaners of the class (and grade, if given) that nobody has."""
    states = _all_loaner_states(session)
    query = select(Loaner).where(Loaner.active.is_(True), Loaner.device_class == device_class)
    if grade is not None:
        query = query.where(Loaner.grade == grade)
    return [loaner for loaner in session.scalars(query.order_by(Loaner.asset_tag))
            if loaner.id not in states or states[loaner.id].current is None]


# --- proposing, lending, taking back --------------------------------------------------


@dataclass(frozen=True)
class LoanerProposal:
    """Whether a loaner is owed for the repair now, and which free one fits."""

    decision: LoanerDecision
    loaner: Loaner | None
    reason_zh: str
    reason_en: str

    def reason(self, language: Language | None = None) -> str:
        return pick(self.reason_zh, self.reason_en, language)


def propose_loaner(session: Session, repair_order: RepairOrder, now: datetime
                   ) -> LoanerProposal:
    """A free same-class loaner (same grade first) when the repair will clearly take longer
    than the 4-hour promise and the contract grants one (SlaTerms.loaner_entitled)."""
    decision = repair_overview(session, repair_order, now).loaner
    if not decision.due:
        return LoanerProposal(decision, None, decision.reason_zh, decision.reason_en)
    cls, grade = repair_order.device_class, repair_order.device_grade
    candidates = (free_loaners(session, cls, grade) if grade else []) or free_loaners(session, cls)
    if not candidates:
        return LoanerProposal(decision, None,
                              f"{decision.reason_zh}；但没有空闲的同类备机（{cls}）",
                              f"{decision.reason_en}; but no free loaner of class {cls}")
    return LoanerProposal(decision, candidates[0], decision.reason_zh, decision.reason_en)


def issue_loaner(session: Session, loaner: Loaner, repair_order: RepairOrder, *,
                 engineer_signature: SignatureInput, customer_signature: SignatureInput,
                 actor_code: str, occurred_at: datetime, goodwill: bool = False,
                 now: datetime | None = None) -> EventRecord:
    """Lend `loaner` for the repair, signed by engineer and customer.

    Refused when the loaner is retired, the device is back already, the contract grants no
    loaner (unless the service centre lends it as `goodwill`), or it is out already.
    """
    if not loaner.active:
        raise WorkflowError(f"备机 {loaner.asset_tag} 已停用。",
                            f"Loaner {loaner.asset_tag} is retired.")
    if repair_state(session, repair_order).finished:
        raise WorkflowError(f"送修单 {repair_order.number} 已结束，无需备机。",
                            f"Repair {repair_order.number} is closed; no loaner is needed.")
    decision = repair_overview(session, repair_order, occurred_at).loaner
    if not decision.entitled and not goodwill:
        raise WorkflowError(
            f"客户合同不含备机服务（同档次备机），送修单 {repair_order.number} 不能借出备机。",
            f"The customer's contract grants no loaner; none can be lent for "
            f"{repair_order.number}.")
    return record_event(
        session, kind=EventKind.LOANER_ISSUED, subject_id=loaner.id, payload={
            "repair_order_id": str(repair_order.id), "repair_number": repair_order.number,
            "engineer_signature": engineer_signature.as_payload(),
            "customer_signature": customer_signature.as_payload(),
            "goodwill": "yes" if goodwill else "",
        }, actor_code=actor_code, occurred_at=occurred_at, request_id=repair_order.request_id,
        fold=fold_loaner, now=now)


def return_loaner(session: Session, loaner: Loaner, *, condition: str,
                  engineer_signature: SignatureInput, customer_signature: SignatureInput,
                  actor_code: str, occurred_at: datetime, note: str = "",
                  now: datetime | None = None) -> EventRecord:
    state = loaner_state(session, loaner)
    request_id = state.current.request_id if state.current is not None else None
    return record_event(
        session, kind=EventKind.LOANER_RETURNED, subject_id=loaner.id, payload={
            "condition": condition, "note": note,
            "engineer_signature": engineer_signature.as_payload(),
            "customer_signature": customer_signature.as_payload(),
        }, actor_code=actor_code, occurred_at=occurred_at, request_id=request_id,
        fold=fold_loaner, now=now)


@dataclass(frozen=True)
class LoanerOut:
    asset_tag: str
    device_class: str
    grade: str
    repair_number: str
    issued_at: datetime
    device_back_at: datetime | None  # the customer's own device returned
    due_back_at: datetime | None  # device back + grace
    overdue: bool
    conflicts: tuple[Conflict, ...] = ()


def loaners_out(session: Session, now: datetime, grace: timedelta = DEFAULT_GRACE
                ) -> list[LoanerOut]:
    """Loaners currently out; overdue when the repaired device is back for longer than
    `grace` and the loaner is still with the customer."""
    out = []
    for loaner_id, state in _all_loaner_states(session).items():
        if state.current is None:
            continue
        loaner = session.get(Loaner, loaner_id)
        if loaner is None:  # the loaner's row has not arrived yet
            continue
        loan = state.current
        back = repair_state(session, get_repair(session, loan.repair_order_id)).device_back_at
        due = back + grace if back is not None else None
        out.append(LoanerOut(loaner.asset_tag, loaner.device_class, loaner.grade,
                             loan.repair_number, loan.issued_at, back, due,
                             overdue=due is not None and now > due, conflicts=state.conflicts))
    return sorted(out, key=lambda item: (not item.overdue, item.issued_at))
