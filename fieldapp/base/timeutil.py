"""Time is evidence: aware UTC inside, local time (Asia/Shanghai by default) on screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"
# How far in the future a typed time may lie before it is refused (laptop clocks drift).
FUTURE_SKEW = timedelta(minutes=5)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def as_utc(moment: datetime, assume_tz: str = DEFAULT_TIMEZONE) -> datetime:
    """Aware UTC; a naive time is read as local time in `assume_tz` (what a user typed)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(assume_tz))
    return moment.astimezone(UTC)


def to_local(moment: datetime, tz: str = DEFAULT_TIMEZONE) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


def format_local(moment: datetime | None, tz: str = DEFAULT_TIMEZONE) -> str:
    if moment is None:
        return ""
    return to_local(moment, tz).strftime("%Y-%m-%d %H:%M")


def parse_local(text: str, tz: str = DEFAULT_TIMEZONE) -> datetime:
    """Parse 'YYYY-MM-DD HH:MM[:SS]' or ISO 8601 (with offset) into aware UTC."""
    text = text.strip().replace("T", " ")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"not a time: {text!r}") from exc
    return as_utc(moment, tz)


def iso_utc(moment: datetime) -> str:
    """Canonical text of a moment: UTC, seconds precision, 'Z' suffix."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
