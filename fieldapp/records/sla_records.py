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

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

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
from fieldapp.store.values import SlipResult

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


def _facts(request: ServiceRequest, visits: list[Slip]) -> RequestFacts:
    arrivals = [s.arrived_at for s in visits if s.arrived_at is not None]
    solved = [s.solved_at for s in visits
              if s.solved_at is not None and s.result == SlipResult.SOLVED]
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
        is_group_customer=request.customer.is_group,
    )


@dataclass(frozen=True)
class SlaInputs:
    """Everything a request's clocks depend on, so a list can recompute them as time passes
    (a countdown on screen) without going back to the database."""

    facts: RequestFacts
    terms: SlaTerms
    calendar: ServiceCalendar

    def clocks(self, now: datetime) -> list[ClockResult]:
        return clocks_for_request(self.facts, self.terms, self.calendar, now)


def sla_inputs(request: ServiceRequest) -> SlaInputs:
    terms, calendar = contract_terms(request.contract)
    visits = [s for s in request.slips if s.amends_slip_id is None]
    return SlaInputs(_facts(request, visits), terms, calendar)


def sla_inputs_for(session: Session, request_ids: Iterable[uuid.UUID]
                   ) -> dict[uuid.UUID, SlaInputs]:
    """SLA inputs of many requests (a list page) in a few queries."""
    ids = list(request_ids)
    if not ids:
        return {}
    requests = session.scalars(
        select(ServiceRequest).where(ServiceRequest.id.in_(ids)).options(
            selectinload(ServiceRequest.slips), selectinload(ServiceRequest.contract),
            selectinload(ServiceRequest.site), selectinload(ServiceRequest.customer))
    )
    return {request.id: sla_inputs(request) for request in requests}


def request_clocks(request: ServiceRequest, now: datetime) -> list[ClockResult]:
    """The request's clocks, stopped by the first arrival / solution among all its slips."""
    return sla_inputs(request).clocks(now)


def slip_sla_inputs(slip: Slip) -> SlaInputs:
    """The request's clock inputs as this one slip's times stop them (the slip editor
    counts them down; the copy prints them)."""
    request = slip.request
    terms, calendar = contract_terms(request.contract)
    return SlaInputs(_facts(request, [slip]), terms, calendar)


def slip_clocks(slip: Slip, now: datetime) -> list[ClockResult]:
    """The request's clocks as this one slip's times stop them (what its copy prints)."""
    return slip_sla_inputs(slip).clocks(now)


def request_loaner(request: ServiceRequest, now: datetime,
                   expected_ready_at: datetime | None = None) -> LoanerDecision:
    terms, calendar = contract_terms(request.contract)
    visits = [s for s in request.slips if s.amends_slip_id is None]
    return loaner_due(_facts(request, visits), terms, calendar, now, expected_ready_at)
