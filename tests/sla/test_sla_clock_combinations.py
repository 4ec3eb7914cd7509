"""Every promise a request carries runs its own clock (issue 17, R1): how it came in
(phone, letter, portal, walk-in, e-mail) and what it asks (on site, remote, send-in, an
answer) each add theirs. Every `now` is given: the clocks are pure."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from fieldapp.sla import (
    Channel,
    ClockKind,
    ClockState,
    IntakeChannel,
    RequestFacts,
    ServiceCalendar,
    ServiceKind,
    SlaTerms,
    clock_of,
    clock_specs,
    clocks_for_request,
    is_hardware,
    legacy_channel,
    loaner_due,
    split_channel,
)

SH = ZoneInfo("Asia/Shanghai")
OFFICE = ServiceCalendar()
TERMS = SlaTerms()


def sh(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


REQUESTED = sh("2026-11-24T09:00")  # a Tuesday morning


def facts(intake: str, kind: str, **kwargs) -> RequestFacts:
    return RequestFacts(intake_channel=intake, service_kind=kind,  # type: ignore[arg-type]
                        requested_at=kwargs.pop("requested_at", REQUESTED), **kwargs)


def clocks(f: RequestFacts, now: str) -> dict[ClockKind, tuple[ClockState, datetime | None]]:
    return {c.kind: (c.state, c.deadline) for c in clocks_for_request(f, TERMS, OFFICE, sh(now))}


# --- which clocks run ---------------------------------------------------------------------


def test_a_phone_call_that_becomes_an_on_site_job_runs_the_answer_and_the_arrival_clock():
    f = facts("phone", "onsite", answered_at=sh("2026-11-24T09:04"),
              first_arrival_at=sh("2026-11-24T10:50"))
    assert clocks(f, "2026-11-24T12:00") == {
        ClockKind.PHONE_ANSWER: (ClockState.MET, sh("2026-11-24T09:05")),
        ClockKind.ONSITE_ARRIVAL: (ClockState.MET, sh("2026-11-24T11:00")),
    }


def test_the_answer_clock_of_an_on_site_call_breaches_on_its_own():
    # picked up after 6 minutes, engineer on time: one promise kept, one broken
    f = facts("phone", "onsite", answered_at=sh("2026-11-24T09:06"),
              first_arrival_at=sh("2026-11-24T10:00"))
    result = clocks(f, "2026-11-24T12:00")
    assert result[ClockKind.PHONE_ANSWER][0] is ClockState.BREACHED
    assert result[ClockKind.ONSITE_ARRIVAL][0] is ClockState.MET


@pytest.mark.parametrize("arrived, state", [
    ("2026-11-24T11:00", ClockState.MET),  # exactly 2 h
    ("2026-11-24T11:01", ClockState.MET_WITHIN_TOLERANCE),
    ("2026-11-24T12:00", ClockState.MET_WITHIN_TOLERANCE),  # exactly the 3 h cap
    ("2026-11-24T12:01", ClockState.BREACHED),
])
def test_the_arrival_boundaries_hold_beside_the_answer_clock(arrived, state):
    f = facts("phone", "onsite", answered_at=sh("2026-11-24T09:01"),
              first_arrival_at=sh(arrived))
    assert clocks(f, "2026-11-24T13:00")[ClockKind.ONSITE_ARRIVAL][0] is state


@pytest.mark.parametrize("intake", ["letter", "email", "portal"])
def test_a_written_request_runs_the_twelve_hour_answer_clock(intake):
    # Friday 15:00: 3 h on Friday, 9 h on Monday -> due Monday 18:00 (as a letter, R1.5)
    f = facts(intake, "answer", requested_at=sh("2026-11-20T15:00"),
              answered_at=sh("2026-11-23T18:00"))
    assert clocks(f, "2026-11-24T09:00") == {
        ClockKind.LETTER_ANSWER: (ClockState.MET, sh("2026-11-23T18:00"))}


def test_a_portal_request_for_an_on_site_visit_runs_the_letter_and_the_arrival_clock():
    f = facts("portal", "onsite")
    result = clocks(f, "2026-11-24T10:00")
    assert list(result) == [ClockKind.LETTER_ANSWER, ClockKind.ONSITE_ARRIVAL]
    assert result[ClockKind.LETTER_ANSWER] == (ClockState.ON_TRACK, sh("2026-11-25T12:00"))
    assert result[ClockKind.ONSITE_ARRIVAL] == (ClockState.ON_TRACK, sh("2026-11-24T11:00"))


def test_on_site_hardware_runs_the_four_hour_repair_clock_until_solved():
    f = facts("phone", "onsite", hardware_fault=True, answered_at=sh("2026-11-24T09:02"),
              first_arrival_at=sh("2026-11-24T10:30"), solved_at=sh("2026-11-24T13:30"))
    result = clocks(f, "2026-11-24T15:00")
    assert list(result) == [ClockKind.PHONE_ANSWER, ClockKind.ONSITE_ARRIVAL,
                            ClockKind.REPAIR_RESOLUTION]
    assert result[ClockKind.REPAIR_RESOLUTION] == (ClockState.BREACHED, sh("2026-11-24T13:00"))


def test_on_site_hardware_solved_exactly_at_four_hours_is_met():
    f = facts("phone", "onsite", hardware_fault=True, answered_at=sh("2026-11-24T09:02"),
              first_arrival_at=sh("2026-11-24T10:30"), solved_at=sh("2026-11-24T13:00"))
    assert clocks(f, "2026-11-24T15:00")[ClockKind.REPAIR_RESOLUTION][0] is ClockState.MET


def test_send_in_hardware_runs_the_answer_and_the_repair_clock_until_returned():
    f = facts("phone", "sendin", answered_at=sh("2026-11-24T09:01"),
              solved_at=sh("2026-11-24T12:00"), device_returned_at=sh("2026-11-24T13:30"))
    result = clocks(f, "2026-11-24T15:00")
    assert list(result) == [ClockKind.PHONE_ANSWER, ClockKind.REPAIR_RESOLUTION]
    repair = clock_of(clocks_for_request(f, TERMS, OFFICE, sh("2026-11-24T15:00")),
                      ClockKind.REPAIR_RESOLUTION)
    assert repair is not None and repair.stopped_at == sh("2026-11-24T13:30")
    assert repair.state is ClockState.BREACHED  # the return, not the workshop, counts


def test_send_in_is_hardware_whatever_the_flag_says():
    assert is_hardware("sendin", False) and is_hardware("onsite", True)
    assert not is_hardware("onsite", False) and not is_hardware("remote", True)
    assert not is_hardware("answer", True)


def test_out_of_the_city_neither_arrival_nor_on_site_repair_is_promised():
    f = facts("phone", "onsite", hardware_fault=True, in_city=False,
              answered_at=sh("2026-11-24T09:02"))
    result = clocks_for_request(f, TERMS, OFFICE, sh("2026-11-26T09:00"))
    assert [(c.kind, c.state) for c in result] == [
        (ClockKind.PHONE_ANSWER, ClockState.MET),
        (ClockKind.ONSITE_ARRIVAL, ClockState.NOT_APPLICABLE),
        (ClockKind.REPAIR_RESOLUTION, ClockState.NOT_APPLICABLE)]
    assert "市外" in result[1].explanation("zh") and "Outside the city" in result[2].explanation(
        "en")
    decision = loaner_due(f, SlaTerms(loaner_entitled=True), OFFICE, sh("2026-11-26T09:00"))
    assert not decision.due and "市外" in decision.reason("zh")


def test_out_of_the_city_a_send_in_repair_still_runs():
    f = facts("phone", "sendin", in_city=False, answered_at=sh("2026-11-24T09:02"))
    assert clocks(f, "2026-11-24T10:00")[ClockKind.REPAIR_RESOLUTION][0] is ClockState.ON_TRACK


def test_a_remote_job_runs_thirty_minutes_and_no_repair_clock_even_for_hardware():
    f = facts("email", "remote", hardware_fault=True, answered_at=sh("2026-11-24T09:30"),
              solved_at=sh("2026-11-24T09:30"))
    assert clocks(f, "2026-11-24T10:00") == {
        ClockKind.LETTER_ANSWER: (ClockState.MET, sh("2026-11-25T12:00")),  # 9 h + 3 h
        ClockKind.REMOTE_RESOLUTION: (ClockState.MET, sh("2026-11-24T09:30")),
    }


def test_a_walk_in_is_answered_in_person_and_runs_only_the_service_clocks():
    assert clocks(facts("walk_in", "answer"), "2026-11-24T12:00") == {}
    assert list(clocks(facts("walk_in", "onsite"), "2026-11-24T10:00")) == [
        ClockKind.ONSITE_ARRIVAL]


def test_an_answer_never_recorded_on_work_that_went_on_is_not_counted_as_breached():
    # requests taken before the intake channel existed recorded no answer for on-site work
    f = facts("phone", "onsite", first_arrival_at=sh("2026-11-24T10:00"))
    answer = clocks_for_request(f, TERMS, OFFICE, sh("2026-11-24T12:00"))[0]
    assert answer.kind is ClockKind.PHONE_ANSWER and answer.state is ClockState.NOT_APPLICABLE
    assert answer.explanation("en") == "The answer time was not recorded"


def test_an_unanswered_call_still_running_breaches_after_five_minutes():
    f = facts("phone", "onsite")
    assert clocks(f, "2026-11-24T09:06")[ClockKind.PHONE_ANSWER][0] is ClockState.BREACHED


# --- the loaner follows the hardware -------------------------------------------------------


def test_on_site_hardware_owes_a_loaner_when_the_repair_is_at_risk():
    f = facts("phone", "onsite", hardware_fault=True, is_group_customer=True,
              first_arrival_at=sh("2026-11-24T10:00"))
    decision = loaner_due(f, TERMS, OFFICE, sh("2026-11-24T12:30"))
    assert decision.entitled and decision.due
    assert "应提供同档次备机" in decision.reason("zh")


def test_on_site_hardware_repaired_needs_no_loaner():
    f = facts("phone", "onsite", hardware_fault=True, is_group_customer=True,
              solved_at=sh("2026-11-24T12:00"))
    assert not loaner_due(f, TERMS, OFFICE, sh("2026-11-24T14:00")).due


def test_on_site_software_work_owes_no_loaner():
    f = facts("phone", "onsite", is_group_customer=True)
    decision = loaner_due(f, TERMS, OFFICE, sh("2026-11-25T09:00"))
    assert not decision.due and decision.reason("en") == "Loaners are for hardware repairs"


# --- the old single channel -----------------------------------------------------------------


@pytest.mark.parametrize("channel, pair", [
    ("phone", ("phone", "answer")), ("onsite", ("phone", "onsite")),
    ("remote", ("phone", "remote")), ("sendin", ("phone", "sendin")),
    ("letter", ("letter", "answer")), ("portal", ("portal", "answer")),
])
def test_each_old_channel_maps_to_both_fields_and_back(channel, pair):
    assert split_channel(channel) == pair
    assert legacy_channel(*pair) == channel
    old = RequestFacts(channel, REQUESTED)  # type: ignore[arg-type]
    assert (old.intake_channel, old.service_kind) == pair


@pytest.mark.parametrize("intake, channel", [
    ("walk_in", "phone"), ("email", "letter"), ("portal", "portal")])
def test_new_answer_requests_have_an_old_channel_an_older_reader_understands(intake, channel):
    assert legacy_channel(intake, "answer") is Channel(channel)


def test_the_service_decides_the_old_channel_of_any_intake():
    for intake in IntakeChannel:
        for kind in (ServiceKind.ONSITE, ServiceKind.REMOTE, ServiceKind.SENDIN):
            assert legacy_channel(intake, kind) == kind.value


def test_facts_need_the_two_fields_or_the_old_channel():
    with pytest.raises(ValueError):
        RequestFacts(requested_at=REQUESTED)
    with pytest.raises(ValueError):
        facts("pigeon", "answer")
    with pytest.raises(ValueError):
        facts("phone", "teleport")


def test_specs_name_each_clock_and_what_stops_it():
    f = facts("letter", "sendin", answered_at=sh("2026-11-24T10:00"),
              solved_at=sh("2026-11-24T12:00"))
    assert [(s.kind, s.stopped_at) for s in clock_specs(f)] == [
        (ClockKind.LETTER_ANSWER, sh("2026-11-24T10:00")),
        (ClockKind.REPAIR_RESOLUTION, sh("2026-11-24T12:00"))]


def test_a_request_on_friday_evening_starts_every_clock_on_monday_morning():
    f = facts("phone", "onsite", hardware_fault=True, requested_at=sh("2026-11-20T19:00"))
    result = clocks(f, "2026-11-23T09:30")
    assert result[ClockKind.PHONE_ANSWER][1] == sh("2026-11-23T09:05")
    assert result[ClockKind.ONSITE_ARRIVAL][1] == sh("2026-11-23T11:00")
    assert result[ClockKind.REPAIR_RESOLUTION][1] == sh("2026-11-23T13:00")
