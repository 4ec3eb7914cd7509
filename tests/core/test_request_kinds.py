"""A stored request records how it came in apart from what it asks (issue 17), and every
promise it carries runs its own clock: in the core, the rules, the lists, the copy and
`fieldapp sla`. Every moment is fixed: clocks are read at a given `now`, and the CLI runs
inside a frozen time."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from click.testing import CliRunner

from fieldapp.base.errors import ValidationError
from fieldapp.cli import cli
from fieldapp.documents.views import slip_document
from fieldapp.reads.queries import RequestFilter, SlipFilter, list_requests, list_slips
from fieldapp.records import reference, service_requests, slips
from fieldapp.records.sla_records import request_clocks, request_loaner
from fieldapp.rules.requests import request_issues
from fieldapp.sla import ClockKind, ClockState
from fieldapp.store import open_store
from fieldapp.store.models import ServiceRequest
from fieldapp.tools.exchange import dict_to_values

# Tuesday 2026-11-24 10:00 in Tianjin
REQUESTED = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


@pytest.fixture
def port(store):
    """A group customer with a site in the city, one outside, and a contract."""
    with store.write() as session:
        customer = reference.create_customer(session, code="TJPORT", name="天津港信息中心",
                                             is_group=True)
        reference.add_site(session, customer, name="信息中心机房", in_city=True)
        reference.add_site(session, customer, name="蓟州仓库", in_city=False)
        reference.create_contract(session, customer, number="FW-2026-TJPORT",
                                  starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    return store


def take(store, *, site: str = "信息中心机房", **kwargs) -> str:
    with store.write() as session:
        customer = _customer(session)
        chosen = next(s for s in customer.sites if s.name == site)
        args = dict(operator_code="C01", customer=customer, fault_reported="打印机无法开机",
                    requested_at=REQUESTED, contact_name="孙丽", site=chosen,
                    now=REQUESTED + timedelta(hours=4))  # taken once answered
        args.update(kwargs)
        return service_requests.take_request(session, **args).number


def _customer(session):
    from sqlalchemy import select

    from fieldapp.store.models import Customer
    return session.scalar(select(Customer).where(Customer.code == "TJPORT"))


def kinds_at(store, number: str, now: datetime) -> dict[ClockKind, ClockState]:
    with store.read() as session:
        request = service_requests.get_request(session, number)
        return {c.kind: c.state for c in request_clocks(request, now)}


def test_a_request_keeps_both_fields_and_the_old_channel_for_older_readers(port):
    number = take(port, intake_channel="letter", service_kind="onsite",
                  answered_at=REQUESTED + timedelta(hours=1))
    with port.read() as session:
        request = service_requests.get_request(session, number)
        assert (request.intake_channel, request.service_kind, request.channel,
                request.hardware_fault) == ("letter", "onsite", "onsite", False)


def test_a_send_in_is_recorded_as_hardware(port):
    number = take(port, intake_channel="phone", service_kind="sendin")
    with port.read() as session:
        assert service_requests.get_request(session, number).hardware_fault


def test_an_old_export_row_with_the_channel_only_gets_both_fields():
    values = dict_to_values(ServiceRequest, {"channel": "remote", "fault_reported": "x"})
    assert (values["intake_channel"], values["service_kind"]) == ("phone", "remote")
    values = dict_to_values(ServiceRequest, {"intake_channel": "walk_in",
                                             "service_kind": "answer"})
    assert values["channel"] == "phone"  # what an older reader understands


def test_a_caller_giving_the_old_channel_gets_both_fields(port):
    number = take(port, channel="letter")
    with port.read() as session:
        request = service_requests.get_request(session, number)
        assert (request.intake_channel, request.service_kind) == ("letter", "answer")


def test_a_phone_call_that_became_on_site_runs_both_clocks(port):
    number = take(port, intake_channel="phone", service_kind="onsite",
                  answered_at=REQUESTED + timedelta(minutes=3))
    assert kinds_at(port, number, REQUESTED + timedelta(minutes=30)) == {
        ClockKind.PHONE_ANSWER: ClockState.MET, ClockKind.ONSITE_ARRIVAL: ClockState.ON_TRACK}


def test_on_site_hardware_stops_its_repair_clock_at_the_slip_solved_time(port):
    number = take(port, intake_channel="phone", service_kind="onsite", hardware_fault=True,
                  answered_at=REQUESTED + timedelta(minutes=2))
    with port.write() as session:
        request = service_requests.get_request(session, number)
        engineer = reference.create_engineer(session, code="E07", name="刘洋")
        slip = slips.start_slip(session, request, engineer, now=REQUESTED + timedelta(hours=1))
        slips.update_slip(session, slip, {
            "arrived_at": REQUESTED + timedelta(hours=1),
            "solved_at": REQUESTED + timedelta(hours=3), "result": "solved",
            "fault_found": "电源板损坏", "handling": "更换电源板"},
            now=REQUESTED + timedelta(hours=3))
    assert kinds_at(port, number, REQUESTED + timedelta(hours=5)) == {
        ClockKind.PHONE_ANSWER: ClockState.MET, ClockKind.ONSITE_ARRIVAL: ClockState.MET,
        ClockKind.REPAIR_RESOLUTION: ClockState.MET}


def test_on_site_hardware_owes_a_group_customer_a_loaner_when_at_risk(port):
    number = take(port, intake_channel="phone", service_kind="onsite", hardware_fault=True,
                  answered_at=REQUESTED + timedelta(minutes=2))
    with port.read() as session:
        request = service_requests.get_request(session, number)
        # 10:00 + 4 h = 14:00; at 13:30 Tianjin a quarter of the budget is not left
        assert request_loaner(request, REQUESTED + timedelta(hours=3, minutes=30)).due


def test_send_in_hardware_runs_the_answer_and_the_repair_clock(port):
    number = take(port, intake_channel="email", service_kind="sendin",
                  answered_at=REQUESTED + timedelta(hours=2))
    assert kinds_at(port, number, REQUESTED + timedelta(hours=3)) == {
        ClockKind.LETTER_ANSWER: ClockState.MET, ClockKind.REPAIR_RESOLUTION: ClockState.ON_TRACK}


def test_out_of_the_city_the_arrival_is_not_promised_but_the_call_is(port):
    number = take(port, site="蓟州仓库", intake_channel="phone", service_kind="onsite",
                  hardware_fault=True, answered_at=REQUESTED + timedelta(minutes=1))
    assert kinds_at(port, number, REQUESTED + timedelta(hours=6)) == {
        ClockKind.PHONE_ANSWER: ClockState.MET,
        ClockKind.ONSITE_ARRIVAL: ClockState.NOT_APPLICABLE,
        ClockKind.REPAIR_RESOLUTION: ClockState.NOT_APPLICABLE}


def test_a_portal_request_runs_the_letter_clock(port):
    number = take(port, intake_channel="portal", service_kind="answer")
    assert kinds_at(port, number, REQUESTED + timedelta(hours=1)) == {
        ClockKind.LETTER_ANSWER: ClockState.ON_TRACK}


def test_unknown_values_are_refused_by_field_in_both_languages(port):
    with pytest.raises(ValidationError) as err:
        take(port, intake_channel="pigeon", service_kind="teleport")
    assert {i.field for i in err.value.issues} == {"intake_channel", "service_kind"}
    assert "受理渠道无效" in err.value.zh and "Invalid intake channel" in err.value.en


def test_a_request_must_say_how_it_came_in_and_what_it_asks(port):
    issues = request_issues(customer_id=None, fault_reported="卡纸", contact_name="孙丽",
                            contact_phone="", requested_at=REQUESTED, answered_at=None,
                            now=REQUESTED)
    assert {"intake_channel", "service_kind"} <= {i.field for i in issues}


def test_a_stored_channel_must_match_the_two_fields(port):
    issues = request_issues(customer_id=None, channel="remote", intake_channel="phone",
                            service_kind="onsite", fault_reported="卡纸", contact_name="孙丽",
                            contact_phone="", requested_at=REQUESTED, answered_at=None,
                            now=REQUESTED)
    assert [i.code for i in issues if i.field == "channel"] == ["mismatch"]


def test_the_list_carries_both_fields_and_filters_by_them(port):
    take(port, intake_channel="letter", service_kind="onsite")
    take(port, intake_channel="phone", service_kind="remote")
    with port.read() as session:
        rows = list_requests(session, RequestFilter(service_kind="onsite"))
        assert [(r.intake_channel, r.service_kind) for r in rows] == [("letter", "onsite")]
        assert len(list_requests(session, RequestFilter(intake_channel="phone"))) == 1


def test_the_slip_list_filters_by_the_service_asked(port):
    remote = take(port, intake_channel="email", service_kind="remote")
    take(port, intake_channel="letter", service_kind="onsite")
    with port.write() as session:
        engineer = reference.create_engineer(session, code="E07", name="刘洋")
        for number in (remote, *(r.number for r in list_requests(
                session, RequestFilter(service_kind="onsite")))):
            slips.start_slip(session, service_requests.get_request(session, number), engineer,
                             now=REQUESTED + timedelta(hours=4))
    with port.read() as session:
        rows = list_slips(session, SlipFilter(service_kind="remote"))
        assert [(r.request_number, r.intake_channel, r.service_kind) for r in rows] == [
            (remote, "email", "remote")]


def test_the_copy_names_both_fields_and_prints_every_clock(port):
    number = take(port, intake_channel="phone", service_kind="onsite",
                  answered_at=REQUESTED + timedelta(minutes=2))
    with port.write() as session:
        request = service_requests.get_request(session, number)
        engineer = reference.create_engineer(session, code="E07", name="刘洋")
        slip = slips.start_slip(session, request, engineer, now=REQUESTED + timedelta(hours=1))
        doc = slip_document(slip, now=REQUESTED + timedelta(hours=1))
    assert (doc.intake_channel, doc.service_kind) == ("phone", "onsite")
    assert [c.kind for c in doc.clocks] == ["phone_answer", "onsite_arrival"]


def test_fieldapp_sla_prints_every_clock_and_json_lists_them(tmp_path):
    folder = tmp_path / "data"
    store = open_store(folder)
    with store.write() as session:
        customer = reference.create_customer(session, code="TJH1", name="天津市第一中心医院")
        site = reference.add_site(session, customer, name="门诊楼", in_city=True)
        number = service_requests.take_request(
            session, operator_code="C01", customer=customer, intake_channel="phone",
            service_kind="onsite", hardware_fault=True, fault_reported="挂号电脑无法开机",
            requested_at=REQUESTED, answered_at=REQUESTED + timedelta(minutes=2),
            contact_name="赵磊", site=site, now=REQUESTED).number
    store.close()
    runner = CliRunner()
    with time_machine.travel(REQUESTED + timedelta(minutes=30), tick=False):
        text = runner.invoke(cli, ["--data-dir", str(folder), "sla", number])
        data = runner.invoke(cli, ["--data-dir", str(folder), "sla", number, "--json"])
    assert text.exit_code == 0, text.output
    assert "电话 · 服务类型: 现场服务 · 硬件故障" in text.output
    for name in ("电话响应: 达标", "现场到达: 正常", "硬件维修: 正常"):
        assert name in text.output
    assert "备机" in text.output
    answer = json.loads(data.output)
    assert (answer["intake_channel"], answer["service_kind"], answer["hardware_fault"]) == (
        "phone", "onsite", True)
    assert [(c["kind"], c["state"]) for c in answer["clocks"]] == [
        ("phone_answer", "met"), ("onsite_arrival", "on_track"),
        ("repair_resolution", "on_track")]
    assert answer["loaner"]["due"] is False


def test_the_cli_lists_and_shows_both_fields(tmp_path):
    folder = tmp_path / "data"
    store = open_store(folder)
    with store.write() as session:
        customer = reference.create_customer(session, code="TJH1", name="天津市第一中心医院")
        engineer = reference.create_engineer(session, code="E07", name="刘洋")
        request = service_requests.take_request(
            session, operator_code="C01", customer=customer, intake_channel="email",
            service_kind="remote", fault_reported="邮箱无法登录", requested_at=REQUESTED,
            contact_name="赵磊", now=REQUESTED)
        slip = slips.start_slip(session, request, engineer, now=REQUESTED)
        slip_number = slip.number
    store.close()
    runner = CliRunner()
    with time_machine.travel(REQUESTED + timedelta(minutes=30), tick=False):
        listed = runner.invoke(cli, ["--data-dir", str(folder), "requests", "list"])
        shown = runner.invoke(cli, ["--data-dir", str(folder), "slips", "show", slip_number])
        data = runner.invoke(cli, ["--data-dir", str(folder), "slips", "show", slip_number,
                                   "--json"])
    assert "电子邮件 → 远程处理" in listed.output, listed.output
    assert "请求方式: 电子邮件 → 远程处理" in shown.output, shown.output
    answer = json.loads(data.output)
    assert (answer["intake_channel"], answer["service_kind"]) == ("email", "remote")
