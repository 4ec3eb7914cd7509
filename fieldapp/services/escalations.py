"""Escalation (服务升级, R4) as services: where a request stands, who could take it over,
and the technical-requirement (R4.1) and technical-ability (R4.3) escalations.

The device-fault escalation (R4.2) opens a send-in repair: `repairs.send_in` with an
`EscalationInfo`. The assignee is the derived one (`escalation.assigned_engineer`, from
the events). Pass `now` (tests freeze it); the default is the clock.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from fieldapp.base.i18n import Language, pick
from fieldapp.base.timeutil import utcnow
from fieldapp.records import reference, service_requests
from fieldapp.records.events import EscalationKind
from fieldapp.store import Store
from fieldapp.store.models import Engineer
from fieldapp.workflows import escalation

__all__ = ["Escalation", "EscalationContext", "EscalationOutcome", "context", "escalate",
           "parse_skills", "suitable_engineers"]


# -- outputs ------------------------------------------------------------------------------

@dataclass(frozen=True)
class EscalationContext:
    request_number: str
    customer_name: str
    contact_name: str
    assignee: str  # "E07 刘洋" or ""
    assignee_code: str
    engineers: tuple[tuple[str, str], ...]  # (code, "code name · skills")
    complaint_allowed: bool
    complaint_reason: str
    history: tuple[str, ...]


@dataclass(frozen=True)
class EscalationOutcome:
    """Who goes now, and (R4.3) whether the customer may now complain to the account
    manager — None after a technical-requirement escalation."""

    engineer: str  # "E03 王建国"
    complaint_reason: str | None = None


# -- inputs -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Escalation:
    kind: EscalationKind  # technical_requirement / technical_ability
    reason: str
    requested_by: str
    decided_by: str
    to_engineer: str  # engineer code
    at: datetime | None = None  # None: now
    required_skills: tuple[str, ...] = ()  # technical_requirement only


# -- the rules ----------------------------------------------------------------------------

def parse_skills(text: str) -> tuple[str, ...]:
    """Skills as typed: separated by commas, half- or full-width (网络, 打印机，服务器)."""
    return tuple(s.strip() for s in re.split(r"[,，]", text) if s.strip())


def _engineer_label(e: Engineer) -> str:
    return f"{e.code} {e.name} · {'、'.join(e.skill_list)}"


# -- the services ---------------------------------------------------------------------------

def context(store: Store, request_id: uuid.UUID, *, language: Language) -> EscalationContext:
    """The request, its derived assignee, every engineer, the complaint right (R4.3) and
    the escalations so far."""
    with store.read() as session:
        request = service_requests.get_request(session, request_id)
        engineer = escalation.assigned_engineer(session, request)
        right = escalation.may_complain_to_account_manager(session, request)
        state = escalation.request_state(session, request)
        history = tuple(
            f"{e.at:%Y-%m-%d} {pick(*escalation.KIND_LABELS[e.kind], language)}: "
            f"{e.from_engineer or '-'} → {e.to_engineer or e.repair_number or '-'}"
            for e in state.escalations)
        return EscalationContext(
            request.number, request.customer.name, request.contact_name,
            f"{engineer.code} {engineer.name}" if engineer else "",
            engineer.code if engineer else "",
            tuple((e.code, _engineer_label(e)) for e in reference.list_engineers(session)),
            right.allowed, right.reason(language), history)


def suitable_engineers(store: Store, skills: tuple[str, ...], *, exclude: str = ""
                       ) -> tuple[tuple[str, str], ...]:
    """Active engineers with every one of `skills`, but `exclude` (the assignee)."""
    with store.read() as session:
        return tuple((e.code, _engineer_label(e)) for e in escalation.suitable_engineers(
            session, list(skills), exclude_codes=(exclude,)))


def escalate(store: Store, request_id: uuid.UUID, entry: Escalation, *, operator_code: str,
             language: Language, now: datetime | None = None) -> EscalationOutcome:
    """Record the escalation and reassign the request (R4.1 / R4.3)."""
    now = now or utcnow()
    with store.write() as session:
        request = service_requests.get_request(session, request_id)
        engineer = reference.engineer_by_code(session, entry.to_engineer)
        at = entry.at or now
        if entry.kind == EscalationKind.TECHNICAL_REQUIREMENT:
            chosen = escalation.escalate_technical_requirement(
                session, request, reason=entry.reason,
                required_skills=list(entry.required_skills), requested_by=entry.requested_by,
                decided_by=entry.decided_by, actor_code=operator_code, occurred_at=at,
                to_engineer=engineer, now=now)
            return EscalationOutcome(f"{chosen.code} {chosen.name}")
        if entry.kind != EscalationKind.TECHNICAL_ABILITY:
            raise ValueError(f"not an escalation recorded here: {entry.kind!r}")
        right = escalation.escalate_technical_ability(
            session, request, reason=entry.reason, requested_by=entry.requested_by,
            decided_by=entry.decided_by, to_engineer=engineer, actor_code=operator_code,
            occurred_at=at, now=now)
        return EscalationOutcome(f"{engineer.code} {engineer.name}", right.reason(language))
