"""Short bilingual renderings of durations and moments for SLA explanations."""

from __future__ import annotations

from datetime import datetime, timedelta

from fieldapp.base.i18n import Language, pick
from fieldapp.base.timeutil import format_local


def format_duration(value: timedelta, language: Language | None = None) -> str:
    """'2小时05分' / '2 h 05 min'; seconds only when present (they matter for a 5-minute call)."""
    sign = "-" if value < timedelta(0) else ""
    total = int(abs(value).total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if seconds:
        zh = (
            f"{hours}小时{minutes:02d}分{seconds:02d}秒" if hours else f"{minutes}分{seconds:02d}秒"
        )
        en = (
            f"{hours} h {minutes:02d} min {seconds:02d} s"
            if hours
            else f"{minutes} min {seconds:02d} s"
        )
    elif hours:
        zh = f"{hours}小时{minutes:02d}分" if minutes else f"{hours}小时"
        en = f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"
    else:
        zh, en = f"{minutes}分钟", f"{minutes} min"
    return sign + pick(zh, en, language)


def format_moment(value: datetime | None, tz: str) -> str:
    """Local wall-clock time in the calendar's zone, as the customer reads it."""
    return format_local(value, tz)
