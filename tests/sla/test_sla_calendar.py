"""ServiceCalendar: which days and hours count as service time, in Asia/Shanghai.

Dates are real: 2026-11-20 is a Friday, 2026-10-01..07 is the National Day holiday, and
2026-10-10 (a Saturday) is a 调休 working day in exchange.
"""

from __future__ import annotations

import json
import time as wallclock
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from fieldapp.sla import ServiceCalendar, format_hours, parse_hours

SH = ZoneInfo("Asia/Shanghai")
OFFICE = ServiceCalendar()  # 09:00-18:00 on China's working days
LUNCH = ServiceCalendar(hours=parse_hours("08:30-12:00,13:00-17:30"))


def sh(text: str) -> datetime:
    """A Beijing wall-clock time, as the service desk writes it."""
    return datetime.fromisoformat(text).replace(tzinfo=SH)


# --- the source: chinesecalendar ---------------------------------------------------------


def test_source_knows_the_tiaoxiu_saturday_after_national_day_2026():
    # Checked first: the whole 调休 handling rests on the package saying this.
    assert date(2026, 10, 10).weekday() == 5
    assert chinese_calendar.is_workday(date(2026, 10, 10)) is True


@pytest.mark.parametrize("day", [date(2026, 10, d) for d in range(1, 8)])
def test_national_day_golden_week_is_not_a_working_day(day):
    assert not OFFICE.is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [date(2026, 9, 20), date(2026, 10, 10), date(2026, 2, 14), date(2026, 2, 28)],
    ids=["sun-0920-national-day", "sat-1010-national-day", "sat-0214-spring", "sat-0228-spring"],
)
def test_weekend_days_made_working_days_in_exchange_are_working_days(day):
    assert day.weekday() >= 5
    assert OFFICE.is_working_day(day)


def test_ordinary_weekdays_and_weekends():
    assert OFFICE.is_working_day(date(2026, 11, 20))  # Friday
    assert not OFFICE.is_working_day(date(2026, 11, 21))  # Saturday
    assert not OFFICE.is_working_day(date(2026, 11, 22))  # Sunday
    assert OFFICE.is_working_day(date(2026, 11, 23))  # Monday


def test_mid_autumn_festival_friday_is_a_holiday():
    assert date(2026, 9, 25).weekday() == 4
    assert not OFFICE.is_working_day(date(2026, 9, 25))


def test_years_the_source_knows_are_covered():
    assert OFFICE.covered_by_source(date(2026, 10, 10))
    assert OFFICE.covered_by_source(date(2004, 1, 1))


@pytest.mark.parametrize("year", [2003, 2099])
def test_years_outside_the_source_fall_back_to_monday_to_friday(year):
    days = [date(year, 10, 1) + timedelta(days=n) for n in range(14)]
    for day in days:
        assert not OFFICE.covered_by_source(day)
        assert OFFICE.is_working_day(day) == (day.weekday() < 5), day


def test_fallback_counts_service_time_mon_to_fri():
    # 2099-10-02 is a Friday: 1 h left that day, the weekend skipped, 1 h on Monday.
    assert date(2099, 10, 2).weekday() == 4
    deadline = OFFICE.add_working_time(sh("2099-10-02T17:00"), timedelta(hours=2))
    assert deadline == sh("2099-10-05T10:00")


def _first_uncovered_year() -> int:
    year = 2026
    while OFFICE.covered_by_source(date(year, 1, 1)):
        year += 1
    return year


def test_span_reaching_into_an_unpublished_year_is_not_covered():
    # Every December the next year's schedule may still be missing: the UI must warn then.
    year = _first_uncovered_year()
    assert OFFICE.covered_between(sh(f"{year - 1}-12-01T09:00"), sh(f"{year - 1}-12-31T18:00"))
    assert not OFFICE.covered_between(sh(f"{year - 1}-12-31T16:00"), sh(f"{year}-01-01T11:00"))


def test_seven_by_twenty_four_is_covered_whatever_the_year():
    assert ServiceCalendar(always_open=True).covered_between(
        sh("2099-12-31T16:00"), sh("2100-01-01T11:00")
    )


# --- when the clock starts: requests outside hours --------------------------------------


def test_request_before_opening_counts_from_the_opening():
    assert OFFICE.add_working_time(sh("2026-11-24T07:30"), timedelta(hours=2)) == sh(
        "2026-11-24T11:00"
    )


def test_request_during_lunch_break_counts_from_the_afternoon_opening():
    assert LUNCH.add_working_time(sh("2026-11-24T12:20"), timedelta(hours=2)) == sh(
        "2026-11-24T15:00"
    )


def test_lunch_break_does_not_count():
    # 1 h before lunch, 1 h after it.
    assert LUNCH.add_working_time(sh("2026-11-24T11:00"), timedelta(hours=2)) == sh(
        "2026-11-24T14:00"
    )
    assert LUNCH.working_time_between(sh("2026-11-24T11:00"), sh("2026-11-24T14:00")) == (
        timedelta(hours=2)
    )


def test_request_after_closing_counts_from_next_morning():
    assert OFFICE.add_working_time(sh("2026-11-24T19:45"), timedelta(hours=2)) == sh(
        "2026-11-25T11:00"
    )


def test_request_on_friday_evening_counts_from_monday_opening():
    assert OFFICE.add_working_time(sh("2026-11-20T19:00"), timedelta(hours=2)) == sh(
        "2026-11-23T11:00"
    )


def test_request_on_friday_afternoon_carries_the_rest_over_the_weekend():
    # 4-hour repair: 1 h on Friday, 3 h on Monday.
    assert OFFICE.add_working_time(sh("2026-11-20T17:00"), timedelta(hours=4)) == sh(
        "2026-11-23T12:00"
    )


def test_request_on_the_eve_of_national_day_waits_for_the_golden_week_to_end():
    # 2026-09-30 17:00, 4 h: 1 h that evening, Oct 1-7 off, then 3 h on Thursday Oct 8.
    start = sh("2026-09-30T17:00")
    deadline = OFFICE.add_working_time(start, timedelta(hours=4))
    assert deadline == sh("2026-10-08T12:00")
    assert OFFICE.working_time_between(start, deadline) == timedelta(hours=4)


def test_call_on_the_evening_before_national_day_is_due_when_the_desk_reopens():
    assert OFFICE.add_working_time(sh("2026-09-30T20:00"), timedelta(minutes=5)) == sh(
        "2026-10-08T09:05"
    )


def test_request_on_friday_before_the_tiaoxiu_saturday_continues_on_saturday():
    assert OFFICE.add_working_time(sh("2026-10-09T17:00"), timedelta(hours=2)) == sh(
        "2026-10-10T10:00"
    )


def test_request_on_the_tiaoxiu_saturday_is_served_that_saturday():
    assert OFFICE.add_working_time(sh("2026-10-10T10:00"), timedelta(hours=2)) == sh(
        "2026-10-10T12:00"
    )


def test_request_late_on_the_tiaoxiu_saturday_skips_sunday():
    assert OFFICE.add_working_time(sh("2026-10-10T17:00"), timedelta(hours=4)) == sh(
        "2026-10-12T12:00"
    )


def test_deadline_is_the_earliest_moment_so_a_full_day_ends_at_closing_not_next_opening():
    assert OFFICE.add_working_time(sh("2026-11-24T09:00"), timedelta(hours=9)) == sh(
        "2026-11-24T18:00"
    )


def test_zero_duration_is_due_at_once():
    assert OFFICE.add_working_time(sh("2026-11-21T03:00"), timedelta(0)) == sh("2026-11-21T03:00")


def test_negative_duration_is_refused():
    with pytest.raises(ValueError, match="negative"):
        OFFICE.add_working_time(sh("2026-11-24T09:00"), timedelta(minutes=-1))


# --- elapsed service time -----------------------------------------------------------------


def test_elapsed_time_skips_nights_and_weekends():
    # Friday 17:00 -> Monday 10:00: 1 h + 1 h.
    assert OFFICE.working_time_between(sh("2026-11-20T17:00"), sh("2026-11-23T10:00")) == (
        timedelta(hours=2)
    )


def test_elapsed_time_entirely_outside_hours_is_zero():
    assert OFFICE.working_time_between(sh("2026-11-24T18:00"), sh("2026-11-25T09:00")) == (
        timedelta(0)
    )
    assert OFFICE.working_time_between(sh("2026-10-01T00:00"), sh("2026-10-07T23:59")) == (
        timedelta(0)
    )


def test_end_before_start_gives_zero():
    assert OFFICE.working_time_between(sh("2026-11-24T15:00"), sh("2026-11-24T10:00")) == (
        timedelta(0)
    )


def test_a_whole_year_matches_the_sources_working_day_count_and_is_quick():
    workdays = chinese_calendar.get_workdays(date(2026, 1, 1), date(2026, 12, 31))
    started = wallclock.perf_counter()
    total = OFFICE.working_time_between(sh("2026-01-01T00:00"), sh("2027-01-01T00:00"))
    # Day by day, not minute by minute: generous bound so a loaded CI machine still passes.
    assert wallclock.perf_counter() - started < 2.0
    assert total == len(workdays) * timedelta(hours=9)
    last = OFFICE.add_working_time(sh("2026-01-01T00:00"), total)
    assert last == datetime.combine(workdays[-1], time(18), tzinfo=SH)


# --- time zones ----------------------------------------------------------------------------


def test_moments_in_other_zones_are_read_in_the_calendar_zone_and_returned_as_utc():
    utc_start = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
    deadline = OFFICE.add_working_time(utc_start, timedelta(hours=2))
    assert deadline.tzinfo is UTC
    assert deadline == datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    berlin_start = datetime(2026, 11, 24, 2, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert OFFICE.add_working_time(berlin_start, timedelta(hours=2)) == sh("2026-11-24T11:00")


def test_a_utc_evening_can_already_be_the_next_working_morning_in_beijing():
    # Monday 23:30 UTC is Tuesday 07:30 in Beijing: counting starts at Tuesday's opening.
    start = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    assert OFFICE.add_working_time(start, timedelta(hours=1)) == sh("2026-11-24T10:00")


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        OFFICE.working_time_between(datetime(2026, 11, 24, 9), sh("2026-11-24T10:00"))
    with pytest.raises(ValueError, match="timezone-aware"):
        OFFICE.add_working_time(datetime(2026, 11, 24, 9), timedelta(hours=1))


def test_calendar_in_another_zone_uses_that_zones_office_hours():
    urumqi = ServiceCalendar(timezone="Asia/Urumqi")  # UTC+6: opens 11:00 Beijing time
    assert urumqi.add_working_time(sh("2026-11-24T09:00"), timedelta(hours=1)) == sh(
        "2026-11-24T12:00"
    )


# --- per-contract overrides ----------------------------------------------------------------


def test_extra_holiday_is_skipped():
    calendar = ServiceCalendar(extra_holidays=frozenset({date(2026, 11, 24)}))
    assert not calendar.is_working_day(date(2026, 11, 24))
    assert calendar.add_working_time(sh("2026-11-23T17:00"), timedelta(hours=2)) == sh(
        "2026-11-25T10:00"
    )


def test_extra_workday_on_a_weekend_counts():
    calendar = ServiceCalendar(extra_workdays=frozenset({date(2026, 11, 28)}))
    assert calendar.is_working_day(date(2026, 11, 28))
    assert calendar.add_working_time(sh("2026-11-27T17:00"), timedelta(hours=2)) == sh(
        "2026-11-28T10:00"
    )


def test_overrides_win_over_the_source():
    calendar = ServiceCalendar(
        extra_workdays=frozenset({date(2026, 10, 1)}),
        extra_holidays=frozenset({date(2026, 10, 10)}),
    )
    assert calendar.is_working_day(date(2026, 10, 1))  # National Day, yet staffed
    assert not calendar.is_working_day(date(2026, 10, 10))  # 调休 Saturday, yet off


def test_overrides_also_apply_outside_the_sources_years():
    calendar = ServiceCalendar(extra_holidays=frozenset({date(2099, 10, 1)}))
    assert not calendar.is_working_day(date(2099, 10, 1))  # a Thursday


def test_a_day_cannot_be_both_extra_holiday_and_extra_workday():
    day = date(2026, 11, 24)
    with pytest.raises(ValueError, match="both"):
        ServiceCalendar(extra_holidays=frozenset({day}), extra_workdays=frozenset({day}))


# --- 7x24 and round-the-clock hours --------------------------------------------------------


def test_seven_by_twenty_four_counts_every_moment_even_on_holidays():
    calendar = ServiceCalendar(always_open=True)
    assert calendar.is_working_day(date(2026, 10, 3))
    start = sh("2026-10-03T02:00")
    assert calendar.add_working_time(start, timedelta(hours=2)) == sh("2026-10-03T04:00")
    assert calendar.working_time_between(start, sh("2026-10-08T02:00")) == timedelta(days=5)


def test_seven_by_twenty_four_still_honours_a_contracts_extra_holiday():
    calendar = ServiceCalendar(always_open=True, extra_holidays=frozenset({date(2026, 2, 17)}))
    assert calendar.add_working_time(sh("2026-02-16T23:00"), timedelta(hours=2)) == sh(
        "2026-02-18T01:00"
    )


def test_round_the_clock_on_working_days_only():
    calendar = ServiceCalendar(hours=parse_hours("00:00-24:00"))
    assert calendar.add_working_time(sh("2026-11-20T23:00"), timedelta(hours=2)) == sh(
        "2026-11-23T01:00"
    )


# --- hours text and storage ----------------------------------------------------------------


def test_parse_hours_reads_a_day_with_a_lunch_break():
    assert parse_hours("08:30-12:00,13:00-17:30") == (
        (time(8, 30), time(12)),
        (time(13), time(17, 30)),
    )


def test_parse_hours_accepts_what_a_chinese_ime_types():
    assert parse_hours("8：30～12:00， 13:00－17:30") == parse_hours("08:30-12:00,13:00-17:30")


def test_format_hours_is_the_inverse_of_parse_hours():
    for text in ("08:30-12:00,13:00-17:30", "09:00-18:00", "00:00-24:00", "07:00:30-19:00"):
        assert format_hours(parse_hours(text)) == text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "9-18",
        "09:00",
        "18:00-09:00",
        "09:00-09:00",
        "09:00-13:00,12:00-18:00",
        "13:00-18:00,09:00-12:00",
        "25:00-26:00",
        "09:00-12:61",
        "24:00-24:00",
        "00:00-24:00,09:00-10:00",
    ],
)
def test_parse_hours_refuses_nonsense(text):
    with pytest.raises(ValueError):
        parse_hours(text)


def test_calendar_needs_hours_unless_always_open():
    with pytest.raises(ValueError):
        ServiceCalendar(hours=())
    assert ServiceCalendar(always_open=True, hours=()).always_open


def test_unknown_time_zone_is_refused_up_front():
    with pytest.raises(ValueError, match="time zone"):
        ServiceCalendar(timezone="Asia/Shangai")


def test_calendar_survives_a_json_round_trip():
    calendar = ServiceCalendar(
        hours=parse_hours("08:30-12:00,13:00-24:00"),
        extra_holidays=frozenset({date(2026, 12, 24), date(2026, 11, 24)}),
        extra_workdays=frozenset({date(2026, 11, 28)}),
    )
    data = json.loads(json.dumps(calendar.to_dict()))
    assert data["extra_holidays"] == ["2026-11-24", "2026-12-24"]
    assert data["hours"] == [["08:30", "12:00"], ["13:00", "24:00"]]
    assert ServiceCalendar.from_dict(data) == calendar


def test_calendar_from_an_empty_dict_is_the_default_office_calendar():
    assert ServiceCalendar.from_dict({}) == ServiceCalendar()
    assert ServiceCalendar.from_dict({"always_open": True}) == ServiceCalendar(always_open=True)


def test_calendar_accepts_sets_and_lists_and_stays_hashable():
    calendar = ServiceCalendar(
        hours=[(time(9), time(18))],  # type: ignore[arg-type]
        extra_holidays={date(2026, 11, 24)},  # type: ignore[arg-type]
    )
    assert calendar == ServiceCalendar(extra_holidays=frozenset({date(2026, 11, 24)}))
    assert hash(calendar) == hash(ServiceCalendar(extra_holidays=frozenset({date(2026, 11, 24)})))
