"""One SLA clock, evaluated from plain facts: where it stands and why.

A clock starts when the customer asks and stops when the promised thing happened (the call
was answered, the engineer arrived, the device runs again). Budgets are service time
(ServiceCalendar); "met" and "breached" compare *moments* with the deadline, so arriving at
18:30 after an 18:00 deadline is late even though no service time passed after 18:00.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from fieldapp.base.i18n import Language, pick
from fieldapp.base.timeutil import DEFAULT_TIMEZONE
from fieldapp.sla._text import format_duration, format_moment
from fieldapp.sla.calendar import ServiceCalendar, require_aware
from fieldapp.sla.terms import SlaTerms


class ClockKind(StrEnum):
    PHONE_ANSWER = "phone_answer"  # R1.1
    LETTER_ANSWER = "letter_answer"  # R1.5
    ONSITE_ARRIVAL = "onsite_arrival"  # R1.2
    REMOTE_RESOLUTION = "remote_resolution"  # R1.3
    REPAIR_RESOLUTION = "repair_resolution"  # R1.4


class ClockState(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    MET = "met"
    MET_WITHIN_TOLERANCE = "met_within_tolerance"  # on-site only: after 2 h, by 3 h
    BREACHED = "breached"
    NOT_APPLICABLE = "not_applicable"


# The users' own words (R1) first; English for the second UI language.
_LABELS: dict[ClockKind | ClockState, tuple[str, str]] = {
    ClockKind.PHONE_ANSWER: ("电话响应", "Phone answer"),
    ClockKind.LETTER_ANSWER: ("信件回复", "Letter answer"),
    ClockKind.ONSITE_ARRIVAL: ("现场到达", "On-site arrival"),
    ClockKind.REMOTE_RESOLUTION: ("远程处理", "Remote resolution"),
    ClockKind.REPAIR_RESOLUTION: ("硬件维修", "Hardware repair"),
    ClockState.ON_TRACK: ("正常", "On track"),
    ClockState.AT_RISK: ("临近超时", "At risk"),
    ClockState.MET: ("达标", "Met"),
    ClockState.MET_WITHIN_TOLERANCE: ("容差内达标", "Met within tolerance"),
    ClockState.BREACHED: ("超时", "Breached"),
    ClockState.NOT_APPLICABLE: ("不适用", "Not applicable"),
}


def label(value: ClockKind | ClockState, language: Language | None = None) -> str:
    """Display name of a clock kind or state in `language` (default: the current one)."""
    zh, en = _LABELS[value]
    return pick(zh, en, language)


def budget_for(kind: ClockKind, terms: SlaTerms) -> timedelta:
    """The promised service time for `kind` (for on-site: the 2-hour target, not the cap)."""
    field = _BUDGET_TERM.get(kind)  # a plain string finds its member: StrEnum hashes alike
    budget: timedelta = getattr(terms, field if field is not None
                                else _BUDGET_TERM[ClockKind(kind)])
    return budget


# The terms' field per clock kind (a yearly report asks ~100,000 times: no dict per call).
_BUDGET_TERM: dict[ClockKind, str] = {
    ClockKind.PHONE_ANSWER: "phone_answer",
    ClockKind.LETTER_ANSWER: "letter_answer",
    ClockKind.ONSITE_ARRIVAL: "onsite_target",
    ClockKind.REMOTE_RESOLUTION: "remote_resolution",
    ClockKind.REPAIR_RESOLUTION: "repair_resolution",
}


@dataclass(frozen=True)
class ClockResult:
    """Where one clock stands at `now`. Moments are aware UTC; durations are service time."""

    kind: ClockKind
    state: ClockState
    started_at: datetime
    deadline: datetime | None  # the target; None only when not applicable
    cap_deadline: datetime | None  # on-site tolerance cap (3 h), else None
    stopped_at: datetime | None  # None while running
    elapsed: timedelta
    time_left: timedelta | None  # to the deadline, negative when past; None once stopped
    budget: timedelta | None = None
    timezone: str = DEFAULT_TIMEZONE  # for showing moments the way the customer reads them
    # False when a day the clock spans lies outside chinesecalendar's years (Mon–Fri assumed).
    calendar_covered: bool = True
    reason: tuple[str, str] | None = None  # (zh, en): why not applicable

    @property
    def running(self) -> bool:
        return self.stopped_at is None and self.state is not ClockState.NOT_APPLICABLE

    def explanation(self, language: Language | None = None) -> str:
        """One short sentence for a tooltip or a report line."""
        zh, en = self._explanation_texts()
        return pick(zh, en, language)

    def _explanation_texts(self) -> tuple[str, str]:
        if self.state is ClockState.NOT_APPLICABLE:
            return self.reason or ("此请求不计此时限", "This limit does not apply to the request")
        due = format_moment(self.deadline, self.timezone)
        cap = format_moment(self.cap_deadline, self.timezone)
        stopped = format_moment(self.stopped_at, self.timezone)
        if self.state is ClockState.MET:
            return (
                f"达标：用时{format_duration(self.elapsed, 'zh')}，截止 {due}",
                f"Met: took {format_duration(self.elapsed, 'en')}, due {due}",
            )
        if self.state is ClockState.MET_WITHIN_TOLERANCE:
            return (
                f"容差内达标：{stopped} 到达，目标 {due}，上限 {cap}",
                f"Met within tolerance: arrived {stopped}, target {due}, cap {cap}",
            )
        limit = cap if self.cap_deadline is not None else due
        if self.state is ClockState.BREACHED and self.stopped_at is not None:
            return f"超时：{stopped} 完成，截止 {limit}", f"Breached: done {stopped}, due {limit}"
        if self.state is ClockState.BREACHED:
            return f"超时：截止 {limit} 已过", f"Breached: {limit} has passed"
        left = self.time_left or timedelta(0)
        if left < timedelta(0) and self.cap_deadline is not None:  # on-site, past the target
            return (
                f"临近超时：已过目标 {due}，须在 {cap} 前到达",
                f"At risk: past the target {due}, must arrive by {cap}",
            )
        left_zh, left_en = format_duration(left, "zh"), format_duration(left, "en")
        if self.state is ClockState.AT_RISK:
            return f"临近超时：剩余{left_zh}，截止 {due}", f"At risk: {left_en} left, due {due}"
        return f"剩余{left_zh}，截止 {due}", f"{left_en} left, due {due}"


def not_applicable(
    kind: ClockKind,
    *,
    started_at: datetime,
    reason: tuple[str, str],
    timezone: str = DEFAULT_TIMEZONE,
) -> ClockResult:
    """A clock that does not run for this request, with the reason (zh, en) to show."""
    return ClockResult(
        kind=ClockKind(kind),
        state=ClockState.NOT_APPLICABLE,
        started_at=require_aware(started_at, "started_at"),
        deadline=None,
        cap_deadline=None,
        stopped_at=None,
        elapsed=timedelta(0),
        time_left=None,
        timezone=timezone,
        reason=reason,
    )


@dataclass(frozen=True)
class ClockOutcome:
    """Just the verdict of a clock: its state and deadlines (what reports count)."""

    state: ClockState
    deadline: datetime
    cap_deadline: datetime | None
    elapsed: timedelta | None  # computed only for a running clock (it needs it)


def clock_outcome(
    kind: ClockKind,
    *,
    terms: SlaTerms,
    calendar: ServiceCalendar,
    started_at: datetime,
    stopped_at: datetime | None = None,
    now: datetime,
) -> ClockOutcome:
    """The state rules of `evaluate_clock`, without the explanation's extras, so many
    clocks (a yearly report) are judged cheaply by exactly the same rules.

    Stopped clocks: at or before the deadline -> met; on-site after the target but at or
    before the cap -> met_within_tolerance; later -> breached. Running clocks: past the
    deadline (on-site: the cap) -> breached; on-site between target and cap -> at_risk;
    less than `terms.at_risk_fraction` of the budget left -> at_risk; else on_track.
    """
    budget = budget_for(kind, terms)
    deadline = calendar.add_working_time(started_at, budget)
    cap_deadline = (
        calendar.add_working_time(started_at, terms.onsite_cap)
        if kind is ClockKind.ONSITE_ARRIVAL
        else None
    )
    if stopped_at is not None:
        if stopped_at <= deadline:
            state = ClockState.MET
        elif cap_deadline is not None and stopped_at <= cap_deadline:
            state = ClockState.MET_WITHIN_TOLERANCE
        else:
            state = ClockState.BREACHED
        return ClockOutcome(state, deadline, cap_deadline, None)
    elapsed = calendar.working_time_between(started_at, now)
    time_left = budget - elapsed
    if now > (cap_deadline or deadline):
        state = ClockState.BREACHED
    elif now > deadline or time_left < budget * terms.at_risk_fraction:
        state = ClockState.AT_RISK
    else:
        state = ClockState.ON_TRACK
    return ClockOutcome(state, deadline, cap_deadline, elapsed)


def evaluate_clock(
    kind: ClockKind,
    *,
    terms: SlaTerms,
    calendar: ServiceCalendar,
    started_at: datetime,
    stopped_at: datetime | None = None,
    now: datetime,
) -> ClockResult:
    """Evaluate one clock at `now` (pure: `now` is passed in, nothing is read or stored).

    The state follows `clock_outcome`; this adds elapsed service time, time left and
    whether the holiday calendar covers the span.
    """
    kind = ClockKind(kind)
    started_at = require_aware(started_at, "started_at")
    now = require_aware(now, "now")
    if stopped_at is not None:
        stopped_at = require_aware(stopped_at, "stopped_at")
    budget = budget_for(kind, terms)
    outcome = clock_outcome(kind, terms=terms, calendar=calendar, started_at=started_at,
                            stopped_at=stopped_at, now=now)
    end = stopped_at if stopped_at is not None else now
    elapsed = (outcome.elapsed if outcome.elapsed is not None
               else calendar.working_time_between(started_at, end))
    time_left = budget - elapsed if stopped_at is None else None
    last_limit = outcome.cap_deadline or outcome.deadline
    return ClockResult(
        kind=kind,
        state=outcome.state,
        started_at=started_at,
        deadline=outcome.deadline,
        cap_deadline=outcome.cap_deadline,
        stopped_at=stopped_at,
        elapsed=elapsed,
        time_left=time_left,
        budget=budget,
        timezone=calendar.timezone,
        calendar_covered=calendar.covered_between(started_at, max(last_limit, end)),
    )
