"""UTC times on SQLite: stored as the dialect's DATETIME text of the UTC instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import DateTime
from sqlalchemy.dialects import sqlite

from fieldapp.store.types import UTCDateTime

DIALECT = sqlite.dialect()
BEIJING = timezone(timedelta(hours=8))
MOMENTS = [
    datetime(2026, 12, 2, 10, 0, tzinfo=BEIJING),  # midnight-crossing offset, no microseconds
    datetime(2026, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    datetime(2026, 1, 1, 7, 30, 0, 1, tzinfo=BEIJING),  # the UTC date is the day before
    datetime(999, 3, 4, 5, 6, 7, tzinfo=UTC),  # a year of three digits
]


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_sqlite_gets_the_same_text_as_the_dialects_own_formatter(moment: datetime) -> None:
    ours = UTCDateTime().dialect_impl(DIALECT).bind_processor(DIALECT)
    theirs = DateTime().dialect_impl(DIALECT).bind_processor(DIALECT)
    naive_utc = moment.astimezone(UTC).replace(tzinfo=None)
    assert ours(moment) == theirs(naive_utc)
    assert ours(None) is None


def test_a_naive_time_is_refused() -> None:
    process = UTCDateTime().dialect_impl(DIALECT).bind_processor(DIALECT)
    with pytest.raises(ValueError, match="naive datetime"):
        process(datetime(2026, 12, 2, 10, 0))
