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
    Channel,
    LoanerDecision,
    RequestFacts,
    clock_spec,
    clocks_for_request,
    loaner_due,
    loaner_entitled,
)
from fieldapp.sla.terms import SlaTerms

__all__ = [
    "Channel",
    "ClockKind",
    "ClockOutcome",
    "ClockResult",
    "ClockState",
    "LoanerDecision",
    "RequestFacts",
    "ServiceCalendar",
    "SlaTerms",
    "budget_for",
    "clock_outcome",
    "clock_spec",
    "clocks_for_request",
    "evaluate_clock",
    "format_hours",
    "label",
    "loaner_due",
    "loaner_entitled",
    "not_applicable",
    "parse_hours",
]
