"""When reports and findings are made (R6.3): each trigger fires when, and only when, it
should, and running again makes nothing new."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from fieldapp.archive.cli import cli
from fieldapp.archive.reports import ReportRules, end_of_day, list_reports, run_due
from fieldapp.archive.reports.models import Report
from fieldapp.base.errors import ValidationError
from fieldapp.store.finding_models import Finding
from tests.archive.report_data import History, archive_db, at, push
from tests.archive.servers import postgres_database, postgres_reason

TODAY = date(2026, 11, 20)
# When the laptop records the history (all of it before TODAY): not the wall clock, which
# refused this history as "in the future" on a day before TODAY.
RECORDED = end_of_day(TODAY)


@pytest.fixture
def world(tmp_path) -> Iterator[tuple[History, object]]:
    history = History(tmp_path / "laptop", now=RECORDED)
    db = archive_db(tmp_path)
    yield history, db
    db.close()
    history.store.close()


def day(offset: int, hhmm: str = "10:00"):
    return at((TODAY + timedelta(days=offset)).isoformat(), hhmm)


def fine_visit(history: History, offset: int, device: int = 2, fault: str = "打印机卡纸",
               customer: str = "TJH1") -> str:
    """An on-site visit well within its SLA (arrived after 30 min, solved after 60)."""
    return history.request(customer=customer, at=day(offset), arrive_min=30, solve_min=60,
                           device=device, fault=fault).number


def run(history: History, db, today: date = TODAY, rules: ReportRules | None = None):
    push(history.store, db, RECORDED)
    with db.write() as session:
        result = run_due(session, now=end_of_day(today), rules=rules)
        return ([(f.rule, f.evidence.split(","), f.summary_zh, f.summary_en)
                 for f in result.findings],
                [(r.kind, r.period_start, r.period_end) for r in result.reports])


def rules_of(findings, rule: str) -> list:
    return [f for f in findings if f[0] == rule]


def test_two_failures_of_a_device_in_90_days_are_no_pattern(world):
    history, db = world
    fine_visit(history, -40)
    fine_visit(history, -10)
    findings, _ = run(history, db)
    assert rules_of(findings, "repeat_device") == []


def test_three_failures_in_90_days_are_a_finding_with_the_evidence(world):
    history, db = world
    numbers = [fine_visit(history, offset) for offset in (-80, -40, -10)]
    findings, reports = run(history, db)
    [(_, evidence, zh, en)] = rules_of(findings, "repeat_device")
    assert evidence == numbers
    assert "ZC-TJH1-002" in zh and "90 天内故障 3 次" in zh
    assert "failed 3 times within 90 days" in en
    assert ("proactive", TODAY - timedelta(days=80), TODAY) in reports


def test_three_failures_spread_over_100_days_are_no_pattern(world):
    history, db = world
    for offset in (-100, -50, -1):
        fine_visit(history, offset)
    findings, _ = run(history, db)
    assert rules_of(findings, "repeat_device") == []


def test_a_pattern_is_reported_once_even_as_it_grows(world):
    history, db = world
    for offset in (-80, -40, -10):
        fine_visit(history, offset)
    assert len(rules_of(run(history, db)[0], "repeat_device")) == 1
    fine_visit(history, -5)
    findings, reports = run(history, db, TODAY + timedelta(days=1))
    assert findings == [] and all(kind != "proactive" for kind, *_ in reports)


def test_the_same_fault_on_four_devices_in_30_days_is_a_finding(world):
    history, db = world
    numbers = [fine_visit(history, -20 + i, device=i, fault="无法连接网络打印机")
               for i in range(4)]
    fine_visit(history, -15, device=5, fault="显示器黑屏")
    [(_, evidence, zh, en)] = rules_of(run(history, db)[0], "same_fault")
    assert evidence == numbers
    assert "4 台设备报告同一故障“无法连接网络打印机”" in zh
    assert "4 devices reported the same fault" in en


def test_the_same_fault_on_three_devices_or_on_another_customer_is_none(world):
    history, db = world
    for i in range(3):
        fine_visit(history, -20 + i, device=i, fault="无法连接网络打印机")
    fine_visit(history, -10, device=0, fault="无法连接网络打印机", customer="HPLAW")
    assert rules_of(run(history, db)[0], "same_fault") == []


def late_visit(history: History, offset: int, device: int) -> str:
    """On site after four hours: breached (the cap is three)."""
    return history.request(at=day(offset), arrive_min=240, solve_min=270, device=device).number


def test_rising_sla_breaches_are_a_finding(world):
    history, db = world
    numbers = [late_visit(history, offset, i) for i, offset in enumerate((-25, -15, -5))]
    [(_, evidence, zh, en)] = rules_of(run(history, db)[0], "sla_rising")
    assert evidence == sorted(numbers)
    assert "近 30 天服务超时 3 次，此前 30 天 0 次" in zh and "rising" in en


def test_breaches_as_many_as_before_are_not_rising(world):
    history, db = world
    for i, offset in enumerate((-55, -45, -25, -15, -5)):
        late_visit(history, offset, i)
    assert rules_of(run(history, db)[0], "sla_rising") == []  # 3 now, 2 before: < 2 ×


def test_rules_are_configurable(world):
    history, db = world
    for offset in (-40, -10):
        fine_visit(history, offset)
    findings, _ = run(history, db, rules=ReportRules(repeat_device_failures=2))
    assert len(rules_of(findings, "repeat_device")) == 1


def quarter_data(history: History) -> None:
    for offset_days, hhmm in ((0, "09:00"), (30, "11:00"), (60, "15:00")):
        history.request(at=at((date(2026, 7, 2) + timedelta(days=offset_days)).isoformat(),
                              hhmm), arrive_min=30, solve_min=60, device=offset_days // 30)


def test_a_quarterly_report_only_after_the_quarter_and_only_with_data(world):
    history, db = world
    quarter_data(history)
    _, reports = run(history, db, date(2026, 9, 30))
    assert reports == []  # Q3 has not ended; Q2 and H1 had no requests
    _, reports = run(history, db, date(2026, 10, 1))
    assert reports == [("quarterly", date(2026, 7, 1), date(2026, 9, 30))]
    _, reports = run(history, db, date(2026, 10, 2))
    assert reports == []


def test_half_year_and_year_reports_follow_their_periods(world):
    history, db = world
    history.request(at=at("2026-01-10"), arrive_min=30, solve_min=60, device=0)
    history.request(at=at("2026-03-10"), arrive_min=30, solve_min=60, device=1)
    _, reports = run(history, db, date(2026, 7, 1))
    assert ("half_yearly", date(2026, 1, 1), date(2026, 6, 30)) in reports
    assert ("quarterly", date(2026, 1, 1), date(2026, 3, 31)) in reports
    assert all(kind != "yearly" for kind, *_ in reports)


def test_the_contract_summary_comes_30_days_before_the_end_once(world):
    history, db = world
    history.request(at=at("2026-11-01"), arrive_min=30, solve_min=60, device=0)
    summary = [("contract_end", date(2026, 1, 1), date(2026, 12, 31))]
    assert [r for r in run(history, db, date(2026, 11, 30))[1] if r[0] == "contract_end"] == []
    made = [r for r in run(history, db, date(2026, 12, 1))[1] if r[0] == "contract_end"]
    assert made == summary * 2  # both customers' contracts end on 31 December
    assert [r for r in run(history, db, date(2026, 12, 2))[1] if r[0] == "contract_end"] == []


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql",
                                                             marks=pytest.mark.postgres)])
def test_reports_run_twice_makes_nothing_new_the_second_time(tmp_path, backend):
    history = History(tmp_path / "laptop", now=RECORDED)
    for offset in (-80, -40, -10):
        fine_visit(history, offset)
    quarter_data(history)
    if backend == "postgresql":
        if (reason := postgres_reason()) is not None:
            pytest.skip(reason)
        context = postgres_database()
        url = context.__enter__()
    else:
        context, url = None, f"sqlite:///{tmp_path / 'archive.db'}"
    try:
        db = archive_db(tmp_path, url)
        push(history.store, db, RECORDED)
        db.close()
        runner = CliRunner()
        first = runner.invoke(cli, ["--db", url, "reports", "run", "--today", TODAY.isoformat()])
        assert first.exit_code == 0, first.output
        assert "发现\t同一设备反复故障" in first.output  # in the messages' language (zh)
        assert "报告\t" in first.output and "\t季度报告\t" in first.output
        assert "finding" not in first.output and "quarterly" not in first.output
        second = runner.invoke(cli, ["--lang", "en", "--db", url, "reports", "run", "--today",
                                     TODAY.isoformat()])
        assert second.exit_code == 0 and second.output.strip() == "0 reports, 0 findings made"
        listing = runner.invoke(cli, ["--db", url, "reports", "list", "--json"])
        rows = json.loads(listing.output)
        assert {r["kind"] for r in rows} >= {"quarterly", "proactive"}
        out = tmp_path / "r.csv"
        exported = runner.invoke(cli, ["--db", url, "reports", "export", rows[0]["id"], "-o",
                                       str(out)])
        assert exported.exit_code == 0 and out.read_bytes().startswith(b"\xef\xbb\xbfsection")
        shown = runner.invoke(cli, ["--db", url, "reports", "show", rows[0]["id"]])
        assert shown.exit_code == 0 and "天津市第一中心医院" in shown.output
    finally:
        history.store.close()
        if context is not None:
            context.__exit__(None, None, None)


def test_a_bad_rules_file_is_refused_before_anything_is_made(tmp_path, world):
    history, db = world
    for offset in (-80, -40, -10):
        fine_visit(history, offset)
    push(history.store, db, RECORDED)
    rules = tmp_path / "rules.json"
    rules.write_text('{"repeat_device_failures": 0, "colour": "blue"}', encoding="utf-8")
    with pytest.raises(ValidationError) as error:
        ReportRules.load(rules)
    assert {i.field for i in error.value.issues} == {"repeat_device_failures", "colour"}
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    result = CliRunner().invoke(cli, ["--db", url, "reports", "run", "--rules", str(rules)])
    assert result.exit_code != 0 and "colour" in result.output
    with db.read() as session:
        assert list_reports(session) == []
        assert session.scalars(select(Finding)).all() == []
        assert session.scalars(select(Report)).all() == []
