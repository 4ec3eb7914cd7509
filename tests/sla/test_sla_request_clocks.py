"""clocks_for_request and loaner_due: the clocks a request runs and the R1.4 loaner."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import fieldapp.sla
from fieldapp.sla import (
    Channel,
    ClockKind,
    ClockState,
    LoanerDecision,
    RequestFacts,
    ServiceCalendar,
    SlaTerms,
    clocks_for_request,
    loaner_due,
    loaner_entitled,
)
from fieldapp.sla.request_clocks import clock_of

SH = ZoneInfo("Asia/Shanghai")
OFFICE = ServiceCalendar()
TERMS = SlaTerms()


def sh(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


REQUESTED = sh("2026-11-24T09:00")  # a Tuesday morning


def only_clock(facts: RequestFacts, now: datetime, terms: SlaTerms = TERMS):
    clocks = clocks_for_request(facts, terms, OFFICE, now)
    assert len(clocks) == 1
    return clocks[0]


def service_clock(facts: RequestFacts, now: datetime, kind: ClockKind):
    """The clock of `kind` among the request's clocks (an old on-site, remote or send-in
    channel also runs the answer clock of its phone call)."""
    clocks = clocks_for_request(facts, TERMS, OFFICE, now)
    found = clock_of(clocks, kind)
    assert found is not None, [c.kind for c in clocks]
    return found


# --- the clocks of the old single channels (each maps to intake + service) -------------------


def test_phone_request_runs_the_answer_clock_until_picked_up():
    facts = RequestFacts(Channel.PHONE, REQUESTED, answered_at=sh("2026-11-24T09:03"))
    result = only_clock(facts, now=sh("2026-11-24T10:00"))
    assert result.kind is ClockKind.PHONE_ANSWER
    assert result.stopped_at == sh("2026-11-24T09:03")
    assert result.state is ClockState.MET


def test_unanswered_phone_call_breaches_after_five_minutes():
    result = only_clock(RequestFacts("phone", REQUESTED), now=sh("2026-11-24T09:06"))
    assert result.kind is ClockKind.PHONE_ANSWER
    assert result.state is ClockState.BREACHED


def test_letter_runs_the_twelve_hour_answer_clock():
    facts = RequestFacts("letter", sh("2026-11-20T15:00"), answered_at=sh("2026-11-23T17:00"))
    result = only_clock(facts, now=sh("2026-11-24T09:00"))
    # Friday 15:00: 3 h on Friday, 9 h on Monday -> due Monday 18:00.
    assert result.kind is ClockKind.LETTER_ANSWER
    assert result.deadline == sh("2026-11-23T18:00")
    assert result.state is ClockState.MET


def test_onsite_request_in_the_city_runs_the_arrival_clock_until_first_arrival():
    facts = RequestFacts(
        "onsite",
        REQUESTED,
        first_arrival_at=sh("2026-11-24T11:20"),
        solved_at=sh("2026-11-24T15:00"),
    )
    result = service_clock(facts, sh("2026-11-24T16:00"), ClockKind.ONSITE_ARRIVAL)
    assert result.kind is ClockKind.ONSITE_ARRIVAL
    assert result.stopped_at == sh("2026-11-24T11:20")
    assert result.state is ClockState.MET_WITHIN_TOLERANCE


def test_onsite_request_outside_the_city_has_no_arrival_promise():
    facts = RequestFacts("onsite", REQUESTED, in_city=False)
    result = service_clock(facts, sh("2026-11-26T09:00"), ClockKind.ONSITE_ARRIVAL)
    assert result.kind is ClockKind.ONSITE_ARRIVAL
    assert result.state is ClockState.NOT_APPLICABLE
    assert result.deadline is None
    assert "市外" in result.explanation("zh")
    assert "Outside the city" in result.explanation("en")


def test_remote_request_runs_until_solved():
    facts = RequestFacts("remote", REQUESTED, solved_at=sh("2026-11-24T09:25"))
    result = service_clock(facts, sh("2026-11-24T10:00"), ClockKind.REMOTE_RESOLUTION)
    assert result.kind is ClockKind.REMOTE_RESOLUTION
    assert result.state is ClockState.MET


def test_repair_runs_until_the_device_is_back_and_running():
    facts = RequestFacts(
        "sendin",
        REQUESTED,
        solved_at=sh("2026-11-24T12:00"),
        device_returned_at=sh("2026-11-24T14:00"),
    )
    result = service_clock(facts, sh("2026-11-24T15:00"), ClockKind.REPAIR_RESOLUTION)
    assert result.kind is ClockKind.REPAIR_RESOLUTION
    assert result.stopped_at == sh("2026-11-24T14:00")  # the return, not the workshop fix
    assert result.state is ClockState.BREACHED


def test_repair_without_a_recorded_return_stops_at_the_solved_time():
    facts = RequestFacts("sendin", REQUESTED, solved_at=sh("2026-11-24T12:00"))
    result = service_clock(facts, sh("2026-11-24T15:00"), ClockKind.REPAIR_RESOLUTION)
    assert result.stopped_at == sh("2026-11-24T12:00")
    assert result.state is ClockState.MET


def test_out_of_city_does_not_switch_off_the_repair_clock():
    facts = RequestFacts("sendin", REQUESTED, in_city=False)
    clock = service_clock(facts, sh("2026-11-24T10:00"), ClockKind.REPAIR_RESOLUTION)
    assert clock.state is ClockState.ON_TRACK


def test_request_on_friday_evening_counts_from_monday_opening():
    facts = RequestFacts("onsite", sh("2026-11-20T19:00"))
    result = service_clock(facts, sh("2026-11-23T09:30"), ClockKind.ONSITE_ARRIVAL)
    assert result.deadline == sh("2026-11-23T11:00")
    assert result.elapsed == timedelta(minutes=30)
    assert result.state is ClockState.ON_TRACK


def test_unknown_channel_is_refused():
    with pytest.raises(ValueError):
        RequestFacts("fax", REQUESTED)  # type: ignore[arg-type]


def test_channel_given_as_text_becomes_a_channel():
    assert RequestFacts("remote", REQUESTED).channel is Channel.REMOTE


# --- loaner (同档次备机, R1.4) ----------------------------------------------------------------


def repair(**kwargs) -> RequestFacts:
    return RequestFacts("sendin", REQUESTED, **kwargs)


def test_group_customers_are_entitled_by_default():
    assert loaner_entitled(repair(is_group_customer=True), TERMS)
    assert not loaner_entitled(repair(is_group_customer=False), TERMS)


def test_contract_setting_overrides_the_group_rule():
    assert loaner_entitled(repair(is_group_customer=False), SlaTerms(loaner_entitled=True))
    assert not loaner_entitled(repair(is_group_customer=True), SlaTerms(loaner_entitled=False))


def test_loaner_is_due_for_a_group_customer_when_the_repair_is_at_risk():
    decision = loaner_due(repair(is_group_customer=True), TERMS, OFFICE, sh("2026-11-24T12:30"))
    assert decision == LoanerDecision(
        entitled=True,
        due=True,
        reason_zh="维修时限临近超时（截止 2026-11-24 13:00），设备未归还：应提供同档次备机",
        reason_en=(
            "Repair deadline at risk (due 2026-11-24 13:00); device not returned: "
            "provide a same-class loaner"
        ),
    )


def test_loaner_is_due_when_the_repair_deadline_has_passed():
    decision = loaner_due(repair(is_group_customer=True), TERMS, OFFICE, sh("2026-11-24T14:00"))
    assert decision.due
    assert "已超时" in decision.reason("zh")


def test_loaner_is_due_early_when_the_engineer_expects_a_long_repair():
    # 10:00, clock on track, but the part arrives tomorrow afternoon: "far longer than 4 hours".
    decision = loaner_due(
        repair(is_group_customer=True),
        TERMS,
        OFFICE,
        sh("2026-11-24T10:00"),
        expected_ready_at=sh("2026-11-25T15:00"),
    )
    assert decision.entitled and decision.due
    assert decision.reason("zh") == (
        "预计 2026-11-25 15:00 修好，晚于4小时时限 2026-11-24 13:00：应提供同档次备机"
    )


def test_no_loaner_when_the_expected_ready_time_meets_the_deadline():
    decision = loaner_due(
        repair(is_group_customer=True),
        TERMS,
        OFFICE,
        sh("2026-11-24T10:00"),
        expected_ready_at=sh("2026-11-24T13:00"),
    )
    assert decision.entitled and not decision.due
    assert "时限内" in decision.reason("zh")


def test_no_loaner_while_the_repair_is_on_track():
    decision = loaner_due(repair(is_group_customer=True), TERMS, OFFICE, sh("2026-11-24T10:00"))
    assert decision == LoanerDecision(
        True,
        False,
        "维修在时限内（截止 2026-11-24 13:00）",
        "Repair within its deadline (due 2026-11-24 13:00)",
    )


def test_ordinary_customer_gets_no_loaner_even_when_breached_and_is_told_why():
    decision = loaner_due(repair(is_group_customer=False), TERMS, OFFICE, sh("2026-11-24T14:00"))
    assert not decision.entitled and not decision.due
    assert decision.reason("zh").endswith("但合同不含备机服务")
    assert decision.reason("en").endswith("but the contract has no loaner")


def test_contract_with_loaner_covers_an_ordinary_customer():
    decision = loaner_due(
        repair(is_group_customer=False),
        SlaTerms(loaner_entitled=True),
        OFFICE,
        sh("2026-11-24T14:00"),
    )
    assert decision.entitled and decision.due


def test_contract_without_loaner_excludes_even_a_group_customer():
    decision = loaner_due(
        repair(is_group_customer=True),
        SlaTerms(loaner_entitled=False),
        OFFICE,
        sh("2026-11-24T14:00"),
    )
    assert not decision.entitled and not decision.due


def test_no_loaner_once_the_device_is_back():
    facts = repair(is_group_customer=True, device_returned_at=sh("2026-11-24T15:00"))
    decision = loaner_due(facts, TERMS, OFFICE, sh("2026-11-24T16:00"))
    assert decision.entitled and not decision.due
    assert decision.reason("en") == "Device already returned; no loaner needed"


def test_repaired_device_still_in_the_workshop_does_not_stop_the_loaner_clock():
    # R1.4 counts until the customer has the device back, whatever the workshop recorded.
    facts = repair(is_group_customer=True, solved_at=sh("2026-11-24T11:00"))
    assert loaner_due(facts, TERMS, OFFICE, sh("2026-11-24T14:00")).due


def test_loaner_rule_waits_over_the_national_day_holiday():
    facts = RequestFacts("sendin", sh("2026-09-30T17:00"), is_group_customer=True)
    assert not loaner_due(facts, TERMS, OFFICE, sh("2026-10-05T12:00")).due
    assert loaner_due(facts, TERMS, OFFICE, sh("2026-10-08T11:30")).due


@pytest.mark.parametrize("channel", ["phone", "letter", "onsite", "remote"])
def test_loaners_are_only_for_hardware(channel):
    facts = RequestFacts(channel, REQUESTED, is_group_customer=True)
    decision = loaner_due(facts, TERMS, OFFICE, sh("2026-11-25T09:00"))
    assert decision.entitled and not decision.due


def test_loaner_reason_follows_the_budget_in_the_contract():
    decision = loaner_due(
        repair(is_group_customer=True),
        SlaTerms(repair_resolution=timedelta(hours=6)),
        OFFICE,
        sh("2026-11-24T10:00"),
        expected_ready_at=sh("2026-11-25T15:00"),
    )
    assert "晚于6小时时限 2026-11-24 15:00" in decision.reason("zh")
    assert "after the 6 h deadline" in decision.reason("en")


# --- the package as a whole ----------------------------------------------------------------


def test_public_names_are_exported():
    for name in fieldapp.sla.__all__:
        assert hasattr(fieldapp.sla, name), name


def test_sla_core_imports_without_qt():
    code = "import sys, fieldapp.sla; assert 'PySide6' not in sys.modules; print('ok')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "ok"
