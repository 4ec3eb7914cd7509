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
from sqlalchemy.orm import Session

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
from fieldapp.store.models import Contract, Customer, ServiceRequest, Site, Slip
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
    return _request_facts(
        request, in_city=request.site.in_city if request.site is not None else True,
        is_group=request.customer.is_group,
        visits=[(s.arrived_at, s.solved_at, s.result) for s in visits], back=back)


Visit = tuple[datetime | None, datetime | None, str | None]  # arrived, solved, result


def _request_facts(request: Any, *, in_city: bool, is_group: bool, visits: list[Visit],
                   back: RepairBack | None) -> RequestFacts:
    """`request`: the stored request, or a row of its columns (`sla_inputs_for`)."""
    arrivals = [arrived for arrived, _solved, _result in visits if arrived is not None]
    solved = [at for _arrived, at, result in visits
              if at is not None and result == SlipResult.SOLVED]
    back = back or RepairBack()
    return RequestFacts(
        Channel(request.channel),
        intake_channel=IntakeChannel(request.intake_channel),
        service_kind=ServiceKind(request.service_kind),
        hardware_fault=bool(request.hardware_fault),
        requested_at=request.requested_at,
        answered_at=request.answered_at,
        in_city=in_city,
        first_arrival_at=min(arrivals) if arrivals else None,
        solved_at=min(solved) if solved else None,
        device_returned_at=back.returned_at,
        repair_refused=back.refused,
        is_group_customer=is_group,
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
    """SLA inputs of many requests (a list page) in three queries, whatever the page's
    size: the requests' columns with their site's and customer's, their visits' times,
    their repairs' ends. Columns, not the stored objects: a page of objects (each
    request with its slips, contract, site and customer) took most of the list's time,
    and each contract's terms are read once, not once per request."""
    ids = list(request_ids)
    if not ids:
        return {}
    requests = session.execute(
        select(ServiceRequest.id, ServiceRequest.channel, ServiceRequest.intake_channel,
               ServiceRequest.service_kind, ServiceRequest.hardware_fault,
               ServiceRequest.requested_at, ServiceRequest.answered_at,
               ServiceRequest.contract_id, Site.in_city, Customer.is_group)
        .outerjoin(Site, Site.id == ServiceRequest.site_id)
        .join(Customer, Customer.id == ServiceRequest.customer_id)
        .where(ServiceRequest.id.in_(ids))).all()
    visits: dict[uuid.UUID, list[Visit]] = {}
    for request_id, arrived, solved, result in session.execute(
            select(Slip.request_id, Slip.arrived_at, Slip.solved_at, Slip.result)
            .where(Slip.request_id.in_(ids), Slip.amends_slip_id.is_(None))):
        visits.setdefault(request_id, []).append((arrived, solved, result))
    contract_ids = {r.contract_id for r in requests if r.contract_id is not None}
    contracts = {c.id: contract_terms(c) for c in session.scalars(
        select(Contract).where(Contract.id.in_(contract_ids)))} if contract_ids else {}
    backs = repairs_back(session, ids)
    defaults = contract_terms(None)
    inputs = {}
    for r in requests:
        terms, calendar = contracts.get(r.contract_id, defaults)
        facts = _request_facts(r, in_city=r.in_city if r.in_city is not None else True,
                               is_group=r.is_group, visits=visits.get(r.id, []),
                               back=backs.get(r.id, RepairBack()))
        inputs[r.id] = SlaInputs(facts, terms, calendar)
    return inputs


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
