"""Service time: which moments count towards an SLA clock.

A clock runs only while the service desk is open: on working days, inside the contract's
working hours. Working days follow China's statutory holidays *and* the weekend days that
are made working days in exchange (调休), as published each year by the State Council and
packaged in `chinesecalendar`. Per-contract overrides win over that source.

All arithmetic is done on aware UTC datetimes, so durations are real elapsed time; the
calendar's time zone is used only to decide which local day and hour a moment falls on.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import chinese_calendar

from fieldapp.base.timeutil import DEFAULT_TIMEZONE

Hours = tuple[tuple[time, time], ...]

# An interval may end at 24:00; `time` cannot say that, so midnight as an *end* means it.
_MIDNIGHT = time(0)
# A calendar always has working days (overrides are finite), so this only guards bugs.
_MAX_SEARCH_DAYS = 366 * 20


@lru_cache(maxsize=8192)
def _source_workday(day: date) -> bool | None:
    """chinesecalendar's answer, or None for a year it has no schedule for."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


# 全国年节及纪念日放假办法: New Year's Day, Labour Day, National Day (Oct 1–3).
FIXED_DATE_HOLIDAYS = frozenset({(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)})


def require_aware(moment: datetime, name: str) -> datetime:
    # A naive time is ambiguous evidence; the core stores aware UTC, so refuse guessing here.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment!r}")
    return moment.astimezone(UTC)


def _validate_hours(hours: Hours) -> None:
    if not hours:
        raise ValueError("working hours need at least one interval (or use always_open)")
    previous_end: time | None = None
    for index, (start, end) in enumerate(hours):
        ends_at_midnight = end == _MIDNIGHT
        if ends_at_midnight and index != len(hours) - 1:
            raise ValueError("only the last interval may end at 24:00")
        if not ends_at_midnight and end <= start:
            raise ValueError(f"interval {format_hours(((start, end),))} ends before it starts")
        if previous_end is not None and start < previous_end:
            raise ValueError("working-hour intervals must be sorted and must not overlap")
        previous_end = end


def _format_time(value: time, *, is_end: bool = False) -> str:
    if is_end and value == _MIDNIGHT:
        return "24:00"
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def format_hours(hours: Hours) -> str:
    """The inverse of `parse_hours`: "08:30-12:00,13:00-17:30"."""
    return ",".join(f"{_format_time(s)}-{_format_time(e, is_end=True)}" for s, e in hours)


# What a Chinese IME types instead of "," "-" ":".
_IME_PUNCTUATION = str.maketrans("，、；;～~–—－：", ",,,,-----:")
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def _parse_time(text: str) -> time:
    match = _TIME_RE.match(text.strip())
    if match is None:
        raise ValueError(f"not a time of day: {text!r} (expected HH:MM)")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if (hour, minute, second) == (24, 0, 0):
        return _MIDNIGHT
    return time(hour, minute, second)  # raises ValueError for 25:00, 12:61 and the like


def parse_hours(text: str) -> Hours:
    """Parse "08:30-12:00,13:00-17:30" (24:00 allowed as an end) into working intervals.

    Full-width commas, tildes and colons are accepted too.
    """
    normalized = text.translate(_IME_PUNCTUATION)
    hours: list[tuple[time, time]] = []
    for part in normalized.split(","):
        if not part.strip():
            continue
        start_text, sep, end_text = part.partition("-")
        if not sep:
            raise ValueError(
                f"not a working-hour interval: {part.strip()!r} (expected HH:MM-HH:MM)"
            )
        start = _parse_time(start_text)
        if start_text.strip().startswith("24"):
            raise ValueError("an interval cannot start at 24:00")
        hours.append((start, _parse_time(end_text)))
    result = tuple(hours)
    _validate_hours(result)
    return result


@dataclass(frozen=True)
class ServiceCalendar:
    """When service time runs: working days x working hours, in one time zone."""

    timezone: str = DEFAULT_TIMEZONE
    # 7x24 contracts: every day is a working day, open all day (explicit overrides still win).
    always_open: bool = False
    hours: Hours = ((time(9), time(18)),)
    # Per-contract overrides; they win over chinesecalendar and over always_open.
    extra_holidays: frozenset[date] = field(default_factory=frozenset)
    extra_workdays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        try:  # fail early on a typo, not in the middle of computing a deadline
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc
        object.__setattr__(self, "hours", tuple((s, e) for s, e in self.hours))
        object.__setattr__(self, "extra_holidays", frozenset(self.extra_holidays))
        object.__setattr__(self, "extra_workdays", frozenset(self.extra_workdays))
        if not self.always_open:
            _validate_hours(self.hours)
        both = self.extra_holidays & self.extra_workdays
        if both:
            listed = ", ".join(d.isoformat() for d in sorted(both))
            raise ValueError(
                f"a day cannot be both an extra holiday and an extra workday: {listed}"
            )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    # --- days -------------------------------------------------------------------------

    def covered_by_source(self, day: date) -> bool:
        """True when chinesecalendar knows `day`'s year; otherwise Mon–Fri is assumed."""
        return _source_workday(day) is not None

    def covered_between(self, start: datetime, end: datetime) -> bool:
        """True when the source knows every day from `start` to `end` (or does not matter).

        Its years are one unbroken range, so checking both ends is enough.
        """
        if self.always_open:
            return True
        first = self._local_day(require_aware(start, "start"))
        last = self._local_day(require_aware(end, "end"))
        return self.covered_by_source(first) and self.covered_by_source(last)

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        if self.always_open:
            return True
        known = _source_workday(day)
        if known is not None:
            return known
        # Outside the source's years: Mon–Fri minus the holidays fixed by date in the
        # national regulation; the moving ones (Spring Festival …) and 调休 are unknown
        # until the State Council publishes the year, so results say `calendar_covered`.
        return day.weekday() < 5 and (day.month, day.day) not in FIXED_DATE_HOLIDAYS

    def _open_intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The day's opening intervals as UTC moments (none on a day off); remembered per
        calendar and day, since a year of deadlines asks for the same days again and again."""
        return _open_intervals(self, day)

    def _local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    # --- durations --------------------------------------------------------------------

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Service time elapsed from `start` to `end` (zero when end is not after start)."""
        start = require_aware(start, "start")
        end = require_aware(end, "end")
        if end <= start:
            return timedelta(0)
        if self.always_open and not self.extra_holidays:
            return end - start
        total = timedelta(0)
        # One step per calendar day: a span of weeks costs a few dozen iterations.
        day, last_day = self._local_day(start), self._local_day(end)
        while day <= last_day:
            for opens, closes in self._open_intervals(day):
                overlap = min(closes, end) - max(opens, start)
                if overlap > timedelta(0):
                    total += overlap
            day += timedelta(days=1)
        return total

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest moment at which `duration` of service time has elapsed after `start`.

        A request that arrives outside hours starts counting at the next opening. The result
        is aware UTC. A zero duration gives `start` itself.
        """
        start = require_aware(start, "start")
        if duration < timedelta(0):
            raise ValueError(f"duration must not be negative, got {duration}")
        if duration == timedelta(0):
            return start
        if self.always_open and not self.extra_holidays:
            return start + duration
        remaining = duration
        day = self._local_day(start)
        for _ in range(_MAX_SEARCH_DAYS):
            for opens, closes in self._open_intervals(day):
                begin = max(opens, start)
                if closes <= begin:
                    continue
                available = closes - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += timedelta(days=1)
        raise RuntimeError("no service time found within 20 years; check the calendar")

    # --- storage ----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; dates as ISO strings, hours as ["HH:MM", "HH:MM"] pairs."""
        return {
            "timezone": self.timezone,
            "always_open": self.always_open,
            "hours": [[_format_time(s), _format_time(e, is_end=True)] for s, e in self.hours],
            "extra_holidays": sorted(d.isoformat() for d in self.extra_holidays),
            "extra_workdays": sorted(d.isoformat() for d in self.extra_workdays),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ServiceCalendar:
        """Read what `to_dict` wrote; missing keys take the defaults."""
        defaults = cls()
        raw_hours = data.get("hours")
        hours = (
            defaults.hours
            if raw_hours is None
            else tuple((_parse_time(s), _parse_time(e)) for s, e in raw_hours)
        )
        return cls(
            timezone=str(data.get("timezone", defaults.timezone)),
            always_open=bool(data.get("always_open", defaults.always_open)),
            hours=hours,
            extra_holidays=frozenset(date.fromisoformat(d) for d in data.get("extra_holidays", ())),
            extra_workdays=frozenset(date.fromisoformat(d) for d in data.get("extra_workdays", ())),
        )


@functools.lru_cache(maxsize=8192)
def _open_intervals(calendar: ServiceCalendar, day: date) -> tuple[tuple[datetime, datetime], ...]:
    if not calendar.is_working_day(day):
        return ()
    zone = calendar.zone
    hours = ((_MIDNIGHT, _MIDNIGHT),) if calendar.always_open else calendar.hours
    out = []
    for start, end in hours:
        end_day = day + timedelta(days=1) if end == _MIDNIGHT else day
        opens = datetime.combine(day, start, tzinfo=zone).astimezone(UTC)
        closes = datetime.combine(end_day, end, tzinfo=zone).astimezone(UTC)
        if closes > opens:  # a DST gap can swallow an interval; skip it then
            out.append((opens, closes))
    return tuple(out)
