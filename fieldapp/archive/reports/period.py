"""Report periods: local (Asia/Shanghai) calendar days, inclusive, turned into UTC bounds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fieldapp.base.errors import FieldIssue, ValidationError
from fieldapp.base.timeutil import DEFAULT_TIMEZONE


@dataclass(frozen=True)
class Period:
    start: date  # first day
    end: date  # last day, inclusive
    timezone: str = DEFAULT_TIMEZONE

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError([FieldIssue(
                "period_end", "before_start", "报告期结束日期不能早于开始日期。",
                "The period cannot end before it starts.")])

    @property
    def start_utc(self) -> datetime:
        return datetime.combine(self.start, time(), ZoneInfo(self.timezone))

    @property
    def end_utc(self) -> datetime:
        """The first moment after the period (exclusive bound)."""
        return datetime.combine(self.end + timedelta(days=1), time(), ZoneInfo(self.timezone))

    def months(self) -> list[str]:
        out, day = [], self.start.replace(day=1)
        while day <= self.end:
            out.append(day.strftime("%Y-%m"))
            day = (day + timedelta(days=32)).replace(day=1)
        return out


def quarter_of(day: date) -> Period:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return Period(first, _month_end(first, 3))


def half_of(day: date) -> Period:
    first = date(day.year, 1 if day.month <= 6 else 7, 1)
    return Period(first, _month_end(first, 6))


def year_of(day: date) -> Period:
    return Period(date(day.year, 1, 1), date(day.year, 12, 31))


def _month_end(first: date, months: int) -> date:
    month = first.month + months
    year = first.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1) - timedelta(days=1)
