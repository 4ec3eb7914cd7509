"""Escalation (服务升级, R4) and reassignment, as events on the request.

Three kinds: technical_requirement (技术需求升级: the fault was described wrongly, an
engineer with the right skills is sent), device_fault (设备故障升级: becomes a send-in
repair, R3) and technical_ability (技术能力升级: the customer asks for another engineer).
Each is a `request.escalated` event (reason, who asked, who decided); a new engineer is a
`request.reassigned` event. The request's assignee is *derived* from these events, so
after sync the new engineer's laptop shows the request as theirs; nothing rewrites the
request row, and the first engineer's slips stay exactly as they were.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.base.errors import FieldIssue, WorkflowError
from fieldapp.base.i18n import Language, pick
from fieldapp.records.events import (
    ESCALATION_KINDS,
    Conflict,
    EscalationKind,
    EventKind,
    EventRecord,
    Refused,
    events_for,
    fold_events,
    record_event,
)
from fieldapp.rules.validation import raise_if
from fieldapp.store.models import Engineer, ServiceRequest, Slip
from fieldapp.store.values import SlipResult
from fieldapp.store.workflow_models import RepairOrder
from fieldapp.workflows.repair import RepairIntake, open_repair

KIND_LABELS: dict[str, tuple[str, str]] = {  # keyed by the members (strings)
    EscalationKind.TECHNICAL_REQUIREMENT: ("技术需求升级", "Technical-requirement escalation"),
    EscalationKind.DEVICE_FAULT: ("设备故障升级", "Device-fault escalation"),
    EscalationKind.TECHNICAL_ABILITY: ("技术能力升级", "Technical-ability escalation"),
}
# R4.3: after this many technical-ability escalations, or this many unsolved visits, the
# customer may take it to the account manager (客户经理).
REPEATED_FAILURE = 2


@dataclass(frozen=True)
class Escalation:
    event_id: uuid.UUID
    kind: str
    reason: str
    requested_by: str
    decided_by: str
    from_engineer: str
    to_engineer: str
    repair_number: str
    at: datetime


@dataclass(frozen=True)
class Assignment:
    engineer_code: str
    engineer_id: uuid.UUID | None
    at: datetime | None
    reason: str = ""


@dataclass(frozen=True)
class RequestState:
    """Who has the request and how it got there (pure fold of the request's events)."""

    assignee: Assignment | None = None
    escalations: tuple[Escalation, ...] = ()
    assignments: tuple[Assignment, ...] = ()  # reassignments, oldest first
    conflicts: tuple[Conflict, ...] = ()

    def count(self, kind: EscalationKind) -> int:
        return sum(1 for e in self.escalations if e.kind == kind)


def _step(state: RequestState, event: EventRecord) -> RequestState:
    if event.kind == EventKind.REQUEST_ESCALATED:
        entry = Escalation(event.id, event.text("escalation_kind"), event.text("reason"),
                           event.text("requested_by"), event.text("decided_by"),
                           event.text("from_engineer"), event.text("to_engineer"),
                           event.text("repair_number"), event.occurred_at)
        return dataclasses.replace(state, escalations=(*state.escalations, entry))
    if event.kind == EventKind.REQUEST_REASSIGNED:
        assignment = Assignment(event.text("engineer_code"),
                                uuid.UUID(event.text("engineer_id")), event.occurred_at,
                                event.text("reason"))
        return dataclasses.replace(state, assignee=assignment,
                                   assignments=(*state.assignments, assignment))
    raise Refused("wrong_kind", f"服务请求不接受事件 {event.kind}。",
                  f"A request takes no {event.kind}.")


def fold_request(events: list[EventRecord], initial: Assignment | None = None) -> RequestState:
    """Fold a request's events; `initial` is the assignment made when it was taken."""
    return fold_events(events, RequestState(assignee=initial), _step)


def _initial(request: ServiceRequest) -> Assignment | None:
    """Assigned when taken; else the engineer of the first slip (see request_state)."""
    engineer = request.assigned_engineer
    if engineer is None and request.slips:
        first = request.slips[0]
        return Assignment(first.engineer.code, first.engineer.id, first.created_at)
    if engineer is None:
        return None
    return Assignment(engineer.code, engineer.id, request.created_at)


def request_state(session: Session, request: ServiceRequest) -> RequestState:
    return fold_request(events_for(session, request), _initial(request))


def assigned_engineer(session: Session, request: ServiceRequest) -> Engineer | None:
    """The engineer the request is assigned to now (derived from the events)."""
    assignee = request_state(session, request).assignee
    if assignee is None:
        return None
    return session.scalar(select(Engineer).where(Engineer.code == assignee.engineer_code))


@dataclass(frozen=True)
class ComplaintRight:
    """R4.3: whether the customer may now complain to the account manager, and why."""

    allowed: bool
    reason_zh: str
    reason_en: str

    def reason(self, language: Language | None = None) -> str:
        return pick(self.reason_zh, self.reason_en, language)


def complaint_right(state: RequestState, unsolved_visits: int) -> ComplaintRight:
    """Pure: repeated failure = a second technical-ability escalation, or 2+ unsolved visits."""
    ability = state.count(EscalationKind.TECHNICAL_ABILITY)
    if ability >= REPEATED_FAILURE:
        return ComplaintRight(True, f"已 {ability} 次技术能力升级，客户可向客户经理投诉",
                              f"{ability} technical-ability escalations: the customer may "
                              "complain to the account manager")
    if unsolved_visits >= REPEATED_FAILURE:
        return ComplaintRight(True, f"已 {unsolved_visits} 次上门未解决，客户可向客户经理投诉",
                              f"{unsolved_visits} visits without a solution: the customer may "
                              "complain to the account manager")
    return ComplaintRight(False, "尚无多次未解决的记录", "No repeated failure recorded")


def unsolved_visits(request: ServiceRequest) -> int:
    """Signed (sealed) visits of the request that ended unsolved, corrections not counted."""
    return sum(1 for s in request.slips
               if s.is_sealed and s.amends_slip_id is None and s.result == SlipResult.UNSOLVED)


def may_complain_to_account_manager(session: Session, request: ServiceRequest
                                    ) -> ComplaintRight:
    return complaint_right(request_state(session, request), unsolved_visits(request))


def suitable_engineers(session: Session, required_skills: list[str],
                       exclude_codes: tuple[str, ...] = ()) -> list[Engineer]:
    """Active engineers who have every required skill (Engineer.skills), by code."""
    wanted = {s.strip() for s in required_skills if s.strip()}
    engineers = session.scalars(select(Engineer).where(Engineer.active.is_(True))
                                .order_by(Engineer.code))
    return [e for e in engineers
            if e.code not in exclude_codes and wanted <= set(e.skill_list)]


# --- recording ------------------------------------------------------------------------


def _refuse_if_finished(session: Session, request: ServiceRequest) -> None:
    from fieldapp.workflows.request_state import FINISHED, request_status

    status = request_status(session, request)
    if status in FINISHED:
        raise WorkflowError(
            f"请求 {request.number} 已结束（{status}），不能升级或改派。",
            f"Request {request.number} is {status}; it cannot be escalated or reassigned.")


def _fold(request: ServiceRequest) -> Callable[[list[EventRecord]], RequestState]:
    initial = _initial(request)
    return lambda events: fold_request(events, initial)


def _escalated(session: Session, request: ServiceRequest, kind: EscalationKind, *, reason: str,
               requested_by: str, decided_by: str, actor_code: str, occurred_at: datetime,
               from_engineer: str = "", to_engineer: str = "", required_skills: str = "",
               repair_number: str = "", now: datetime | None) -> EventRecord:
    return record_event(session, kind=EventKind.REQUEST_ESCALATED, subject_id=request.id, payload={
        "escalation_kind": kind, "reason": reason.strip(), "requested_by": requested_by.strip(),
        "decided_by": decided_by.strip(), "from_engineer": from_engineer,
        "to_engineer": to_engineer, "required_skills": required_skills,
        "repair_number": repair_number,
    }, actor_code=actor_code, occurred_at=occurred_at, request_id=request.id,
        fold=_fold(request), now=now)


def reassign_request(session: Session, request: ServiceRequest, engineer: Engineer, *,
                     reason: str, decided_by: str, actor_code: str, occurred_at: datetime,
                     now: datetime | None = None) -> EventRecord:
    """Give the request to `engineer` (a `request.reassigned` event)."""
    _refuse_if_finished(session, request)
    if not engineer.active:
        raise WorkflowError(f"工程师 {engineer.name} 已停用。",
                            f"Engineer {engineer.name} is inactive.")
    return record_event(session, kind=EventKind.REQUEST_REASSIGNED, subject_id=request.id, payload={
        "engineer_code": engineer.code, "engineer_id": str(engineer.id),
        "reason": reason.strip(), "decided_by": decided_by.strip(),
    }, actor_code=actor_code, occurred_at=occurred_at, request_id=request.id,
        fold=_fold(request), now=now)


def _current_code(session: Session, request: ServiceRequest) -> str:
    assignee = request_state(session, request).assignee
    return assignee.engineer_code if assignee is not None else ""


def escalate_technical_requirement(
    session: Session, request: ServiceRequest, *, reason: str, required_skills: list[str],
    requested_by: str, decided_by: str, actor_code: str, occurred_at: datetime,
    to_engineer: Engineer | None = None, now: datetime | None = None,
) -> Engineer:
    """R4.1: send an engineer with the skills the real fault needs; returns who goes."""
    _refuse_if_finished(session, request)
    current = _current_code(session, request)
    if to_engineer is None:
        matches = suitable_engineers(session, required_skills, exclude_codes=(current,))
        if not matches:
            raise WorkflowError(
                f"没有具备所需技能（{'、'.join(required_skills)}）的其他工程师。",
                f"No other engineer has the skills needed ({', '.join(required_skills)}).")
        to_engineer = matches[0]
    elif not set(required_skills) <= set(to_engineer.skill_list):
        missing = "、".join(sorted(set(required_skills) - set(to_engineer.skill_list)))
        raise_if([FieldIssue("to_engineer", "lacks_skills",
                             f"{to_engineer.name} 不具备所需技能：{missing}。",
                             f"{to_engineer.name} lacks the skills needed: {missing}.")])
    _escalated(session, request, EscalationKind.TECHNICAL_REQUIREMENT, reason=reason,
               requested_by=requested_by, decided_by=decided_by, actor_code=actor_code,
               occurred_at=occurred_at, from_engineer=current, to_engineer=to_engineer.code,
               required_skills=",".join(required_skills), now=now)
    reassign_request(session, request, to_engineer, reason=reason, decided_by=decided_by,
                     actor_code=actor_code, occurred_at=occurred_at, now=now)
    return to_engineer


def escalate_technical_ability(
    session: Session, request: ServiceRequest, *, reason: str, requested_by: str,
    decided_by: str, to_engineer: Engineer, actor_code: str, occurred_at: datetime,
    now: datetime | None = None,
) -> ComplaintRight:
    """R4.3: the customer asked for another engineer. Returns whether the customer may now
    also complain to the account manager (repeated failure)."""
    _refuse_if_finished(session, request)
    current = _current_code(session, request)
    if to_engineer.code == current:
        raise_if([FieldIssue("to_engineer", "same_engineer",
                             "客户要求更换工程师：请选择另一位工程师。",
                             "The customer asked for another engineer: choose someone else.")])
    _escalated(session, request, EscalationKind.TECHNICAL_ABILITY, reason=reason,
               requested_by=requested_by, decided_by=decided_by, actor_code=actor_code,
               occurred_at=occurred_at,
               from_engineer=current, to_engineer=to_engineer.code, now=now)
    reassign_request(session, request, to_engineer, reason=reason, decided_by=decided_by,
                     actor_code=actor_code, occurred_at=occurred_at, now=now)
    return may_complain_to_account_manager(session, request)


def escalate_device_fault(
    session: Session, request: ServiceRequest, *, reason: str, requested_by: str,
    decided_by: str, engineer: Engineer, intake: RepairIntake, actor_code: str,
    occurred_at: datetime, slip: Slip | None = None, now: datetime | None = None,
) -> RepairOrder:
    """R4.2: the fault cannot be removed on site; the call becomes a send-in repair."""
    _refuse_if_finished(session, request)
    order = open_repair(session, slip or request, engineer, intake, now=now)
    _escalated(session, request, EscalationKind.DEVICE_FAULT, reason=reason,
               requested_by=requested_by, decided_by=decided_by, actor_code=actor_code,
               occurred_at=occurred_at,
               from_engineer=_current_code(session, request), repair_number=order.number,
               now=now)
    return order


__all__ = [
    "ESCALATION_KINDS",
    "KIND_LABELS",
    "Assignment",
    "ComplaintRight",
    "Escalation",
    "RequestState",
    "assigned_engineer",
    "complaint_right",
    "escalate_device_fault",
    "escalate_technical_ability",
    "escalate_technical_requirement",
    "fold_request",
    "may_complain_to_account_manager",
    "reassign_request",
    "request_state",
    "suitable_engineers",
    "unsolved_visits",
]
