"""A promised-by clock for complaints (R5) and open questions (R1.6).

Unlike the SLA clocks these count wall-clock time: a promise "we answer within 24 hours"
or "by Thursday 17:00" is a moment, told to the customer, not service hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from fieldapp.sla import ClockState

AT_RISK_FRACTION = 0.25


@dataclass(frozen=True)
class PromiseClock:
    started_at: datetime
    due_at: datetime
    stopped_at: datetime | None
    state: ClockState  # on_track / at_risk / met / breached
    time_left: timedelta | None  # None once stopped; negative when past due


def promise_clock(started_at: datetime, due_at: datetime, stopped_at: datetime | None,
                  now: datetime) -> PromiseClock:
    """Met when kept by `due_at`, breached after; at risk in the last quarter before it."""
    if stopped_at is not None:
        state = ClockState.MET if stopped_at <= due_at else ClockState.BREACHED
        return PromiseClock(started_at, due_at, stopped_at, state, None)
    left = due_at - now
    if left < timedelta(0):
        state = ClockState.BREACHED
    elif left < (due_at - started_at) * AT_RISK_FRACTION:
        state = ClockState.AT_RISK
    else:
        state = ClockState.ON_TRACK
    return PromiseClock(started_at, due_at, None, state, left)
