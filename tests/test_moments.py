"""The moments `any_moment` tests run at are what tests/conftest.py says they are, and a
marked test really runs there: the clock, the core's `utcnow` and the store's defaults."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from pathlib import Path

import pytest

from fieldapp.base.timeutil import to_local, utcnow
from fieldapp.records import reference
from fieldapp.sla.calendar import ServiceCalendar
from fieldapp.store import open_store
from tests.conftest import MOMENTS


def test_each_moment_is_the_day_it_is_named_for() -> None:
    workday = ServiceCalendar().is_working_day
    assert MOMENTS["wednesday"].weekday() == 2 and workday(MOMENTS["wednesday"].date())
    assert MOMENTS["sunday"].weekday() == 6 and not workday(MOMENTS["sunday"].date())
    saturday = MOMENTS["saturday_2359"]
    assert saturday.weekday() == 5 and (saturday + timedelta(minutes=1)).date().weekday() == 6
    eve = MOMENTS["national_day_eve"]
    assert eve.date() == date(2026, 9, 30) and eve.hour >= 18 and workday(eve.date())
    assert not any(workday(date(2026, 10, d)) for d in range(1, 8)) and workday(date(2026, 10, 8))
    makeup = MOMENTS["makeup_workday"]
    assert makeup.weekday() >= 5 and workday(makeup.date())  # 调休: a weekend day worked
    new_year = MOMENTS["new_year_utc_eve"]
    assert new_year.date() == date(2027, 1, 1)
    assert new_year.astimezone(UTC).date() == date(2026, 12, 31)


@pytest.mark.any_moment
def test_a_marked_test_runs_at_its_moment(frozen_moment, tmp_path: Path) -> None:
    assert frozen_moment is not None
    assert timedelta(0) <= utcnow() - frozen_moment < timedelta(minutes=1)
    store = open_store(tmp_path)
    try:
        with store.write() as session:
            engineer = reference.create_engineer(session, code="E01", name="刘洋")
            session.flush()
            created = engineer.created_at
    finally:
        store.close()
    assert timedelta(0) <= created - frozen_moment < timedelta(minutes=1)
    assert to_local(created).date() in {frozen_moment.date(),
                                        frozen_moment.date() + timedelta(days=1)}

