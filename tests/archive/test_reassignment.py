"""A change made at the service centre reaches every laptop that holds the record, the
engineer's a request was taken from included; `fieldapp sync --check` compares what each
side shows of a request (status, assignee), so a divergence is reported, by number
(issue 19, item 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from fieldapp.archive.visibility import DEVICE_HISTORY
from fieldapp.base.timeutil import utcnow
from fieldapp.cli import cli
from fieldapp.records.reference import engineer_by_code
from fieldapp.store.models import ServiceRequest, Slip
from fieldapp.store.workflow_models import Event
from fieldapp.sync.check import check_with_archive
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import fill_demo
from fieldapp.workflows.escalation import reassign_request
from fieldapp.workflows.request_state import derived_request
from tests.archive.test_check import around_the_triggers
from tests.archive.work import dispatch, on_the_command_line, seal_a_slip


def shown_on(store, request_id) -> tuple[str, str | None]:
    with store.read() as session:
        view = derived_request(session, session.get_one(ServiceRequest, request_id))
        return view.status, view.assignee_code


@pytest.fixture
def taken_from_e07(archive, laptops):
    """Staff reassign E07's request to E01 after E07's laptop pulled it."""
    centre = laptops("centre")
    fill_demo(centre.store, requests=4)
    request_id = dispatch(centre.store, "E07")
    assert run_sync_round(centre.store, None, centre.client).ok
    e07 = laptops("e07")
    assert run_sync_round(e07.store, None, e07.client).ok
    assert shown_on(e07.store, request_id) == ("assigned", "E07")
    with centre.store.write() as session:
        reassign_request(session, session.get_one(ServiceRequest, request_id),
                         engineer_by_code(session, "E01"), reason="调度", decided_by="调度员",
                         actor_code="C01", occurred_at=utcnow() - timedelta(minutes=1))
    assert run_sync_round(centre.store, None, centre.client).ok
    return centre, e07, request_id


def test_the_engineer_a_request_was_taken_from_sees_the_reassignment(taken_from_e07):
    _centre, e07, request_id = taken_from_e07
    report = run_sync_round(e07.store, None, e07.client)
    assert report.ok and report.pulled >= 1
    assert shown_on(e07.store, request_id) == ("assigned", "E01")
    check = check_with_archive(e07.store, e07.client)
    assert check.agree, check.lines()


def test_a_cancellation_at_the_centre_reaches_the_engineer_it_was_taken_from(taken_from_e07):
    centre, e07, request_id = taken_from_e07
    with centre.store.write() as session:
        session.get_one(ServiceRequest, request_id).status = "cancelled"
    assert run_sync_round(centre.store, None, centre.client).ok
    assert run_sync_round(e07.store, None, e07.client).ok
    assert shown_on(e07.store, request_id)[0] == "cancelled"


def test_sync_check_reports_a_request_shown_as_someone_elses(taken_from_e07):
    """The old defect, forced: the reassignment missing on E07's laptop."""
    _centre, e07, request_id = taken_from_e07
    assert run_sync_round(e07.store, None, e07.client).ok
    with e07.store.read() as session:
        number = session.get_one(ServiceRequest, request_id).number
        event_id = session.scalar(select(Event.id).where(Event.request_id == request_id,
                                                         Event.kind == "request.reassigned"))
    around_the_triggers(e07.store, "DELETE FROM events WHERE id = :id", id=event_id.hex)
    assert shown_on(e07.store, request_id) == ("assigned", "E07")

    check = check_with_archive(e07.store, e07.client)

    assert not check.agree
    assert check.shown_differently == [{
        "id": str(request_id), "number": number, "laptop_status": "assigned",
        "laptop_assignee": "E07", "archive_status": "assigned", "archive_assignee": "E01"}]
    assert ("not_on_laptop", "events", str(event_id)) in check.problems
    assert check.disagreements == 2


def test_fieldapp_sync_check_names_the_divergence_by_number(archive, taken_from_e07):
    _centre, e07, request_id = taken_from_e07
    data = e07.folder
    on_the_command_line(e07, archive.url)
    # the sync before the check brings the reassignment; then it goes missing here
    runner = CliRunner()
    assert runner.invoke(cli, ["--data-dir", str(data), "sync"]).exit_code == 0
    with e07.store.read() as session:
        number = session.get_one(ServiceRequest, request_id).number
        event_id = session.scalar(select(Event.id).where(Event.request_id == request_id,
                                                         Event.kind == "request.reassigned"))
    around_the_triggers(e07.store, "DELETE FROM events WHERE id = :id", id=event_id.hex)

    result = runner.invoke(cli, ["--data-dir", str(data), "--lang", "en", "sync", "--check"])

    assert result.exit_code == 1
    assert (f"Service request {number}: shown here as assigned, assigned to E07, in the "
            "archive as assigned, assigned to E01") in result.output
    assert f"Event (Service request {number}, …" in result.output
    assert str(request_id) not in result.output and str(event_id) not in result.output
    assert "service_requests" not in result.output and "events " not in result.output


@pytest.fixture
def device_history(archive, laptops):
    """E01 works on a device whose other request, E02's, came to E01's laptop as the
    device's history."""
    centre = laptops("centre")
    fill_demo(centre.store, requests=4)
    other = dispatch(centre.store, "E02")
    mine = dispatch(centre.store, "E01")  # the same customer's first device
    assert run_sync_round(centre.store, None, centre.client).ok
    e01 = laptops("e01")
    assert run_sync_round(e01.store, None, e01.client).ok
    assert shown_on(e01.store, other) == ("assigned", "E02")
    return centre, e01, other, mine


def test_later_changes_to_a_device_history_request_reach_the_laptop(device_history):
    """What a laptop was given as a device's history stays current: the reassignment
    and the new slip of that request arrive like changes of the engineer's own."""
    centre, e01, other, _mine = device_history
    with centre.store.write() as session:
        reassign_request(session, session.get_one(ServiceRequest, other),
                         engineer_by_code(session, "E03"), reason="调度", decided_by="调度员",
                         actor_code="C01", occurred_at=utcnow() - timedelta(minutes=1))
    slip = seal_a_slip(centre.store, other, "E03").id
    assert run_sync_round(centre.store, None, centre.client).ok

    assert run_sync_round(e01.store, None, e01.client).ok

    assert shown_on(e01.store, other) == shown_on(centre.store, other)
    assert shown_on(e01.store, other)[1] == "E03"
    with e01.store.read() as session:
        assert session.get(Slip, slip) is not None
    check = check_with_archive(e01.store, e01.client)
    assert check.agree, check.lines()
    requests = next(t for t in check.tables if t["table"] == "service_requests")
    assert requests["archive"] == requests["same"]  # the history is in scope, and equal


def test_a_request_pushed_out_of_its_devices_window_is_kept_as_it_was(device_history):
    """The precise limit: more than DEVICE_HISTORY newer requests of the device and the
    old one is no longer visible — its later changes stay away, the laptop keeps what it
    had, and the sync check neither confirms nor denies it."""
    centre, e01, other, mine = device_history
    for _ in range(DEVICE_HISTORY):
        dispatch(centre.store, "E02")
    with centre.store.write() as session:
        session.get_one(ServiceRequest, other).status = "cancelled"
    assert run_sync_round(centre.store, None, centre.client).ok

    assert run_sync_round(e01.store, None, e01.client).ok

    assert shown_on(e01.store, other) == ("assigned", "E02")  # as it was
    assert shown_on(e01.store, mine) == ("assigned", "E01")
    assert check_with_archive(e01.store, e01.client).agree
