"""Report schedules per contract (issue 20 item 1, R6.3 "as the service agreement says"):
which reports a contract promises, from how much data, to whom, and when its summary
comes before the contract ends.

A customer with two months of data gets no three identical reports: the quarter is
reported, the half-year and the year wait with "数据不足 / not enough data" and the
numbers that decided it. The clock is frozen; each run says which day it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from fieldapp.archive.cli import cli
from fieldapp.archive.db import Database
from fieldapp.archive.reports import end_of_day, list_skips, run_due
from fieldapp.archive.reports.figures import Figures
from fieldapp.archive.reports.models import Report
from fieldapp.archive.reports.schedules import DEFAULTS, schedule_of, set_schedule
from fieldapp.base.errors import NotFound, ValidationError
from fieldapp.records import reference
from fieldapp.store.models import Contract, Customer
from tests.archive.report_data import ALWAYS_OPEN, History, at, frozen_world, push

FROZEN = datetime(2029, 1, 10, 2, 0, tzinfo=UTC)  # after every day these tests run as
RECORDED = end_of_day(date(2029, 1, 9))


@pytest.fixture
def world(tmp_path, db_url) -> Iterator[tuple[History, Database, str]]:
    with frozen_world(tmp_path, db_url, FROZEN) as made:
        yield made


def customer(history: History, code: str, starts: date, ends: date, email: str = "") -> str:
    """A customer with one contract (number FW-<code>), a contact and a device."""
    with history.store.write() as session:
        cust = reference.create_customer(session, code=code, name=f"{code} 公司",
                                         account_manager="赵敏")
        site = reference.add_site(session, cust, name=f"{code} 本部")
        reference.add_contact(session, cust, name="孙丽", phone="13900220001", email=email)
        reference.create_contract(session, cust, number=f"FW-{code}", starts_on=starts,
                                  ends_on=ends, service_calendar=ALWAYS_OPEN)
        reference.add_device(session, cust, device_type="打印机", device_class="printer",
                             brand="惠普", model="M401", serial=f"SN-{code}-0",
                             asset_tag=f"ZC-{code}-000", site=site)
    return f"FW-{code}"


def visit(history: History, code: str, day: str, hhmm: str = "10:00",
          device: int | None = None) -> str:
    """An on-site visit within its SLA; no device unless named (no pattern by accident)."""
    return history.request(customer=code, at=at(day, hhmm), arrive_min=30, solve_min=60,
                           device=device).number


def run(history: History, db, today: date, code: str):
    """Run as at the end of `today`: (reports made, periods waiting) of customer `code`."""
    push(history.store, db, RECORDED)
    with db.write() as session:
        result = run_due(session, now=end_of_day(today))
        cid = session.scalar(select(Customer.id).where(Customer.code == code))
        return (sorted((r.kind, r.period_start, r.period_end) for r in result.reports
                       if r.customer_id == cid),
                sorted((s.kind, s.period_start, s.period_end, s.covered_days, s.period_days,
                        s.requests) for s in result.too_little if s.customer_id == cid))


def configure(db, number: str, **values) -> None:
    with db.write() as session:
        set_schedule(session, number, updated_by="赵敏", **values)


def data_from(history: History, day: str) -> None:
    """The archive's service data begins on `day` (another customer's request then)."""
    visit(history, "HPLAW", day)


def test_two_months_of_data_make_the_quarter_and_wait_for_the_half_year_and_year(world):
    history, db, url = world
    data_from(history, "2026-01-05")
    customer(history, "NEWCO", date(2026, 11, 1), date(2027, 10, 31))
    for day in ("2026-11-03", "2026-11-20", "2026-12-08"):
        visit(history, "NEWCO", day)
    made, waiting = run(history, db, date(2027, 1, 1), "NEWCO")
    assert made == [("quarterly", date(2026, 10, 1), date(2026, 12, 31))]  # 61 of 92 days
    assert waiting == [("half_yearly", date(2026, 7, 1), date(2026, 12, 31), 61, 184, 3),
                       ("yearly", date(2026, 1, 1), date(2026, 12, 31), 61, 365, 3)]
    listing = CliRunner().invoke(cli, ["--db", url, "reports", "list", "--customer", "NEWCO"])
    assert listing.exit_code == 0, listing.output
    assert ("数据不足\tNEWCO\t半年报告\t2026-07-01 至 2026-12-31\t数据不足，暂不出具："
            "本期在合同期内且有服务数据的天数 61/184（33%，需至少 50%），"
            "服务请求 3 个（需至少 1 个）。") in listing.output
    english = CliRunner().invoke(cli, ["--lang", "en", "--db", url, "reports", "list"])
    assert "not enough data\tNEWCO\tYearly report\t2026-01-01 to 2026-12-31\tNot enough " \
           "data yet: 61 of the period's 365 days under contract and with service data " \
           "(16%" in english.output
    assert run(history, db, date(2027, 1, 1), "NEWCO") == ([], [])  # nothing twice


def test_a_report_the_schedule_no_longer_promises_stops_waiting(world):
    history, db, _ = world
    data_from(history, "2026-01-05")
    customer(history, "NEWCO", date(2026, 11, 1), date(2027, 10, 31))
    visit(history, "NEWCO", "2026-11-03")
    _, waiting = run(history, db, date(2027, 1, 1), "NEWCO")
    assert [w[0] for w in waiting] == ["half_yearly", "yearly"]
    configure(db, "FW-NEWCO", kinds=("quarterly", "contract_end"))
    assert run(history, db, date(2027, 1, 2), "NEWCO") == ([], [])
    with db.read() as session:
        cid = session.scalar(select(Customer.id).where(Customer.code == "NEWCO"))
        assert list_skips(session, customer_id=cid) == []


def test_a_contract_shorter_than_a_quarter_gets_its_summary_not_a_thin_quarterly(world):
    history, db, _ = world
    data_from(history, "2026-01-05")
    customer(history, "SHORT", date(2026, 8, 10), date(2026, 9, 20))  # 42 days
    visit(history, "SHORT", "2026-08-12")
    visit(history, "SHORT", "2026-09-02")
    made, _ = run(history, db, date(2026, 8, 20), "SHORT")
    assert made == []  # 31 days before the end: not yet
    made, _ = run(history, db, date(2026, 8, 21), "SHORT")
    assert made == [("contract_end", date(2026, 8, 10), date(2026, 9, 20))]
    made, waiting = run(history, db, date(2026, 10, 1), "SHORT")
    assert made == []
    assert waiting == [("quarterly", date(2026, 7, 1), date(2026, 9, 30), 42, 92, 2)]


def test_an_archive_with_two_months_of_data_waits_too(world):
    """A contract for the whole year, but the archive's records begin in November (the
    centre started using it then): the year and the half-year would repeat the quarter."""
    history, db, _ = world
    for day in ("2026-11-02", "2026-11-25", "2026-12-10"):
        visit(history, "TJH1", day)
    made, waiting = run(history, db, date(2027, 1, 1), "TJH1")
    assert made == [("quarterly", date(2026, 10, 1), date(2026, 12, 31))]  # 60 of 92 days
    assert waiting == [("half_yearly", date(2026, 7, 1), date(2026, 12, 31), 60, 184, 3),
                       ("yearly", date(2026, 1, 1), date(2026, 12, 31), 60, 365, 3)]


def test_a_contract_ending_mid_quarter(world):
    history, db, _ = world
    number = customer(history, "MIDQ", date(2026, 1, 1), date(2026, 5, 15))
    for day in ("2026-02-10", "2026-04-20", "2026-05-12"):
        visit(history, "MIDQ", day)
    made, waiting = run(history, db, date(2026, 7, 1), "MIDQ")
    assert made == [("half_yearly", date(2026, 1, 1), date(2026, 6, 30)),  # 135 of 181
                    ("quarterly", date(2026, 1, 1), date(2026, 3, 31))]
    assert waiting == [("quarterly", date(2026, 4, 1), date(2026, 6, 30), 45, 91, 2)]
    configure(db, number, min_coverage_percent=40)  # the agreement asks for less
    made, waiting = run(history, db, date(2026, 7, 2), "MIDQ")
    assert made == [("quarterly", date(2026, 4, 1), date(2026, 6, 30))] and waiting == []
    with db.read() as session:  # the outcome made way for the report
        cid = session.scalar(select(Customer.id).where(Customer.code == "MIDQ"))
        assert ("quarterly", date(2026, 6, 30)) not in {
            (s.kind, s.period_end) for s in list_skips(session, customer_id=cid)}


def test_a_leap_year_quarter_counts_29_february(world):
    history, db, _ = world
    number = customer(history, "LEAP", date(2028, 2, 29), date(2029, 2, 28))
    late_evening = visit(history, "LEAP", "2028-02-29", "23:30")  # 15:30 UTC, still Feb 29
    visit(history, "LEAP", "2028-03-15")
    made, waiting = run(history, db, date(2028, 4, 1), "LEAP")
    assert made == []  # Feb 29 + 31 March days of a 91-day quarter: 35 %
    assert waiting == [("quarterly", date(2028, 1, 1), date(2028, 3, 31), 32, 91, 2)]
    configure(db, number, min_coverage_percent=35)
    made, waiting = run(history, db, date(2028, 4, 2), "LEAP")
    assert made == [("quarterly", date(2028, 1, 1), date(2028, 3, 31))] and waiting == []
    with db.read() as session:
        report = session.scalar(select(Report).where(Report.kind == "quarterly",
                                                     Report.period_start == date(2028, 1, 1)))
        fig = Figures.from_json(report.figures)
    assert sum(fig.requests_by_month["2028-02"].values()) == 1 and fig.requests_total == 2
    assert late_evening.startswith("R")
    configure(db, number, min_coverage_percent=90)
    made, waiting = run(history, db, date(2029, 1, 1), "LEAP")  # a year of 366 days
    assert ("yearly", date(2028, 1, 1), date(2028, 12, 31), 307, 366, 2) in waiting


def test_the_summary_comes_the_schedules_number_of_days_before_the_end(world):
    history, db, _ = world
    visit(history, "HPLAW", "2026-10-05")
    push(history.store, db, RECORDED)
    configure(db, "FW-HPLAW", contract_end_days=45)
    summary = ("contract_end", date(2026, 1, 1), date(2026, 12, 31))
    assert summary not in run(history, db, date(2026, 11, 15), "HPLAW")[0]
    assert summary in run(history, db, date(2026, 11, 16), "HPLAW")[0]  # 45 days before
    assert summary not in run(history, db, date(2026, 11, 16), "TJH1")[0]  # default 30
    assert summary in run(history, db, date(2026, 12, 1), "TJH1")[0]


def test_a_schedule_says_which_reports_and_to_whom(world):
    history, db, _ = world
    for day in ("2026-02-10", "2026-05-10", "2026-08-10", "2026-11-10"):
        visit(history, "HPLAW", day)
    push(history.store, db, RECORDED)
    configure(db, "FW-HPLAW", kinds=("yearly",), recipients=("孙丽 <sunli@hplaw.cn>",))
    made, _ = run(history, db, date(2027, 1, 1), "HPLAW")
    assert made == [("yearly", date(2026, 1, 1), date(2026, 12, 31))]  # no quarter, no half
    made, _ = run(history, db, date(2027, 1, 1), "TJH1")
    with db.read() as session:
        yearly = session.scalar(select(Report).join(Customer, Customer.id == Report.customer_id)
                                .where(Customer.code == "HPLAW"))
    assert yearly.reason_zh.endswith("；报送：孙丽 <sunli@hplaw.cn>")
    assert yearly.reason_en.endswith("; to: 孙丽 <sunli@hplaw.cn>")


def test_no_proactive_report_when_the_contract_wants_none_the_finding_stands(world):
    history, db, _ = world
    push(history.store, db, RECORDED)
    configure(db, "FW-TJH1", kinds=("yearly", "contract_end"))
    for day in ("2026-09-01", "2026-09-20", "2026-10-10"):
        visit(history, "TJH1", day, device=0)
    push(history.store, db, RECORDED)
    with db.write() as session:
        result = run_due(session, now=end_of_day(date(2026, 10, 15)))
    assert [f.rule for f in result.findings] == ["repeat_device"]
    assert [r.kind for r in result.reports] == []


def test_a_contract_without_a_schedule_has_the_defaults_and_the_account_manager(world):
    history, db, url = world
    visit(history, "TJH1", "2026-02-10")
    push(history.store, db, RECORDED)
    with db.read() as session:
        contract = session.scalar(select(Contract).where(Contract.number == "FW-TJH1"))
        assert schedule_of(session, contract.id) == DEFAULTS
    shown = CliRunner().invoke(cli, ["--db", url, "schedules", "show", "FW-TJH1"])
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines() == [
        "合同 FW-TJH1（TJH1 天津市第一中心医院，2026-01-01 至 2026-12-31）：默认",
        "  报告：季度报告、半年报告、年度报告、合同到期前总结报告、主动分析报告",
        "  报送：赵敏（客户经理）",
        "  定期报告的最低数据量：在合同期内且有服务数据的天数至少占报告期 50%，服务请求至少 1 个",
        "  合同到期前总结：到期前 30 天"]


def test_staff_change_a_schedule_from_the_command_line(world):
    history, db, url = world
    push(history.store, db, RECORDED)
    runner = CliRunner()
    changed = runner.invoke(cli, ["--db", url, "schedules", "set", "FW-HPLAW", "--kinds",
                                  "quarterly,contract_end", "--recipients",
                                  "孙丽 <sunli@hplaw.cn>；赵敏", "--min-requests", "3",
                                  "--end-days", "60", "--by", "赵敏"])
    assert changed.exit_code == 0, changed.output
    assert "  报送：孙丽 <sunli@hplaw.cn>、赵敏" in changed.output
    rows = json.loads(runner.invoke(cli, ["--db", url, "schedules", "show", "--customer",
                                          "HPLAW", "--json"]).output)
    assert rows == [{"contract": "FW-HPLAW", "customer": "HPLAW", "starts_on": "2026-01-01",
                     "ends_on": "2026-12-31", "kinds": ["quarterly", "contract_end"],
                     "recipients": ["孙丽 <sunli@hplaw.cn>", "赵敏"],
                     "recipients_in_effect": [
                         {"zh": "孙丽 <sunli@hplaw.cn>", "en": "孙丽 <sunli@hplaw.cn>"},
                         {"zh": "赵敏", "en": "赵敏"}],
                     "min_coverage_percent": 50, "min_requests": 3, "contract_end_days": 60,
                     "mail": True, "default": False, "updated_by": "赵敏",
                     "updated_at": "2029-01-10T02:00:00+00:00"}]
    bad = runner.invoke(cli, ["--lang", "en", "--db", url, "schedules", "set", "FW-HPLAW",
                              "--kinds", "monthly", "--min-coverage", "120"])
    assert bad.exit_code == 1 and len(bad.output.strip().splitlines()) == 1
    assert "Unknown report kinds: monthly" in bad.output and "0 to 100" in bad.output
    unknown = runner.invoke(cli, ["--db", url, "schedules", "set", "FW-NONE", "--end-days", "9"])
    assert unknown.exit_code == 1 and "没有编号为 FW-NONE 的服务合同" in unknown.output
    reset = runner.invoke(cli, ["--db", url, "schedules", "reset", "FW-HPLAW"])
    assert reset.exit_code == 0 and "恢复默认" in reset.output
    with db.read() as session:
        contract = session.scalar(select(Contract).where(Contract.number == "FW-HPLAW"))
        assert schedule_of(session, contract.id) == DEFAULTS


def test_a_bad_schedule_is_refused_whole(world):
    history, db, _ = world
    push(history.store, db, RECORDED)
    with pytest.raises(ValidationError) as error, db.write() as session:
        set_schedule(session, "FW-TJH1", updated_by="x", min_requests=-1, contract_end_days=0)
    assert {i.field for i in error.value.issues} == {"min_requests", "contract_end_days"}
    with pytest.raises(NotFound), db.write() as session:
        set_schedule(session, "FW-X", updated_by="x")
