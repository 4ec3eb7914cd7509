"""After the setup form: the operator's engineer record, and the demo when asked for."""

from __future__ import annotations

from fieldapp.reads.queries import RequestFilter
from fieldapp.records import reference
from fieldapp.records.service_requests import STATUS_LABELS
from fieldapp.services import lists, setup
from tests.core.conftest import NOW


def test_the_operator_gets_an_engineer_record_once(store):  # type: ignore[no-untyped-def]
    setup.ensure_engineer(store, "E12", "赵磊")
    setup.ensure_engineer(store, "E12", "another name")  # settings saved again: no change
    with store.read() as session:
        engineers = reference.list_engineers(session)
        assert [(e.code, e.name) for e in engineers] == [("E12", "赵磊")]


def test_an_operator_without_a_name_is_known_by_the_code(store):  # type: ignore[no-untyped-def]
    setup.ensure_engineer(store, "E12", "")
    with store.read() as session:
        assert reference.engineer_by_code(session, "E12").name == "E12"


def test_the_demo_is_loaded_once_and_reuses_the_operators_record(store):  # type: ignore[no-untyped-def]
    every_request = RequestFilter(statuses=tuple(STATUS_LABELS))
    setup.prepare_store(store, "E07", "刘洋", demo_data=True, demo_requests=8, now=NOW)
    made = lists.count_open_requests(store, every_request)
    setup.prepare_store(store, "E07", "刘洋", demo_data=True, demo_requests=8, now=NOW)
    assert made == 8 and lists.count_open_requests(store, every_request) == made
    with store.read() as session:
        assert reference.engineer_by_code(session, "E07").name == "刘洋"
