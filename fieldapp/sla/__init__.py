"""SLA clocks as pure functions: service calendar, contract terms, clocks per request (R1).

No database and no Qt: the core passes plain facts and `now` in and gets results back.
"""

from fieldapp.sla.calendar import ServiceCalendar, format_hours, parse_hours
from fieldapp.sla.clocks import (
    ClockKind,
    ClockOutcome,
    ClockResult,
    ClockState,
    budget_for,
    clock_outcome,
    evaluate_clock,
    label,
    not_applicable,
)
from fieldapp.sla.request_clocks import (
    INTAKE_LABELS,
    SERVICE_KIND_LABELS,
    Channel,
    ClockSpec,
    IntakeChannel,
    LoanerDecision,
    RequestFacts,
    ServiceKind,
    clock_of,
    clock_specs,
    clocks_for_request,
    is_hardware,
    legacy_channel,
    loaner_due,
    loaner_entitled,
    split_channel,
)
from fieldapp.sla.terms import SlaTerms

__all__ = [
    "INTAKE_LABELS",
    "SERVICE_KIND_LABELS",
    "Channel",
    "ClockKind",
    "ClockOutcome",
    "ClockResult",
    "ClockSpec",
    "ClockState",
    "IntakeChannel",
    "LoanerDecision",
    "RequestFacts",
    "ServiceCalendar",
    "ServiceKind",
    "SlaTerms",
    "budget_for",
    "clock_of",
    "clock_outcome",
    "clock_specs",
    "clocks_for_request",
    "evaluate_clock",
    "format_hours",
    "is_hardware",
    "label",
    "legacy_channel",
    "loaner_due",
    "loaner_entitled",
    "not_applicable",
    "parse_hours",
    "split_channel",
]
