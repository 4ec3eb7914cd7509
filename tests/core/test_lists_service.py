"""The main window's lists through `fieldapp.services.lists`: pages, counts, my work."""

from __future__ import annotations

from datetime import timedelta

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
