"""A send-in request's 4-hour hardware clock (R1.4) stops when its repair order's does: the
repaired device handed back (repair.returned); a refused repair makes both not applicable.
The request's clocks (lists, the slip, the CLI's `sla`) and the archive's report figures
read the same moment as the repair view (`repair_overview`)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from fieldapp.archive.reports.figures import compute_figures
from fieldapp.archive.reports.period import quarter_of
from fieldapp.records import reference, service_requests
from fieldapp.records.sla_records import request_clocks, request_loaner, sla_inputs_for
from fieldapp.sla import ClockKind, ClockState, clock_of
from fieldapp.store.models import Customer
from fieldapp.workflows import repair
from tests.workflows.conftest import LATER, REQUESTED, at, intake, sig

# The request's and the repair's times are all dated; none may read the wall clock.
pytestmark = pytest.mark.any_moment


def _send_in(store, world) -> str:  # type: ignore[no-untyped-def]
    """A send-in request for the world's printer with its repair order taken in."""
    with store.write() as session:
        customer = session.get(Customer, world.customer_id)
        request = service_requests.take_request(
            session, operator_code="C01", customer=customer, intake_channel="phone",
            service_kind="sendin", fault_reported="打印机主板故障", requested_at=REQUESTED,
            answered_at=at(1), contact_name="孙丽", now=REQUESTED)
        engineer = reference.engineer_by_code(session, "E07")
        repair.open_repair(session, request, engineer, intake(), now=at(160))
        return request.number


def _order(session, number):  # type: ignore[no-untyped-def]
    request = service_requests.get_request(session, number)
    return repair.repairs_for_request(session, request)[0]


def _walk(store, number: str, *, returned: float) -> None:  # type: ignore[no-untyped-def]
    """Estimate, approval, repair and return, the return `returned` minutes after the call."""
    with store.write() as session:
        order = _order(session, number)
        repair.estimate_repair(session, order, cost_fen=38000, expected_ready_at=at(returned),
                               estimated_by="维修部 王强", note="更换主板", actor_code="W01",
                               occurred_at=at(10), now=LATER)
        repair.confirm_repair(session, order, approved=True, method="phone",
                              confirmed_by="孙丽", phone="13900220000", actor_code="C01",
                              occurred_at=at(20), now=LATER)
        repair.start_repair(session, order, technician="王强", actor_code="W01",
                            occurred_at=at(30), now=LATER)
        repair.finish_repair(session, order, work_done="更换主板", actor_code="W01",
                             occurred_at=at(returned - 10), now=LATER)
        repair.return_repair(session, order, final_fee_fen=38000,
                             customer_signature=sig("孙丽", 2), actor_code="E07",
                             occurred_at=at(returned), now=LATER)


def _both_clocks(store, number: str):  # type: ignore[no-untyped-def]
    """(the request's hardware clock, the repair order's own clock) at LATER."""
    with store.read() as session:
        request = service_requests.get_request(session, number)
        mine = clock_of(request_clocks(request, LATER), ClockKind.REPAIR_RESOLUTION)
        theirs = repair.repair_overview(session, _order(session, number), LATER).clock
    assert mine is not None
    return mine, theirs


def test_a_repair_returned_within_four_hours_meets_the_request_clock(store, world):  # type: ignore[no-untyped-def]
    number = _send_in(store, world)
    _walk(store, number, returned=120)
    mine, theirs = _both_clocks(store, number)
    assert mine.state is ClockState.MET and theirs.state is ClockState.MET
    assert (mine.stopped_at, mine.deadline) == (theirs.stopped_at, theirs.deadline) == (
        at(120), theirs.deadline)
    with store.read() as session:
        loaner = request_loaner(service_requests.get_request(session, number), LATER)
    assert not loaner.due  # the device is back


def test_a_repair_returned_late_breaches_the_request_clock(store, world):  # type: ignore[no-untyped-def]
    number = _send_in(store, world)
    _walk(store, number, returned=1500)  # the next day
    mine, theirs = _both_clocks(store, number)
    assert mine.state is ClockState.BREACHED and theirs.state is ClockState.BREACHED
    assert mine.stopped_at == theirs.stopped_at == at(1500)  # stopped, not "open N hours"


def test_a_repaired_device_still_in_the_workshop_keeps_both_clocks_running(store, world):  # type: ignore[no-untyped-def]
    number = _send_in(store, world)
    mine, theirs = _both_clocks(store, number)
    assert mine.stopped_at is None and theirs.stopped_at is None
    assert mine.state is theirs.state is ClockState.BREACHED  # three days on


def test_a_refused_repair_makes_the_request_clock_not_applicable_as_the_repair_s(store, world):  # type: ignore[no-untyped-def]
    number = _send_in(store, world)
    with store.write() as session:
        order = _order(session, number)
        repair.estimate_repair(session, order, cost_fen=38000, expected_ready_at=at(600),
                               estimated_by="维修部 王强", actor_code="W01",
                               occurred_at=at(10), now=LATER)
        repair.confirm_repair(session, order, approved=False, method="phone",
                              confirmed_by="孙丽", phone="13900220000", actor_code="C01",
                              occurred_at=at(20), now=LATER)
        repair.close_refused_repair(session, order, customer_signature=sig("孙丽", 2),
                                    actor_code="E07", occurred_at=at(60), now=LATER)
    mine, theirs = _both_clocks(store, number)
    assert mine.state is theirs.state is ClockState.NOT_APPLICABLE


def test_a_list_page_reads_every_repair_in_one_query(store, world):  # type: ignore[no-untyped-def]
    """sla_inputs_for: the statements do not grow with the page's requests."""
    numbers = [_send_in(store, world) for _ in range(3)]
    _walk(store, numbers[0], returned=120)
    _walk(store, numbers[1], returned=1500)

    def statements(count: int) -> tuple[int, dict]:  # type: ignore[type-arg]
        seen: list[str] = []
        with store.read() as session:
            ids = [service_requests.get_request(session, n).id for n in numbers[:count]]
            engine = session.get_bind()
            listener = lambda *args: seen.append(args[2])  # noqa: E731
            event.listen(engine, "before_cursor_execute", listener)
            try:
                inputs = sla_inputs_for(session, ids)
            finally:
                event.remove(engine, "before_cursor_execute", listener)
        return len(seen), {i: clock_of(inputs[i].clocks(LATER), ClockKind.REPAIR_RESOLUTION)
                           for i in ids}

    one, _ = statements(1)
    three, clocks = statements(3)
    assert one == three
    states = [c.state for c in clocks.values()]
    assert states == [ClockState.MET, ClockState.BREACHED, ClockState.BREACHED]
    assert [c.stopped_at for c in clocks.values()] == [at(120), at(1500), None]


def test_the_report_figures_count_the_returned_repairs(store, world):  # type: ignore[no-untyped-def]
    met, late = _send_in(store, world), _send_in(store, world)
    _walk(store, met, returned=120)
    _walk(store, late, returned=1500)
    with store.read() as session:
        figures = compute_figures(session, world.customer_id, quarter_of(date(2026, 11, 24)), LATER)
    repairs = figures.sla["repair_resolution"]
    assert (repairs["met"], repairs["breached"]) == (1, 1)
    assert figures.sla_open_breached["repair_resolution"] == 0  # both stopped
    assert {w["request"]: w["stopped"] for w in figures.worst
            if w["clock"] == "repair_resolution"} == {late: "stopped"}
