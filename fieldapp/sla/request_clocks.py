"""Which clocks a customer request runs, and whether a loaner is due (R1).

A request records how it came in (`IntakeChannel`: phone, letter, portal, walk-in, e-mail)
apart from the service it needs (`ServiceKind`: on-site, remote, send-in, answer only).
Every promise that applies runs its own clock on the same request (`clock_specs`): a call
that becomes an on-site job runs the 5-minute answer clock *and* the arrival clock, on-site
hardware also the 4-hour repair clock. The core fills `RequestFacts` from its records;
nothing here reads a database.

`Channel` is the one value requests had before (0009): it is still stored beside the two
fields (the seal of a slip names it, older laptops push it) and maps to both
(`split_channel`); `legacy_channel` gives it for a new pair.
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
    """The request's single channel before 0009 (kept: seals and older laptops name it)."""

    PHONE = "phone"  # 电话响应
    ONSITE = "onsite"  # 现场服务
    REMOTE = "remote"  # 远程在线处理
    SENDIN = "sendin"  # 硬件送修
    LETTER = "letter"  # 普通信件
    PORTAL = "portal"  # 网页提交：a written request, answered like a letter (R1.5)


class IntakeChannel(StrEnum):
    """How the request came in: `service_requests.intake_channel`."""

    PHONE = "phone"  # 电话: the call is answered within 5 minutes (R1.1)
    LETTER = "letter"  # 信件 (R1.5)
    PORTAL = "portal"  # 网页: written, answered like a letter (R1.5)
    WALK_IN = "walk_in"  # 来访: the customer is at the desk, answered in person
    EMAIL = "email"  # 电子邮件: written, answered like a letter (R1.5)


class ServiceKind(StrEnum):
    """What the request asks for: `service_requests.service_kind`."""

    ONSITE = "onsite"  # 现场服务 (R1.2)
    REMOTE = "remote"  # 远程在线处理 (R1.3)
    SENDIN = "sendin"  # 硬件送修 (R1.4, R3): always a hardware fault
    ANSWER = "answer"  # 仅答复: a question answered by phone or in writing


INTAKE_LABELS: dict[str, tuple[str, str]] = {
    IntakeChannel.PHONE: ("电话", "Phone"),
    IntakeChannel.LETTER: ("信件", "Letter"),
    IntakeChannel.PORTAL: ("网页", "Web portal"),
    IntakeChannel.WALK_IN: ("来访", "Walk-in"),
    IntakeChannel.EMAIL: ("电子邮件", "E-mail"),
}
SERVICE_KIND_LABELS: dict[str, tuple[str, str]] = {
    ServiceKind.ONSITE: ("现场服务", "On site"),
    ServiceKind.REMOTE: ("远程处理", "Remote"),
    ServiceKind.SENDIN: ("硬件送修", "Sent in for repair"),
    ServiceKind.ANSWER: ("仅答复", "Answer only"),
}
# Written requests: answered within 12 hours (R1.5).
WRITTEN_INTAKE = (IntakeChannel.LETTER, IntakeChannel.PORTAL, IntakeChannel.EMAIL)
# What the old single channel meant, as both fields (the 0009 migration does the same).
_SPLIT: dict[Channel, tuple[IntakeChannel, ServiceKind]] = {
    Channel.PHONE: (IntakeChannel.PHONE, ServiceKind.ANSWER),
    Channel.ONSITE: (IntakeChannel.PHONE, ServiceKind.ONSITE),
    Channel.REMOTE: (IntakeChannel.PHONE, ServiceKind.REMOTE),
    Channel.SENDIN: (IntakeChannel.PHONE, ServiceKind.SENDIN),
    Channel.LETTER: (IntakeChannel.LETTER, ServiceKind.ANSWER),
    Channel.PORTAL: (IntakeChannel.PORTAL, ServiceKind.ANSWER),
}
_ANSWER_CHANNEL = {
    IntakeChannel.PHONE: Channel.PHONE,
    IntakeChannel.WALK_IN: Channel.PHONE,  # spoken, answered at once
    IntakeChannel.LETTER: Channel.LETTER,
    IntakeChannel.EMAIL: Channel.LETTER,
    IntakeChannel.PORTAL: Channel.PORTAL,
}


def split_channel(channel: str) -> tuple[IntakeChannel, ServiceKind]:
    """The (intake channel, service kind) an old single channel stands for."""
    return _SPLIT[Channel(channel)]


def legacy_channel(intake_channel: str, service_kind: str) -> Channel:
    """The old single channel for a pair: the service when one is asked, else how the
    question came in (what an older laptop or archive understands)."""
    kind = ServiceKind(service_kind)
    if kind is not ServiceKind.ANSWER:
        return Channel(kind.value)
    return _ANSWER_CHANNEL[IntakeChannel(intake_channel)]


_SERVICE_KINDS = frozenset(ServiceKind)


def is_hardware(service_kind: str, hardware_fault: bool) -> bool:
    """R1.4 applies to hardware fixed on site or sent in (a send-in is always hardware)."""
    if service_kind not in _SERVICE_KINDS:
        raise ValueError(f"{service_kind!r} is not a valid ServiceKind")
    # compared by value: a plain stored string works without building a member
    return service_kind == ServiceKind.SENDIN or (hardware_fault
                                                  and service_kind == ServiceKind.ONSITE)


@dataclass(frozen=True)
class RequestFacts:
    """Plain facts about one request; moments are aware datetimes (any zone).

    Give `intake_channel` and `service_kind`; a request given only the old `channel`
    (positional, as before) takes both from it (`split_channel`)."""

    channel: Channel | None = None
    requested_at: datetime = None  # type: ignore[assignment]  # required, checked below
    answered_at: datetime | None = None  # phone picked up / letter answered
    in_city: bool = True  # R1.2's 2-hour promise holds inside the city only
    first_arrival_at: datetime | None = None  # first slip's service start on site
    solved_at: datetime | None = None  # first slip's solved time (故障解决时间)
    device_returned_at: datetime | None = None  # repair: device back and running (R3.3)
    repair_refused: bool = False  # sent in, the customer refused and got it back unrepaired
    is_group_customer: bool = False  # 集团用户: default loaner entitlement
    intake_channel: IntakeChannel | None = None
    service_kind: ServiceKind | None = None
    hardware_fault: bool = False  # on site: R1.4's 4 hours run too (send-in: always)

    def __post_init__(self) -> None:
        if self.requested_at is None:
            raise ValueError("requested_at is required")
        given_intake, given_kind = self.intake_channel, self.service_kind
        if (type(given_intake) is IntakeChannel and type(given_kind) is ServiceKind
                and type(self.channel) is Channel):
            return  # all three given as members (a report reads ~100,000 requests)
        if given_intake is None or given_kind is None:
            if self.channel is None:
                raise ValueError("give intake_channel and service_kind (or the old channel)")
            old_intake, old_kind = split_channel(self.channel)
            given_intake, given_kind = given_intake or old_intake, given_kind or old_kind
        intake = IntakeChannel(given_intake)
        kind = ServiceKind(given_kind)
        object.__setattr__(self, "intake_channel", intake)
        object.__setattr__(self, "service_kind", kind)
        object.__setattr__(self, "channel", Channel(self.channel) if self.channel is not None
                           else legacy_channel(intake, kind))

    @property
    def hardware(self) -> bool:
        assert self.service_kind is not None
        return is_hardware(self.service_kind, self.hardware_fault)

    @property
    def repair_stopped_at(self) -> datetime | None:
        """When the hardware runs again: sent in, the return (or the workshop's solved time
        when no return is recorded); on site, the solved time."""
        if self.service_kind is ServiceKind.SENDIN:
            return self.device_returned_at or self.solved_at
        return self.solved_at


_OUT_OF_CITY = ("市外现场服务：不适用两小时到达承诺",
                "Outside the city: the 2-hour arrival promise does not apply")
_OUT_OF_CITY_REPAIR = ("市外现场服务：不适用四小时维修承诺",
                       "Outside the city: the 4-hour repair promise does not apply on site")
_NOT_RECORDED = ("未记录响应时间", "The answer time was not recorded")
REPAIR_REFUSED = ("客户拒绝维修，设备已归还", "Refused; device returned")


@dataclass(frozen=True)
class ClockSpec:
    """One promise the request carries: its clock, the moment that stops it (None while
    running), or why it does not apply (zh, en)."""

    kind: ClockKind
    stopped_at: datetime | None = None
    not_applicable: tuple[str, str] | None = None


def clock_specs(facts: RequestFacts) -> list[ClockSpec]:
    """Every promise that applies to the request, in a fixed order: the answer (phone
    R1.1; letter, portal, e-mail R1.5; none for a walk-in), then the service (on-site
    arrival R1.2, in the city only; remote R1.3), then the hardware repair (R1.4) for a
    send-in or a hardware fault on site.

    An answer clock that never got its time although the engineer already arrived or
    solved the fault (requests taken before 0009 did not record it for on-site work) is
    not applicable rather than breached: the call was answered, when is unknown."""
    specs: list[ClockSpec] = []
    intake, kind = facts.intake_channel, facts.service_kind
    later = facts.first_arrival_at or facts.solved_at or facts.device_returned_at
    answer_kind = (ClockKind.PHONE_ANSWER if intake is IntakeChannel.PHONE
                   else ClockKind.LETTER_ANSWER if intake in WRITTEN_INTAKE else None)
    if answer_kind is not None:
        if facts.answered_at is None and later is not None and kind is not ServiceKind.ANSWER:
            specs.append(ClockSpec(answer_kind, not_applicable=_NOT_RECORDED))
        else:
            specs.append(ClockSpec(answer_kind, facts.answered_at))
    if kind is ServiceKind.ONSITE:
        if facts.in_city:
            specs.append(ClockSpec(ClockKind.ONSITE_ARRIVAL, facts.first_arrival_at))
        else:
            specs.append(ClockSpec(ClockKind.ONSITE_ARRIVAL, not_applicable=_OUT_OF_CITY))
    elif kind is ServiceKind.REMOTE:
        specs.append(ClockSpec(ClockKind.REMOTE_RESOLUTION, facts.solved_at))
    if facts.hardware:
        if kind is ServiceKind.ONSITE and not facts.in_city:
            specs.append(ClockSpec(ClockKind.REPAIR_RESOLUTION,
                                   not_applicable=_OUT_OF_CITY_REPAIR))
        elif (kind is ServiceKind.SENDIN and facts.repair_refused
              and facts.repair_stopped_at is None):
            # the repair order's own clock does not apply then either (repair_overview)
            specs.append(ClockSpec(ClockKind.REPAIR_RESOLUTION, not_applicable=REPAIR_REFUSED))
        else:
            specs.append(ClockSpec(ClockKind.REPAIR_RESOLUTION, facts.repair_stopped_at))
    return specs


def clocks_for_request(
    facts: RequestFacts,
    terms: SlaTerms,
    calendar: ServiceCalendar,
    now: datetime,
) -> list[ClockResult]:
    """Every clock of the request (`clock_specs`), evaluated at `now`."""
    return [
        not_applicable(spec.kind, started_at=facts.requested_at, reason=spec.not_applicable,
                       timezone=calendar.timezone)
        if spec.not_applicable is not None
        else evaluate_clock(spec.kind, terms=terms, calendar=calendar,
                            started_at=facts.requested_at, stopped_at=spec.stopped_at, now=now)
        for spec in clock_specs(facts)
    ]


def clock_of(clocks: list[ClockResult], kind: ClockKind) -> ClockResult | None:
    """The clock of `kind` among a request's clocks, if it runs one."""
    return next((c for c in clocks if c.kind is kind), None)


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

    Only for hardware (sent in, or a hardware fault on site in the city). Due when the
    customer is entitled, the device is not back yet, and either the 4-hour
    repair clock is at risk or breached, or the engineer expects the device ready only
    after that deadline ("will take far longer than 4 hours"). The clock here runs until
    the device is *returned*: a repaired device still in the workshop does not help the
    customer.
    """
    entitled = loaner_entitled(facts, terms)
    if not facts.hardware:
        return LoanerDecision(
            entitled, False, "仅硬件维修提供备机", "Loaners are for hardware repairs"
        )
    if facts.service_kind is ServiceKind.ONSITE and not facts.in_city:
        return LoanerDecision(entitled, False, _OUT_OF_CITY_REPAIR[0], _OUT_OF_CITY_REPAIR[1])
    if facts.service_kind is ServiceKind.SENDIN and (facts.device_returned_at is not None
                                                     or facts.repair_refused):
        return LoanerDecision(
            entitled, False, "设备已归还，无需备机", "Device already returned; no loaner needed"
        )
    if facts.service_kind is ServiceKind.ONSITE and facts.solved_at is not None:
        return LoanerDecision(
            entitled, False, "设备已在现场修复，无需备机", "Repaired on site; no loaner needed"
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
