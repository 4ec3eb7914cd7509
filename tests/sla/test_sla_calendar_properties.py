"""Properties of service-time arithmetic over random starts, durations and calendars."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.sla import ServiceCalendar, parse_hours

CALENDARS = [
    ServiceCalendar(),
    ServiceCalendar(hours=parse_hours("08:30-12:00,13:00-17:30")),
    ServiceCalendar(hours=parse_hours("00:00-24:00")),
    ServiceCalendar(
        extra_holidays=frozenset({date(2026, 11, 24), date(2026, 12, 31)}),
        extra_workdays=frozenset({date(2026, 10, 3), date(2026, 11, 28)}),
    ),
    ServiceCalendar(always_open=True),
    ServiceCalendar(always_open=True, extra_holidays=frozenset({date(2026, 10, 1)})),
    ServiceCalendar(timezone="UTC", hours=parse_hours("06:00-14:00")),
]
ZONES = [ZoneInfo(name) for name in ("Asia/Shanghai", "UTC", "Europe/Berlin", "America/New_York")]

calendars = st.sampled_from(CALENDARS)
# 2025-2027: the source's last years and the first year it does not know yet (fallback).
starts = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2027, 12, 31),
    timezones=st.sampled_from(ZONES),
).map(lambda moment: moment.replace(microsecond=0))
durations = st.integers(min_value=0, max_value=60 * 24 * 3600).map(
    lambda seconds: timedelta(seconds=seconds)
)
spans = st.integers(min_value=0, max_value=90 * 24 * 3600).map(
    lambda seconds: timedelta(seconds=seconds)
)

PROPERTY = settings(max_examples=300, deadline=None)


def later(start: datetime, span: timedelta) -> datetime:
    # Real elapsed time: `+` on a zoned datetime is wall-clock arithmetic across DST changes.
    return start.astimezone(UTC) + span


@PROPERTY
@given(calendar=calendars, start=starts, duration=durations)
def test_working_time_up_to_the_deadline_is_the_duration(calendar, start, duration):
    deadline = calendar.add_working_time(start, duration)
    assert deadline >= start
    assert calendar.working_time_between(start, deadline) == duration


@PROPERTY
@given(calendar=calendars, start=starts, duration=durations)
def test_deadline_is_the_earliest_such_moment(calendar, start, duration):
    if duration <= timedelta(0):
        return
    deadline = calendar.add_working_time(start, duration)
    one_second = timedelta(seconds=1)
    assert calendar.working_time_between(start, deadline - one_second) == duration - one_second


@PROPERTY
@given(calendar=calendars, start=starts, span=spans)
def test_adding_the_elapsed_working_time_lands_at_or_before_the_end(calendar, start, span):
    end = later(start, span)
    elapsed = calendar.working_time_between(start, end)
    reached = calendar.add_working_time(start, elapsed)
    assert reached <= end
    assert calendar.working_time_between(reached, end) == timedelta(0)


@PROPERTY
@given(calendar=calendars, start=starts, first=spans, second=spans)
def test_working_time_adds_up_over_consecutive_spans(calendar, start, first, second):
    middle, end = later(start, first), later(start, first + second)
    assert calendar.working_time_between(start, end) == (
        calendar.working_time_between(start, middle) + calendar.working_time_between(middle, end)
    )


@PROPERTY
@given(calendar=calendars, start=starts, span=spans)
def test_working_time_never_exceeds_wall_clock_time(calendar, start, span):
    assert timedelta(0) <= calendar.working_time_between(start, later(start, span)) <= span
