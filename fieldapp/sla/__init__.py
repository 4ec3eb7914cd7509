"""SLA clocks as pure functions: service calendar, contract terms, clocks per request (R1).

No database and no Qt: the core passes plain facts and `now` in and gets results back.
"""

from fieldapp.sla.calendar import ServiceCalendar, format_hours, parse_hours
from fieldapp.sla.clocks import (
    ClockKind,
    ClockResult,
    ClockState,
    budget_for,
    evaluate_clock,
    label,
    not_applicable,
)
from fieldapp.sla.request_clocks import (
    Channel,
    LoanerDecision,
    RequestFacts,
    clocks_for_request,
    loaner_due,
    loaner_entitled,
)
from fieldapp.sla.terms import SlaTerms

__all__ = [
    "Channel",
    "ClockKind",
    "ClockResult",
    "ClockState",
    "LoanerDecision",
    "RequestFacts",
    "ServiceCalendar",
    "SlaTerms",
    "budget_for",
    "clocks_for_request",
    "evaluate_clock",
    "format_hours",
    "label",
    "loaner_due",
    "loaner_entitled",
    "not_applicable",
    "parse_hours",
]
