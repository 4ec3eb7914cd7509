"""Which clocks a customer request runs, and whether a loaner is due (R1).

The core fills `RequestFacts` from its records; nothing here reads a database. One clock per
channel, on purpose: a request's channel is the kind of service asked for, so an on-site
request that came in by phone is an `onsite` request and runs the arrival clock only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from fieldapp.base.i18n import Language, pick
from fieldapp.sla._text import format_duration, format_moment
from fieldapp.sla.calendar import ServiceCalendar, require_aware
from fieldapp.sla.clocks import (
    ClockKind,
    ClockResult,
    ClockState,
    evaluate_clock,
    not_applicable,
)
from fieldapp.sla.terms import SlaTerms


class Channel(StrEnum):
    PHONE = "phone"  # 电话响应
    ONSITE = "onsite"  # 现场服务
    REMOTE = "remote"  # 远程在线处理
    SENDIN = "sendin"  # 硬件送修
    LETTER = "letter"  # 普通信件
    PORTAL = "portal"  # 网页提交：a written request, answered like a letter (R1.5)


@dataclass(frozen=True)
class RequestFacts:
    """Plain facts about one request; moments are aware datetimes (any zone)."""

    channel: Channel
    requested_at: datetime
    answered_at: datetime | None = None  # phone picked up / letter answered
    in_city: bool = True  # R1.2's 2-hour promise holds inside the city only
    first_arrival_at: datetime | None = None  # first slip's service start on site
    solved_at: datetime | None = None  # first slip's solved time (故障解决时间)
    device_returned_at: datetime | None = None  # repair: device back and running (R3.3)
    is_group_customer: bool = False  # 集团用户: default loaner entitlement

    def __post_init__(self) -> None:
        object.__setattr__(self, "channel", Channel(self.channel))  # accepts "phone" etc.


def clock_spec(facts: RequestFacts) -> tuple[ClockKind, datetime | None] | None:
    """The one clock the request runs and the moment that stops it (None while running);
    None when no clock applies (on site outside the city)."""
    channel = facts.channel
    if channel is Channel.ONSITE and not facts.in_city:
        return None
    return {
        Channel.PHONE: (ClockKind.PHONE_ANSWER, facts.answered_at),
        Channel.LETTER: (ClockKind.LETTER_ANSWER, facts.answered_at),
        Channel.PORTAL: (ClockKind.LETTER_ANSWER, facts.answered_at),
        Channel.ONSITE: (ClockKind.ONSITE_ARRIVAL, facts.first_arrival_at),
        Channel.REMOTE: (ClockKind.REMOTE_RESOLUTION, facts.solved_at),
        Channel.SENDIN: (ClockKind.REPAIR_RESOLUTION, facts.device_returned_at or facts.solved_at),
    }[channel]


def clocks_for_request(
    facts: RequestFacts,
    terms: SlaTerms,
    calendar: ServiceCalendar,
    now: datetime,
) -> list[ClockResult]:
    """The clocks that apply to the request, evaluated at `now`.

    phone -> phone_answer (stops at answered_at); letter and portal -> letter_answer
    (answered_at);
    onsite -> onsite_arrival (first_arrival_at; not_applicable outside the city);
    remote -> remote_resolution (solved_at); sendin -> repair_resolution (stops at
    device_returned_at, or at solved_at when no return is recorded).
    """
    spec = clock_spec(facts)
    if spec is None:
        return [
            not_applicable(
                ClockKind.ONSITE_ARRIVAL,
                started_at=facts.requested_at,
                reason=(
                    "市外现场服务：不适用两小时到达承诺",
                    "Outside the city: the 2-hour arrival promise does not apply",
                ),
                timezone=calendar.timezone,
            )
        ]
    kind, stopped_at = spec
    return [
        evaluate_clock(
            kind,
            terms=terms,
            calendar=calendar,
            started_at=facts.requested_at,
            stopped_at=stopped_at,
            now=now,
        )
    ]


@dataclass(frozen=True)
class LoanerDecision:
    """Whether a same-class loaner (同档次备机) is owed now, and why (R1.4)."""

    entitled: bool
    due: bool
    reason_zh: str
    reason_en: str

    def reason(self, language: Language | None = None) -> str:
        return pick(self.reason_zh, self.reason_en, language)


def loaner_entitled(facts: RequestFacts, terms: SlaTerms) -> bool:
    """The contract decides; without a setting, group customers get one (R1.4, section 3)."""
    return facts.is_group_customer if terms.loaner_entitled is None else terms.loaner_entitled


def loaner_due(
    facts: RequestFacts,
    terms: SlaTerms,
    calendar: ServiceCalendar,
    now: datetime,
    expected_ready_at: datetime | None = None,
) -> LoanerDecision:
    """Is a loaner owed for this repair now?

    Due when the customer is entitled, the device is not back yet, and either the 4-hour
    repair clock is at risk or breached, or the engineer expects the device ready only
    after that deadline ("will take far longer than 4 hours"). The clock here runs until
    the device is *returned*: a repaired device still in the workshop does not help the
    customer.
    """
    entitled = loaner_entitled(facts, terms)
    if facts.channel is not Channel.SENDIN:
        return LoanerDecision(
            entitled, False, "仅硬件送修提供备机", "Loaners are for hardware sent in for repair"
        )
    if facts.device_returned_at is not None:
        return LoanerDecision(
            entitled, False, "设备已归还，无需备机", "Device already returned; no loaner needed"
        )
    clock = evaluate_clock(
        ClockKind.REPAIR_RESOLUTION,
        terms=terms,
        calendar=calendar,
        started_at=facts.requested_at,
        stopped_at=None,
        now=now,
    )
    assert clock.deadline is not None
    due_text = format_moment(clock.deadline, calendar.timezone)
    if expected_ready_at is not None and require_aware(expected_ready_at, "expected_ready_at") > (
        clock.deadline
    ):
        ready_text = format_moment(expected_ready_at, calendar.timezone)
        budget_zh = format_duration(terms.repair_resolution, "zh")
        budget_en = format_duration(terms.repair_resolution, "en")
        zh = f"预计 {ready_text} 修好，晚于{budget_zh}时限 {due_text}"
        en = f"Expected ready {ready_text}, after the {budget_en} deadline {due_text}"
    elif clock.state in (ClockState.AT_RISK, ClockState.BREACHED):
        state_zh = "已超时" if clock.state is ClockState.BREACHED else "临近超时"
        state_en = "breached" if clock.state is ClockState.BREACHED else "at risk"
        zh = f"维修时限{state_zh}（截止 {due_text}），设备未归还"
        en = f"Repair deadline {state_en} (due {due_text}); device not returned"
    else:
        return LoanerDecision(
            entitled,
            False,
            f"维修在时限内（截止 {due_text}）",
            f"Repair within its deadline (due {due_text})",
        )
    if not entitled:
        return LoanerDecision(
            False, False, f"{zh}；但合同不含备机服务", f"{en}; but the contract has no loaner"
        )
    return LoanerDecision(
        True, True, f"{zh}：应提供同档次备机", f"{en}: provide a same-class loaner"
    )
