"""Request lists narrow by every filter the desktop offers, page after page, and count what
they list: the derived status and assignee (escalations, slips) as well as the columns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest

from fieldapp.reads.queries import RequestFilter, RequestRow, count_requests, list_requests
from fieldapp.records import reference
from fieldapp.records.service_requests import OPEN_STATUSES
from fieldapp.store import Store, open_store
from fieldapp.tools.demo import fill_demo
from tests.core.conftest import NOW


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[Store]:  # type: ignore[no-untyped-def]
    store = open_store(tmp_path_factory.mktemp("lists"))
    fill_demo(store, requests=60, now=NOW)
    yield store
    store.close()


def _cases(session) -> list[tuple[str, RequestFilter, Callable[[RequestRow], bool]]]:  # type: ignore[no-untyped-def]
    e07 = reference.engineer_by_code(session, "E07")
    customer = next(c for c in reference.list_customers(session) if c.code == "TJPORT")
    since = NOW - timedelta(days=7)
    return [
        ("open", RequestFilter(statuses=OPEN_STATUSES), lambda r: r.status in OPEN_STATUSES),
        ("assigned", RequestFilter(statuses=("assigned",)), lambda r: r.status == "assigned"),
        ("resolved", RequestFilter(statuses=("resolved",)), lambda r: r.status == "resolved"),
        ("mine", RequestFilter(engineer_id=e07.id), lambda r: r.engineer_code == "E07"),
        ("my open", RequestFilter(statuses=OPEN_STATUSES, engineer_id=e07.id),
         lambda r: r.engineer_code == "E07" and r.status in OPEN_STATUSES),
        ("channel", RequestFilter(channel="onsite"), lambda r: r.channel == "onsite"),
        ("customer", RequestFilter(customer_id=customer.id),
         lambda r: r.customer_name == customer.name),
        ("since", RequestFilter(since=since), lambda r: r.requested_at >= since),
        ("search", RequestFilter(search="打印"), lambda r: "打印" in r.fault_reported
         or "打印" in r.customer_name or "打印" in r.number),
        ("all of them", RequestFilter(statuses=OPEN_STATUSES, engineer_id=e07.id,
                                      channel="onsite", since=since),
         lambda r: r.engineer_code == "E07" and r.status in OPEN_STATUSES
         and r.channel == "onsite" and r.requested_at >= since),
    ]


def test_each_filter_lists_exactly_the_matching_requests_newest_first(demo):
    with demo.read() as session:
        everything = list_requests(session, limit=10_000)
        assert len(everything) == 60
        for name, flt, wanted in _cases(session):
            expected = [r for r in everything if wanted(r)]
            assert expected, name  # the demo has some of each
            assert len(expected) < len(everything), name
            assert list_requests(session, flt, limit=10_000) == expected, name
            assert count_requests(session, flt) == len(expected), name


def test_filtered_pages_follow_on_without_gaps_or_repeats(demo):
    with demo.read() as session:
        for name, flt, _wanted in _cases(session):
            whole = list_requests(session, flt, limit=10_000)
            pages = [row for offset in range(0, len(whole) + 7, 7)
                     for row in list_requests(session, flt, limit=7, offset=offset)]
            assert pages == whole, name


def test_the_command_line_keywords_still_narrow(demo):
    with demo.read() as session:
        e07 = reference.engineer_by_code(session, "E07")
        assert list_requests(session, status="assigned", engineer_id=e07.id, limit=1000) == \
            list_requests(session, RequestFilter(statuses=("assigned",), engineer_id=e07.id),
                          limit=1000)
