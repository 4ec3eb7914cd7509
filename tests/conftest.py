"""Test-wide defaults: Qt offscreen (no display on CI), Chinese as the core language, and
time: no test depends on the real date, weekday or time of day.

A test (or module, `pytestmark`) marked `any_moment` runs once at each of `MOMENTS`, inside
`time_machine.travel(moment, tick=True)`: `datetime.now`, `time.time` and so
`fieldapp.base.timeutil.utcnow`, SQLAlchemy's `default=utcnow` and pytest-qt's waits all see that
moment and time runs on from it. Its function-scoped fixtures are built there too; module
and session fixtures, Qt's own clocks and subprocesses (the archive servers) keep the real
time. `FIELDAPP_TEST_MOMENT=sunday` runs every test, marked or not, at that one moment,
and builds session and module fixtures shortly before it (`session_moment`,
`module_moment`): the way to find tests that depend on today (docs/development.md,
"Time in tests").
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fieldapp.base import collector as pausing
from fieldapp.base.i18n import set_language

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Every test store makes a device key on its first seal (fieldapp.base.device_keys): never in
# the developer's own keyring. Subprocesses (the CLI, the archive) inherit this.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

_TIANJIN = ZoneInfo("Asia/Shanghai")

# The moments, in service-centre time; each one has caught a test that assumed today.
MOMENTS: dict[str, datetime] = {
    # an ordinary working morning, the day a test was most likely written on
    "wednesday": datetime(2026, 12, 2, 10, 0, tzinfo=_TIANJIN),
    # no service time until Monday 09:00: an SLA clock started now has not begun
    "sunday": datetime(2026, 11, 29, 10, 0, tzinfo=_TIANJIN),
    # a minute before local midnight (15:59 UTC): the local date changes during the test
    "saturday_2359": datetime(2026, 12, 5, 23, 59, tzinfo=_TIANJIN),
    # the evening before the National Day week (10-01 … 10-07 off, next working day 10-08)
    "national_day_eve": datetime(2026, 9, 30, 20, 0, tzinfo=_TIANJIN),
    # a Sunday made a working day in exchange for the National Day week (调休, 2026-09-20)
    "makeup_workday": datetime(2026, 9, 20, 10, 0, tzinfo=_TIANJIN),
    # New Year's Day 00:30 in Tianjin while UTC still says 2026-12-31 16:30; a year that
    # chinesecalendar 1.11 has no schedule for
    "new_year_utc_eve": datetime(2027, 1, 1, 0, 30, tzinfo=_TIANJIN),
}

_MOMENT_ENV = "FIELDAPP_TEST_MOMENT"


def _moment_from_env() -> str | None:
    name = os.environ.get(_MOMENT_ENV, "").strip()
    if name and name not in MOMENTS:
        raise pytest.UsageError(f"{_MOMENT_ENV}={name!r}: not one of {', '.join(MOMENTS)}")
    return name or None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("any_moment") is None:
        return
    chosen = _moment_from_env()
    names = [chosen] if chosen else list(MOMENTS)
    metafunc.parametrize("frozen_moment", names, ids=names, indirect=True)


# Under FIELDAPP_TEST_MOMENT, session and module fixtures (the portal's site with its
# records, a demo store) are built this long before the moment: their records were made
# earlier, never in the future of the tests that read them.
SESSION_LEAD = timedelta(hours=2)
MODULE_LEAD = timedelta(hours=1)


def _travel_before_the_moment(lead: timedelta) -> Iterator[datetime | None]:
    name = _moment_from_env()
    if name is None:
        yield None
        return
    start = MOMENTS[name] - lead
    with time_machine.travel(start.astimezone(UTC), tick=True):
        yield start


@pytest.fixture(scope="session", autouse=True)
def session_moment() -> Iterator[datetime | None]:
    """Under `FIELDAPP_TEST_MOMENT`, session fixtures are built before the moment too
    (autouse: before the others of their scope). Subprocesses keep the real time."""
    yield from _travel_before_the_moment(SESSION_LEAD)


@pytest.fixture(scope="module", autouse=True)
def module_moment(session_moment: datetime | None) -> Iterator[datetime | None]:
    """As `session_moment`, for a module's own fixtures."""
    yield from _travel_before_the_moment(MODULE_LEAD)


@pytest.fixture(autouse=True)
def frozen_moment(request: pytest.FixtureRequest) -> Iterator[datetime | None]:
    """The moment this test runs at (None: the real time, for an unmarked test).

    Passed to time-machine as UTC, so the process's own time zone (TZ) stays as it is."""
    name = getattr(request, "param", None) or _moment_from_env()
    if name is None:
        yield None
        return
    moment = MOMENTS[name]
    with time_machine.travel(moment.astimezone(UTC), tick=True):
        yield moment


@pytest.fixture(autouse=True)
def chinese_by_default() -> Iterator[None]:
    """Every test starts and ends in Chinese, whatever a test before it switched to (a
    `--lang en` command sets the process's language)."""
    set_language("zh")
    yield
    set_language("zh")


def _windows() -> list:  # type: ignore[type-arg]
    """The top-level widgets alive, if this process has Qt's widgets running."""
    widgets = sys.modules.get("PySide6.QtWidgets")
    app = widgets.QApplication.instance() if widgets else None
    return list(app.topLevelWidgets()) if app else []  # type: ignore[union-attr]


@pytest.fixture(autouse=True)
def nothing_left_behind() -> Iterator[None]:
    """Each test's windows are deleted after it, and the garbage collector is as before.

    Left behind, they slowed every later test in the process: 6,000 widgets for Qt to
    walk (a polish, a top-level search) and, once `App.show_main` had frozen them with
    `gc.freeze()`, millions of objects in every later full collection: a test's setup
    took ten seconds instead of under one, and the suite 18.5 minutes instead of 12.8."""
    before = {id(w) for w in _windows()}
    was_on = gc.isenabled()
    yield
    left = [w for w in _windows() if id(w) not in before and w.parentWidget() is None]
    for window in left:
        window.close()
        window.deleteLater()
    if left:
        from PySide6.QtCore import QCoreApplication, QEvent
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.unfreeze()
    if was_on and not pausing.is_paused():
        gc.enable()
