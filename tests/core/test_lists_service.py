"""The main window's lists through `fieldapp.services.lists`: pages, counts, my work."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fieldapp.reads.queries import RequestFilter, SlipFilter
from fieldapp.records import reference, service_requests
from fieldapp.services import lists
from tests.core.conftest import REQUESTED


def _second_request(store, world, engineer_code: str | None):  # type: ignore[no-untyped-def]
    with store.write() as session:
        customer = reference.create_customer(session, code="TJU", name="天津大学网络中心")
        engineer = (reference.engineer_by_code(session, engineer_code)
                    if engineer_code else None)
        service_requests.take_request(
            session, operator_code="C01", customer=customer, channel="phone",
            fault_reported="机房空调告警", requested_at=REQUESTED + timedelta(hours=1),
            answered_at=REQUESTED + timedelta(hours=1, minutes=5), contact_name="周老师",
            engineer=engineer, now=REQUESTED + timedelta(hours=1))


def test_open_requests_come_with_the_inputs_of_their_sla_clocks(store, world):  # type: ignore[no-untyped-def]
    _second_request(store, world, None)
    items = lists.open_requests(store, RequestFilter())
    assert {i.number for i in items} == {world.request_number, items[0].number}
    assert len(items) == 2 and all(i.sla is not None for i in items)
    assert lists.count_open_requests(store, RequestFilter()) == 2


def test_my_work_is_the_requests_assigned_to_me(store, world):  # type: ignore[no-untyped-def]
    _second_request(store, world, None)
    mine = lists.open_requests(store, RequestFilter(), engineer_code="E07")
    assert [i.number for i in mine] == [world.request_number]
    assert lists.count_open_requests(store, RequestFilter(), engineer_code="E07") == 1


def test_my_work_of_an_unknown_engineer_lists_nothing_not_everything(store, world):  # type: ignore[no-untyped-def]
    assert lists.open_requests(store, RequestFilter(), engineer_code="E99") == []
    assert lists.count_slips(store, SlipFilter(), engineer_code="E99") == 0


def test_slips_are_paged_newest_first_and_counted(store, world, sealed_number):  # type: ignore[no-untyped-def]
    first = lists.slips(store, SlipFilter(), offset=0, limit=1)
    assert [r.number for r in first] == [sealed_number] and first[0].status == "sealed"
    assert lists.slips(store, SlipFilter(), offset=1, limit=1) == []
    assert lists.count_slips(store, SlipFilter(status="draft")) == 0
    assert lists.count_slips(store, SlipFilter(), engineer_code="E07") == 1


# -- the filter bar's date ranges (local midnight in the settings' zone) -------------------

def test_today_starts_at_local_midnight_not_utc_midnight():
    """00:30 in Tianjin is still the day before in UTC: today is the local one."""
    from datetime import UTC, datetime

    now = datetime(2026, 11, 24, 16, 30, tzinfo=UTC)  # 2026-11-25 00:30 in Tianjin
    start = lists.today_start("Asia/Shanghai", now=now)
    assert start.isoformat() == "2026-11-25T00:00:00+08:00"


@pytest.mark.parametrize(("date_range", "first_day"), [
    ("today", "2026-11-25"), ("week", "2026-11-19"), ("month", "2026-10-27")])
def test_a_date_range_starts_that_many_local_days_back(date_range, first_day):
    from datetime import UTC, datetime

    now = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # 11:00 in Tianjin
    start = lists.since(date_range, "Asia/Shanghai", now=now)
    assert start is not None and start.isoformat() == f"{first_day}T00:00:00+08:00"


def test_all_dates_or_an_unknown_range_filter_nothing():
    assert lists.since("all", "Asia/Shanghai") is None
    assert lists.since("fortnight", "Asia/Shanghai") is None
    assert lists.DATE_RANGES == ("all", "today", "week", "month")
