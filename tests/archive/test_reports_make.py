"""`fieldapp-archive reports make`: staff make an ad-hoc report for any customer and period
(a customer asked by phone) with the engine the scheduled reports use; it is stored like
them, once per customer and period, and the customer sees it on the portal. Bad input is
one line in the messages' language, and nothing is made."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import select

from fieldapp.archive.cli import cli
from fieldapp.archive.portal.reports_link import list_reports as portal_reports
from fieldapp.archive.reports import list_reports
from fieldapp.archive.reports.figures import Figures
from fieldapp.base.i18n import set_language
from fieldapp.store.models import Customer
from tests.archive.report_data import History, archive_db, at, push

NOW = at("2026-10-15", "10:00")  # a Thursday; the third quarter is over


@pytest.fixture()
def archive(tmp_path: Path) -> Iterator[str]:
    with time_machine.travel(NOW, tick=False):
        history = History(tmp_path / "laptop", now=NOW)
        history.request(channel="onsite", at=at("2026-08-03", "09:00"), answer_min=3,
                        arrive_min=50, solve_min=120, fees=(("labour", "120"),))
        history.request(customer="HPLAW", channel="phone", at=at("2026-08-04"), answer_min=2,
                        device=None)
        db = archive_db(tmp_path)
        push(history.store, db, NOW)
        db.close()
        history.store.close()
        yield f"sqlite:///{tmp_path / 'archive.db'}"
    set_language("zh")  # the CLI's --lang sets the application's language


def make(url: str, *args: str, lang: str = "zh"):
    return CliRunner().invoke(cli, ["--lang", lang, "--db", url, "reports", "make", *args])


def reports(url: str) -> list:
    db = archive_db(Path(url.removeprefix("sqlite:///")).parent)
    try:
        with db.read() as session:
            found = list_reports(session)
            session.expunge_all()
            return found
    finally:
        db.close()


def test_staff_make_a_report_for_a_customer_and_period_shown_on_the_portal(archive, tmp_path):
    made = make(archive, "--customer", "TJH1", "--from", "2026-07-01", "--to", "2026-09-30")
    assert made.exit_code == 0, made.output
    first, *observations = made.output.splitlines()
    assert first.startswith("已生成应客户要求的报告 ") and "天津市第一中心医院（TJH1）" in first
    assert "2026-07-01 至 2026-09-30" in first
    assert observations[0].startswith("- 本期共受理服务请求 1 项，服务单 1 张")
    (report,) = reports(archive)
    assert report.kind == "requested" and report.requested_by == "服务中心"
    fig = Figures.from_json(report.figures)
    assert (fig.customer_code, fig.requests_total, fig.fees_all_fen) == ("TJH1", 1, 12000)

    db = archive_db(tmp_path)  # the customer's portal lists it
    with db.read() as session:
        customer = session.scalar(select(Customer).where(Customer.code == "TJH1"))
        rows = portal_reports(session, customer.id, limit=10, offset=0)
    db.close()
    assert [(r.id, r.period_start.isoformat()) for r in rows] == [(str(report.id), "2026-07-01")]

    listed = CliRunner().invoke(cli, ["--db", archive, "reports", "list"])
    assert listed.output.split("\t")[:4] == [str(report.id), "TJH1", "应客户要求的报告",
                                              "2026-07-01 至 2026-09-30"]
    shown = CliRunner().invoke(cli, ["--db", archive, "reports", "show", str(report.id),
                                     "--lang", "en"])
    assert shown.output.startswith("天津市第一中心医院 (TJH1) Report on the customer's request "
                                   "2026-07-01 to 2026-09-30\n- 1 service requests")

    again = make(archive, "--customer", "TJH1", "--from", "2026-07-01", "--to", "2026-09-30")
    assert again.exit_code == 0 and again.output.startswith(f"该期报告已有：{report.id}")
    assert len(reports(archive)) == 1


def test_in_english_with_the_pdf_written(archive, tmp_path):
    out = tmp_path / "r.pdf"
    made = make(archive, "--customer", "HPLAW", "--from", "2026-08-01", "--to", "2026-10-15",
                "--requested-by", "孙丽（电话）", "--lang", "en", "-o", str(out), lang="en")
    assert made.exit_code == 0, made.output
    lines = made.output.splitlines()
    assert lines[0].startswith("Report on the customer's request ")
    assert "和平律师事务所 (HPLAW), 2026-08-01 to 2026-10-15." in lines[0]
    assert lines[-1] == f"{out} written ({out.stat().st_size} bytes)."
    assert not any("\u4e00" <= c <= "\u9fff" for c in "".join(lines[1:]))
    assert out.read_bytes().startswith(b"%PDF")
    (report,) = reports(archive)
    assert report.requested_by == "孙丽（电话）"


@pytest.mark.parametrize("args,zh,en", [
    (("--customer", "NOPE", "--from", "2026-07-01", "--to", "2026-09-30"),
     "错误: 档案中没有客户 NOPE。", "Error: The archive has no customer NOPE."),
    (("--customer", "TJH1", "--from", "2026-09-30", "--to", "2026-07-01"),
     "错误: 报告期结束日期不能早于开始日期。", "Error: The period cannot end before it starts."),
    (("--customer", "TJH1", "--from", "2026-10-01", "--to", "2026-12-31"),
     "错误: 报告期不能延伸到将来：结束日期最晚为今天（2026-10-15）。",
     "Error: The period cannot reach into the future: it ends today (2026-10-15) at the latest."),
    (("--customer", "TJH1", "--from", "2027-01-01", "--to", "2027-03-31"),
     "错误: 报告期不能从将来开始。", "Error: The period cannot start in the future."),
    (("--customer", "TJH1", "--from", "2026-7-1", "--to", "2026-09-30"),
     "错误: --from 须为日期 YYYY-MM-DD，而不是 “2026-7-1”。",
     "Error: --from must be a date YYYY-MM-DD, not '2026-7-1'."),
])
def test_bad_input_is_one_line_in_the_messages_language_and_makes_nothing(archive, args, zh,
                                                                          en):
    for lang, line in (("zh", zh), ("en", en)):
        with time_machine.travel(NOW, tick=False):
            result = make(archive, *args, lang=lang)
        assert result.exit_code != 0
        assert result.output.strip() == line
    assert reports(archive) == []
