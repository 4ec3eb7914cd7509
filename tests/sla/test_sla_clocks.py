"""evaluate_clock: every state for every kind of clock, the on-site tolerance band, at-risk.

Requests come in on Tuesday 2026-11-24 at 09:00 Beijing time (the desk opens at 09:00)
unless a test says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fieldapp.base.i18n import set_language
from fieldapp.sla import (
    ClockKind,
    ClockResult,
    ClockState,
    ServiceCalendar,
    SlaTerms,
    budget_for,
    evaluate_clock,
    label,
    not_applicable,
    parse_hours,
)

SH = ZoneInfo("Asia/Shanghai")
OFFICE = ServiceCalendar()
TERMS = SlaTerms()
MINUTE = timedelta(minutes=1)


def sh(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


REQUESTED = sh("2026-11-24T09:00")


@dataclass(frozen=True)
class Case:
    kind: ClockKind
    deadline: datetime
    last_limit: datetime  # the cap for on-site, else the deadline
    calm: datetime  # a running moment with plenty left
    tight: datetime  # a running moment with less than a quarter of the budget left


CASES = [
    Case(
        ClockKind.PHONE_ANSWER,
        sh("2026-11-24T09:05"),
        sh("2026-11-24T09:05"),
        sh("2026-11-24T09:01"),
        sh("2026-11-24T09:04"),
    ),
    Case(
        # 12 h of service time: 9 h on Tuesday, 3 h on Wednesday morning.
        ClockKind.LETTER_ANSWER,
        sh("2026-11-25T12:00"),
        sh("2026-11-25T12:00"),
        sh("2026-11-24T15:00"),
        sh("2026-11-25T11:00"),
    ),
    Case(
        ClockKind.ONSITE_ARRIVAL,
        sh("2026-11-24T11:00"),
        sh("2026-11-24T12:00"),
        sh("2026-11-24T10:00"),
        sh("2026-11-24T10:45"),
    ),
    Case(
        ClockKind.REMOTE_RESOLUTION,
        sh("2026-11-24T09:30"),
        sh("2026-11-24T09:30"),
        sh("2026-11-24T09:10"),
        sh("2026-11-24T09:25"),
    ),
    Case(
        ClockKind.REPAIR_RESOLUTION,
        sh("2026-11-24T13:00"),
        sh("2026-11-24T13:00"),
        sh("2026-11-24T10:00"),
        sh("2026-11-24T12:30"),
    ),
]
BY_KIND = pytest.mark.parametrize("case", CASES, ids=[c.kind.value for c in CASES])


def clock(
    kind: ClockKind,
    *,
    now: datetime,
    stopped_at: datetime | None = None,
    started_at: datetime = REQUESTED,
    terms: SlaTerms = TERMS,
    calendar: ServiceCalendar = OFFICE,
) -> ClockResult:
    return evaluate_clock(
        kind, terms=terms, calendar=calendar, started_at=started_at, stopped_at=stopped_at, now=now
    )


def test_every_kind_is_covered_by_the_state_table():
    assert {case.kind for case in CASES} == set(ClockKind)


# --- every state for every kind ------------------------------------------------------------


@BY_KIND
def test_running_clock_with_plenty_left_is_on_track(case):
    result = clock(case.kind, now=case.calm)
    assert result.state is ClockState.ON_TRACK
    assert result.running
    assert result.deadline == case.deadline
    assert result.time_left == budget_for(case.kind, TERMS) - result.elapsed
    assert result.time_left > timedelta(0)


@BY_KIND
def test_running_clock_with_less_than_a_quarter_left_is_at_risk(case):
    result = clock(case.kind, now=case.tight)
    assert result.state is ClockState.AT_RISK
    assert timedelta(0) < result.time_left < budget_for(case.kind, TERMS) / 4


@BY_KIND
def test_clock_stopped_exactly_at_the_deadline_is_met(case):
    result = clock(case.kind, stopped_at=case.deadline, now=case.deadline + timedelta(days=3))
    assert result.state is ClockState.MET
    assert not result.running
    assert result.time_left is None
    assert result.elapsed == budget_for(case.kind, TERMS)


@BY_KIND
def test_clock_stopped_early_is_met(case):
    result = clock(case.kind, stopped_at=case.calm, now=case.calm)
    assert result.state is ClockState.MET


@BY_KIND
def test_clock_stopped_after_its_last_limit_is_breached(case):
    result = clock(case.kind, stopped_at=case.last_limit + MINUTE, now=case.last_limit + MINUTE)
    assert result.state is ClockState.BREACHED
    assert result.stopped_at == case.last_limit + MINUTE


@BY_KIND
def test_running_clock_past_its_last_limit_is_breached(case):
    result = clock(case.kind, now=case.last_limit + MINUTE)
    assert result.state is ClockState.BREACHED
    assert result.time_left < timedelta(0)


@BY_KIND
def test_running_clock_exactly_at_its_deadline_is_not_yet_breached(case):
    assert clock(case.kind, now=case.deadline).state is ClockState.AT_RISK


@pytest.mark.parametrize("kind", [k for k in ClockKind if k is not ClockKind.ONSITE_ARRIVAL])
def test_only_onsite_arrival_has_a_tolerance_band(kind):
    case = next(c for c in CASES if c.kind is kind)
    result = clock(kind, stopped_at=case.deadline + MINUTE, now=case.deadline + MINUTE)
    assert result.state is ClockState.BREACHED
    assert result.cap_deadline is None


@pytest.mark.parametrize("kind", list(ClockKind))
def test_a_clock_that_does_not_apply_says_why(kind):
    result = not_applicable(kind, started_at=REQUESTED, reason=("市外", "Out of town"))
    assert result.state is ClockState.NOT_APPLICABLE
    assert not result.running
    assert result.deadline is None and result.time_left is None
    assert result.explanation("zh") == "市外"
    assert result.explanation("en") == "Out of town"


# --- the on-site tolerance band (R1.2: 2 h target, never past 3 h) ------------------------


@pytest.mark.parametrize(
    ("arrived", "state"),
    [
        ("2026-11-24T10:59", ClockState.MET),
        ("2026-11-24T11:00", ClockState.MET),  # exactly 2 h
        ("2026-11-24T11:01", ClockState.MET_WITHIN_TOLERANCE),  # 2 h 01
        ("2026-11-24T12:00", ClockState.MET_WITHIN_TOLERANCE),  # exactly 3 h
        ("2026-11-24T12:01", ClockState.BREACHED),  # 3 h 01
    ],
)
def test_onsite_arrival_tolerance_band(arrived, state):
    result = clock(ClockKind.ONSITE_ARRIVAL, stopped_at=sh(arrived), now=sh("2026-11-24T15:00"))
    assert result.state is state
    assert result.deadline == sh("2026-11-24T11:00")
    assert result.cap_deadline == sh("2026-11-24T12:00")


def test_onsite_clock_between_target_and_cap_is_at_risk_with_negative_time_left():
    result = clock(ClockKind.ONSITE_ARRIVAL, now=sh("2026-11-24T11:30"))
    assert result.state is ClockState.AT_RISK
    assert result.time_left == timedelta(minutes=-30)


def test_onsite_cap_runs_over_the_night_in_service_time():
    # Requested 16:30: target 18:30 -> next day 09:30, cap next day 10:30.
    result = clock(
        ClockKind.ONSITE_ARRIVAL,
        started_at=sh("2026-11-24T16:30"),
        stopped_at=sh("2026-11-25T10:15"),
        now=sh("2026-11-25T12:00"),
    )
    assert result.deadline == sh("2026-11-25T09:30")
    assert result.cap_deadline == sh("2026-11-25T10:30")
    assert result.state is ClockState.MET_WITHIN_TOLERANCE


def test_arrival_after_closing_is_late_although_no_service_time_passed():
    # Requested Friday 16:00, due 18:00; the engineer turns up at 18:30 that evening.
    # Service time used is exactly 2 h, but the customer was promised 18:00.
    result = clock(
        ClockKind.ONSITE_ARRIVAL,
        started_at=sh("2026-11-20T16:00"),
        stopped_at=sh("2026-11-20T18:30"),
        now=sh("2026-11-20T18:30"),
    )
    assert result.elapsed == timedelta(hours=2)
    assert result.state is ClockState.MET_WITHIN_TOLERANCE
    assert result.cap_deadline == sh("2026-11-23T10:00")


def test_remote_fix_finished_after_closing_is_met_when_the_deadline_rolled_to_next_morning():
    # 15 min that evening, 15 min the next morning: due 09:15, so 18:20 is early.
    result = clock(
        ClockKind.REMOTE_RESOLUTION,
        started_at=sh("2026-11-24T17:45"),
        stopped_at=sh("2026-11-24T18:20"),
        now=sh("2026-11-24T18:20"),
    )
    assert result.deadline == sh("2026-11-25T09:15")
    assert result.elapsed == timedelta(minutes=15)
    assert result.state is ClockState.MET


# --- the at-risk threshold -----------------------------------------------------------------


def test_exactly_a_quarter_left_is_still_on_track():
    # Remote: 30 min budget, a quarter is 7 min 30 s.
    assert clock(ClockKind.REMOTE_RESOLUTION, now=sh("2026-11-24T09:22:30")).state is (
        ClockState.ON_TRACK
    )


def test_one_second_less_than_a_quarter_left_is_at_risk():
    result = clock(ClockKind.REMOTE_RESOLUTION, now=sh("2026-11-24T09:22:31"))
    assert result.state is ClockState.AT_RISK
    assert result.time_left == timedelta(minutes=7, seconds=29)


def test_contract_can_raise_the_at_risk_fraction():
    half = SlaTerms(at_risk_fraction=0.5)
    assert clock(ClockKind.REPAIR_RESOLUTION, now=sh("2026-11-24T11:00"), terms=half).state is (
        ClockState.ON_TRACK
    )
    assert clock(ClockKind.REPAIR_RESOLUTION, now=sh("2026-11-24T11:01"), terms=half).state is (
        ClockState.AT_RISK
    )


def test_at_risk_fraction_zero_never_warns_before_the_deadline():
    never = SlaTerms(at_risk_fraction=0.0)
    at_deadline = clock(ClockKind.REMOTE_RESOLUTION, now=sh("2026-11-24T09:30"), terms=never)
    assert at_deadline.state is ClockState.ON_TRACK


def test_contract_budget_changes_the_deadline():
    result = clock(
        ClockKind.REPAIR_RESOLUTION,
        now=sh("2026-11-24T13:30"),
        terms=SlaTerms(repair_resolution=timedelta(hours=8)),
    )
    assert result.deadline == sh("2026-11-24T17:00")
    assert result.state is ClockState.ON_TRACK


# --- service time, not wall-clock time -----------------------------------------------------


def test_clock_pauses_outside_service_hours():
    # Remote request at 17:50: 10 min that evening, 20 min left overnight.
    result = clock(
        ClockKind.REMOTE_RESOLUTION, started_at=sh("2026-11-24T17:50"), now=sh("2026-11-24T23:00")
    )
    assert result.elapsed == timedelta(minutes=10)
    assert result.time_left == timedelta(minutes=20)
    assert result.state is ClockState.ON_TRACK
    assert result.deadline == sh("2026-11-25T09:20")


def test_call_before_opening_answered_before_opening_took_no_service_time():
    result = clock(
        ClockKind.PHONE_ANSWER,
        started_at=sh("2026-11-24T07:30"),
        stopped_at=sh("2026-11-24T08:00"),
        now=sh("2026-11-24T08:00"),
    )
    assert result.deadline == sh("2026-11-24T09:05")
    assert result.elapsed == timedelta(0)
    assert result.state is ClockState.MET


def test_repair_requested_on_national_day_eve_is_on_track_during_the_holiday():
    result = clock(
        ClockKind.REPAIR_RESOLUTION,
        started_at=sh("2026-09-30T17:00"),
        now=sh("2026-10-05T12:00"),
    )
    assert result.elapsed == timedelta(hours=1)
    assert result.deadline == sh("2026-10-08T12:00")
    assert result.state is ClockState.ON_TRACK


def test_repair_clock_keeps_running_on_the_tiaoxiu_saturday():
    result = clock(
        ClockKind.REPAIR_RESOLUTION,
        started_at=sh("2026-10-09T15:00"),
        now=sh("2026-10-10T10:30"),
    )
    assert result.deadline == sh("2026-10-10T10:00")
    assert result.state is ClockState.BREACHED


def test_seven_by_twenty_four_clock_runs_through_the_night():
    result = clock(
        ClockKind.ONSITE_ARRIVAL,
        started_at=sh("2026-10-03T02:00"),
        now=sh("2026-10-03T04:30"),
        calendar=ServiceCalendar(always_open=True),
    )
    assert result.deadline == sh("2026-10-03T04:00")
    assert result.state is ClockState.AT_RISK


def test_lunch_break_calendar_moves_the_deadline():
    result = clock(
        ClockKind.ONSITE_ARRIVAL,
        started_at=sh("2026-11-24T11:00"),
        now=sh("2026-11-24T12:30"),
        calendar=ServiceCalendar(hours=parse_hours("08:30-12:00,13:00-17:30")),
    )
    assert result.deadline == sh("2026-11-24T14:00")
    assert result.cap_deadline == sh("2026-11-24T15:00")
    assert result.elapsed == timedelta(hours=1)
    assert result.state is ClockState.ON_TRACK


def test_contract_extra_holiday_pauses_the_clock():
    calendar = ServiceCalendar(extra_holidays=frozenset({date(2026, 11, 25)}))
    result = clock(
        ClockKind.LETTER_ANSWER,
        now=sh("2026-11-25T12:00"),
        calendar=calendar,
    )
    assert result.deadline == sh("2026-11-26T12:00")
    assert result.state is ClockState.ON_TRACK


# --- odd inputs ----------------------------------------------------------------------------


def test_stop_recorded_before_the_start_counts_as_met_with_no_time_used():
    result = clock(
        ClockKind.PHONE_ANSWER, stopped_at=sh("2026-11-24T08:59"), now=sh("2026-11-24T09:00")
    )
    assert result.state is ClockState.MET
    assert result.elapsed == timedelta(0)


def test_now_before_the_request_leaves_the_whole_budget():
    result = clock(ClockKind.REPAIR_RESOLUTION, now=sh("2026-11-24T08:00"))
    assert result.state is ClockState.ON_TRACK
    assert result.time_left == timedelta(hours=4)


def test_results_are_aware_utc_whatever_zone_went_in():
    result = clock(
        ClockKind.ONSITE_ARRIVAL,
        started_at=datetime(2026, 11, 24, 1, 0, tzinfo=UTC),
        stopped_at=datetime(2026, 11, 24, 3, 0, tzinfo=UTC),
        now=datetime(2026, 11, 24, 4, 0, tzinfo=ZoneInfo("Europe/Berlin")),
    )
    for moment in (result.started_at, result.deadline, result.cap_deadline, result.stopped_at):
        assert moment.tzinfo is UTC
    assert result.state is ClockState.MET


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        clock(ClockKind.PHONE_ANSWER, now=datetime(2026, 11, 24, 9, 1))


def test_kind_may_be_given_as_its_string_value():
    assert clock("phone_answer", now=sh("2026-11-24T09:01")).kind is ClockKind.PHONE_ANSWER  # type: ignore[arg-type]


def test_clock_within_published_years_is_covered_and_beyond_is_flagged():
    assert clock(ClockKind.REPAIR_RESOLUTION, now=sh("2026-11-24T10:00")).calendar_covered
    far = clock(
        ClockKind.REPAIR_RESOLUTION, started_at=sh("2099-11-24T09:00"), now=sh("2099-11-24T10:00")
    )
    assert not far.calendar_covered
    assert far.state is ClockState.ON_TRACK  # still evaluated, on the Mon–Fri fallback


# --- labels and explanations ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (ClockKind.PHONE_ANSWER, "电话响应", "Phone answer"),
        (ClockKind.LETTER_ANSWER, "信件回复", "Letter answer"),
        (ClockKind.ONSITE_ARRIVAL, "现场到达", "On-site arrival"),
        (ClockKind.REMOTE_RESOLUTION, "远程处理", "Remote resolution"),
        (ClockKind.REPAIR_RESOLUTION, "硬件维修", "Hardware repair"),
        (ClockState.ON_TRACK, "正常", "On track"),
        (ClockState.AT_RISK, "临近超时", "At risk"),
        (ClockState.MET, "达标", "Met"),
        (ClockState.MET_WITHIN_TOLERANCE, "容差内达标", "Met within tolerance"),
        (ClockState.BREACHED, "超时", "Breached"),
        (ClockState.NOT_APPLICABLE, "不适用", "Not applicable"),
    ],
)
def test_labels_use_the_users_own_words(value, zh, en):
    assert label(value, "zh") == zh
    assert label(value, "en") == en


def test_every_kind_and_state_has_a_label():
    for value in [*ClockKind, *ClockState]:
        assert label(value, "zh") and label(value, "en")


def test_label_follows_the_current_language():
    try:
        set_language("en")
        assert label(ClockState.BREACHED) == "Breached"
    finally:
        set_language("zh")
    assert label(ClockState.BREACHED) == "超时"


def test_explanation_of_a_running_clock_shows_time_left_and_local_deadline():
    result = clock(ClockKind.ONSITE_ARRIVAL, now=sh("2026-11-24T09:40"))
    assert result.explanation("zh") == "剩余1小时20分，截止 2026-11-24 11:00"
    assert result.explanation("en") == "1 h 20 min left, due 2026-11-24 11:00"


def test_explanation_of_an_at_risk_phone_call_counts_seconds():
    result = clock(ClockKind.PHONE_ANSWER, now=sh("2026-11-24T09:03:50"))
    assert result.explanation("zh") == "临近超时：剩余1分10秒，截止 2026-11-24 09:05"
    assert result.explanation("en") == "At risk: 1 min 10 s left, due 2026-11-24 09:05"


def test_explanation_of_an_onsite_clock_past_its_target_names_the_cap():
    result = clock(ClockKind.ONSITE_ARRIVAL, now=sh("2026-11-24T11:30"))
    assert (
        result.explanation("zh")
        == "临近超时：已过目标 2026-11-24 11:00，须在 2026-11-24 12:00 前到达"
    )
    assert "must arrive by 2026-11-24 12:00" in result.explanation("en")


def test_explanations_of_stopped_clocks():
    met = clock(ClockKind.REPAIR_RESOLUTION, stopped_at=sh("2026-11-24T12:05"), now=REQUESTED)
    assert met.explanation("zh") == "达标：用时3小时05分，截止 2026-11-24 13:00"
    assert met.explanation("en") == "Met: took 3 h 05 min, due 2026-11-24 13:00"
    tolerated = clock(ClockKind.ONSITE_ARRIVAL, stopped_at=sh("2026-11-24T11:40"), now=REQUESTED)
    assert tolerated.explanation("zh") == (
        "容差内达标：2026-11-24 11:40 到达，目标 2026-11-24 11:00，上限 2026-11-24 12:00"
    )
    late = clock(ClockKind.ONSITE_ARRIVAL, stopped_at=sh("2026-11-24T12:10"), now=REQUESTED)
    assert late.explanation("zh") == "超时：2026-11-24 12:10 完成，截止 2026-11-24 12:00"
    assert late.explanation("en") == "Breached: done 2026-11-24 12:10, due 2026-11-24 12:00"


def test_explanation_of_a_running_breached_clock():
    result = clock(ClockKind.LETTER_ANSWER, now=sh("2026-11-26T09:00"))
    assert result.explanation("zh") == "超时：截止 2026-11-25 12:00 已过"
    assert result.explanation("en") == "Breached: 2026-11-25 12:00 has passed"
