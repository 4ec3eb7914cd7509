"""SLA clocks of stored requests and slips: the bridge from records to `fieldapp.sla`.

`fieldapp.sla` is pure (plain facts in, results out); this module reads the contract's
terms and service calendar and the request's and slips' times from the store's objects.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, selectinload

from fieldapp.records.events import EventKind
from fieldapp.sla import (
    Channel,
    ClockResult,
    IntakeChannel,
    LoanerDecision,
    RequestFacts,
    ServiceCalendar,
    ServiceKind,
    SlaTerms,
    clocks_for_request,
    loaner_due,
)
from fieldapp.store.models import Contract, ServiceRequest, Slip
from fieldapp.store.values import SlipResult, SubjectType
from fieldapp.store.workflow_models import Event, RepairOrder

log = logging.getLogger("fieldapp.sla")


def contract_terms(contract: Contract | None) -> tuple[SlaTerms, ServiceCalendar]:
    """The contract's SLA terms and calendar; the seed's defaults where it says nothing."""
    if contract is None:
        return SlaTerms(), ServiceCalendar()
    try:
        terms = SlaTerms.from_dict(json.loads(contract.sla_terms or "{}"))
        calendar = ServiceCalendar.from_dict(json.loads(contract.service_calendar or "{}"))
    except (ValueError, TypeError, KeyError) as exc:
        # A damaged contract must not stop the engineer's work: fall back, and say so.
        log.warning("contract %s has unreadable SLA terms, using defaults: %s",
                    contract.number, exc)
        return SlaTerms(), ServiceCalendar()
    return terms, calendar


@dataclass(frozen=True)
class RepairBack:
    """How a request's send-in repairs ended, as far as its 4-hour clock cares."""

    returned_at: datetime | None = None  # the first repaired device handed back (R3.3)
    refused: bool = False  # every repair order closed as refused: back unrepaired


_BACK_KINDS = (EventKind.REPAIR_RETURNED, EventKind.REPAIR_CLOSED_REFUSED)


def repairs_back(session: Session, request_ids: Any) -> dict[uuid.UUID, RepairBack]:
    """The repair orders' ends of the requests (ids, or a select of ids) in one query.

    The same moments `workflows.repair.repair_overview` stops the repair's own clock at:
    the repaired device returned (repair.returned); a refused repair closed
    (repair.closed_refused) makes the clock not applicable. Records sit below the
    workflows, so the events are read here rather than folded: a refused step the fold
    would list as a conflict (only a bad sync can store one) is not told apart.
    """
    query = (
        select(RepairOrder.request_id, RepairOrder.id, Event.kind, Event.occurred_at)
        .outerjoin(Event, and_(Event.subject_id == RepairOrder.id,
                               Event.subject_type == SubjectType.REPAIR,
                               Event.kind.in_(_BACK_KINDS)))
        .where(RepairOrder.request_id.in_(request_ids))
    )
    returned: dict[uuid.UUID, datetime] = {}
    orders: dict[uuid.UUID, set[uuid.UUID]] = {}
    closed: dict[uuid.UUID, set[uuid.UUID]] = {}
    for request_id, order_id, kind, at in session.execute(query):
        orders.setdefault(request_id, set()).add(order_id)
        if kind == EventKind.REPAIR_RETURNED:
            returned[request_id] = min(at, returned.get(request_id, at))
        elif kind == EventKind.REPAIR_CLOSED_REFUSED:
            closed.setdefault(request_id, set()).add(order_id)
    return {request_id: RepairBack(returned.get(request_id),
                                   request_id not in returned
                                   and closed.get(request_id, set()) == ids)
            for request_id, ids in orders.items()}


def _facts(request: ServiceRequest, visits: list[Slip],
           back: RepairBack | None = None) -> RequestFacts:
    arrivals = [s.arrived_at for s in visits if s.arrived_at is not None]
    solved = [s.solved_at for s in visits
              if s.solved_at is not None and s.result == SlipResult.SOLVED]
    back = back or RepairBack()
    return RequestFacts(
        Channel(request.channel),
        intake_channel=IntakeChannel(request.intake_channel),
        service_kind=ServiceKind(request.service_kind),
        hardware_fault=bool(request.hardware_fault),
        requested_at=request.requested_at,
        answered_at=request.answered_at,
        in_city=request.site.in_city if request.site is not None else True,
        first_arrival_at=min(arrivals) if arrivals else None,
        solved_at=min(solved) if solved else None,
        device_returned_at=back.returned_at,
        repair_refused=back.refused,
        is_group_customer=request.customer.is_group,
    )


def _back_of(request: ServiceRequest) -> RepairBack:
    session = Session.object_session(request)
    if session is None or request.id is None:
        return RepairBack()
    return repairs_back(session, [request.id]).get(request.id, RepairBack())


@dataclass(frozen=True)
class SlaInputs:
    """Everything a request's clocks depend on, so a list can recompute them as time passes
    (a countdown on screen) without going back to the database."""

    facts: RequestFacts
    terms: SlaTerms
    calendar: ServiceCalendar

    def clocks(self, now: datetime) -> list[ClockResult]:
        return clocks_for_request(self.facts, self.terms, self.calendar, now)


def sla_inputs(request: ServiceRequest, back: RepairBack | None = None) -> SlaInputs:
    """`back`: the request's repairs' ends when the caller read them for many requests
    (`sla_inputs_for`); without it they are read here."""
    terms, calendar = contract_terms(request.contract)
    visits = [s for s in request.slips if s.amends_slip_id is None]
    back = _back_of(request) if back is None else back
    return SlaInputs(_facts(request, visits, back), terms, calendar)


def sla_inputs_for(session: Session, request_ids: Iterable[uuid.UUID]
                   ) -> dict[uuid.UUID, SlaInputs]:
    """SLA inputs of many requests (a list page) in a few queries (one for all their
    repairs' ends, not one per request)."""
    ids = list(request_ids)
    if not ids:
        return {}
    requests = session.scalars(
        select(ServiceRequest).where(ServiceRequest.id.in_(ids)).options(
            selectinload(ServiceRequest.slips), selectinload(ServiceRequest.contract),
            selectinload(ServiceRequest.site), selectinload(ServiceRequest.customer))
    )
    backs = repairs_back(session, ids)
    return {request.id: sla_inputs(request, backs.get(request.id, RepairBack()))
            for request in requests}


def request_clocks(request: ServiceRequest, now: datetime) -> list[ClockResult]:
    """The request's clocks, stopped by the first arrival / solution among all its slips."""
    return sla_inputs(request).clocks(now)


def slip_sla_inputs(slip: Slip) -> SlaInputs:
    """The request's clock inputs as this one slip's times stop them (the slip editor
    counts them down; the copy prints them)."""
    request = slip.request
    terms, calendar = contract_terms(request.contract)
    return SlaInputs(_facts(request, [slip], _back_of(request)), terms, calendar)


def slip_clocks(slip: Slip, now: datetime) -> list[ClockResult]:
    """The request's clocks as this one slip's times stop them (what its copy prints)."""
    return slip_sla_inputs(slip).clocks(now)


def request_loaner(request: ServiceRequest, now: datetime,
                   expected_ready_at: datetime | None = None) -> LoanerDecision:
    terms, calendar = contract_terms(request.contract)
    visits = [s for s in request.slips if s.amends_slip_id is None]
    return loaner_due(_facts(request, visits, _back_of(request)), terms, calendar, now,
                      expected_ready_at)
