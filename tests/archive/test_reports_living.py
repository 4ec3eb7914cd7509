"""Living reports (issue 20 item 2): a report is a versioned document. Records that reach
the archive late and change a period already reported make the next `reports run` issue a
new version that says what changed, the old one kept; a run with nothing new makes
nothing. Existing reports become version 1 when the archive is upgraded (migration a008).
The clock is frozen; each run says which day it is.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import create_engine, select, text

from fieldapp.archive.cli import cli
from fieldapp.archive.db import Database, _archive_config, upgrade_core
from fieldapp.archive.reports import end_of_day, run_due
from fieldapp.archive.reports.export import export_report
from fieldapp.archive.reports.figures import Figures
from fieldapp.archive.reports.models import Report
from fieldapp.archive.reports.versions import version_of, versions
from fieldapp.store.models import Customer
from tests.archive.report_data import History, at, frozen_world, push

FROZEN = datetime(2026, 12, 20, 2, 0, tzinfo=UTC)
RECORDED = end_of_day(date(2026, 12, 19))
Q3 = ("quarterly", date(2026, 7, 1), date(2026, 9, 30))


@pytest.fixture
def world(tmp_path, db_url) -> Iterator[tuple[History, Database, str]]:
    with frozen_world(tmp_path, db_url, FROZEN) as made:
        yield made


def visit(history: History, day: str, device: int, fees: tuple = ()) -> str:
    return history.request(at=at(day), arrive_min=30, solve_min=60, device=device,
                           fees=fees).number


def run(history: History, db, today: date):
    push(history.store, db, RECORDED)
    with db.write() as session:
        result = run_due(session, now=end_of_day(today))
        return ([(r.kind, r.period_start, r.period_end) for r in result.reports],
                [(r.kind, r.period_start, r.period_end, r.version) for r in result.revised])


def quarterly(db) -> Report:
    with db.read() as session:
        return session.scalars(select(Report).where(
            Report.kind == "quarterly", Report.period_start == Q3[1])).one()


def test_late_data_issues_a_new_version_that_says_what_changed(world):
    history, db, _ = world
    for i, day in enumerate(("2026-07-08", "2026-08-12", "2026-09-03")):
        visit(history, day, device=i, fees=(("labour", "100.00"),))
    made, _ = run(history, db, date(2026, 10, 1))
    assert Q3 in made
    first = quarterly(db)
    assert first.version == 1
    # a laptop that was offline since September syncs two visits of the quarter
    visit(history, "2026-09-21", device=4, fees=(("parts", "250.50"),))
    visit(history, "2026-09-28", device=5)
    made, revised = run(history, db, date(2026, 10, 9))
    assert made == [] and (*Q3, 2) in revised
    report = quarterly(db)
    assert report.id == first.id and report.version == 2
    with db.read() as session:
        history_ = versions(session, report)
        assert [v.version for v in history_] == [2, 1]
        assert history_[0].change_zh == ("服务请求 3→5；服务单 3→5；时限达标 3→5；"
                                         "服务费用 ¥300.00→¥550.50")
        assert history_[0].change_en == ("requests 3→5; slips 3→5; SLA met 3→5; "
                                         "fees ¥300.00→¥550.50")
        old = version_of(session, report, 1)
        assert Figures.from_json(old.figures).requests_total == 3  # kept as issued
        assert Figures.from_json(report.figures).requests_total == 5  # the latest
        old_csv = export_report(report, "csv", version=old).decode("utf-8-sig")
        new_csv = export_report(report, "csv", version=history_[0]).decode("utf-8-sig")
    assert _total(old_csv, "requests") == "3" and _total(new_csv, "requests") == "5"


def _total(csv_text: str, item: str) -> str:
    return next(r["value"] for r in csv.DictReader(io.StringIO(csv_text))
                if r["section"] == "totals" and r["item"] == item)


def test_a_rerun_with_nothing_new_makes_nothing(world):
    history, db, url = world
    visit(history, "2026-08-12", device=0)
    run(history, db, date(2026, 10, 1))
    assert run(history, db, date(2026, 10, 1)) == ([], [])
    assert run(history, db, date(2026, 10, 2)) == ([], [])
    again = CliRunner().invoke(cli, ["--lang", "en", "--db", url, "reports", "run", "--today",
                                     "2026-10-03"])
    assert again.exit_code == 0 and again.output.strip() == "0 reports, 0 findings made"
    assert quarterly(db).version == 1


def test_late_data_of_another_period_changes_no_report(world):
    history, db, _ = world
    visit(history, "2026-08-12", device=0)
    run(history, db, date(2026, 10, 1))
    visit(history, "2026-10-20", device=1)  # Q4: not reported yet
    assert run(history, db, date(2026, 10, 21)) == ([], [])
    assert quarterly(db).version == 1


def test_the_cli_names_the_new_version_and_exports_any(world, tmp_path):
    history, db, url = world
    visit(history, "2026-08-12", device=0)
    run(history, db, date(2026, 10, 1))
    visit(history, "2026-09-15", device=1)
    push(history.store, db, RECORDED)
    runner = CliRunner()
    ran = runner.invoke(cli, ["--db", url, "reports", "run", "--today", "2026-10-05"])
    assert ran.exit_code == 0, ran.output
    report_id = str(quarterly(db).id)
    assert (f"新版本\t{report_id}\t季度报告\t2026-07-01 至 2026-09-30\t第 2 版：服务请求 1→2；"
            "服务单 1→2；时限达标 1→2") in ran.output
    assert "新版本 1 份" in ran.output
    listed = json.loads(runner.invoke(cli, ["--db", url, "reports", "versions", report_id,
                                            "--json"]).output)
    assert [(v["version"], v["change_en"]) for v in listed] == [
        (2, "requests 1→2; slips 1→2; SLA met 1→2"), (1, "")]
    out = tmp_path / "v1.csv"
    exported = runner.invoke(cli, ["--db", url, "reports", "export", report_id, "--version", "1",
                                   "-o", str(out)])
    assert exported.exit_code == 0 and _total(out.read_text("utf-8-sig"), "requests") == "1"
    missing = runner.invoke(cli, ["--lang", "en", "--db", url, "reports", "export", report_id,
                                  "--version", "7", "-o", str(tmp_path / "v7.pdf")])
    assert missing.exit_code == 1 and "has no version 7 (2 in all)" in missing.output
    assert not (tmp_path / "v7.pdf").exists()


def test_reports_made_before_the_upgrade_become_version_1(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade_core(engine)
    config = _archive_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "a007")
        conn.execute(text(
            "INSERT INTO archive_reports (id, customer_id, kind, period_start, period_end, "
            "requested_by, reason_zh, reason_en, figures, created_at) VALUES "
            "('0a0b0c0d0e0f40018000000000000001', '0a0b0c0d0e0f40018000000000000002', "
            "'yearly', '2025-01-01', '2025-12-31', '', '', '', '{\"x\": 1}', "
            "'2026-01-01 01:00:00.000000')"))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        assert conn.execute(text("SELECT version, checked_seq FROM archive_reports")).all() == [
            (1, 0)]
        assert conn.execute(text(
            "SELECT version, figures, change_zh FROM archive_report_versions")).all() == [
            (1, '{"x": 1}', "")]
    engine.dispose()


def test_only_the_reports_of_customers_with_new_records_are_recomputed(world, monkeypatch):
    history, db, _ = world
    visit(history, "2026-08-12", device=0)  # TJH1
    history.request(customer="HPLAW", at=at("2026-08-13"), arrive_min=30, solve_min=60,
                    device=0)
    run(history, db, date(2026, 10, 1))
    from fieldapp.archive.reports import versions as versions_module

    recomputed = []
    real = versions_module.compute_figures
    monkeypatch.setattr(versions_module, "compute_figures", lambda session, customer_id, *a:
                        recomputed.append(customer_id) or real(session, customer_id, *a))
    history.request(customer="HPLAW", at=at("2026-09-14"), arrive_min=30, solve_min=60,
                    device=1)  # late, of HPLAW only
    made, revised = run(history, db, date(2026, 10, 2))
    assert made == [] and revised == [(*Q3, 2)]  # HPLAW's quarter
    with db.read() as session:
        hplaw = session.scalar(select(Customer.id).where(Customer.code == "HPLAW"))
    assert set(recomputed) == {hplaw}
    assert quarterly_of(db, "TJH1").version == 1 and quarterly_of(db, "HPLAW").version == 2


def quarterly_of(db, code: str) -> Report:
    with db.read() as session:
        return session.scalars(select(Report).join(
            Customer, Customer.id == Report.customer_id).where(
            Customer.code == code, Report.kind == "quarterly",
            Report.period_start == Q3[1])).one()
