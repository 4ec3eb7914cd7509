"""Made reports reach their recipients (issue 20 item 1, "to whom"): `reports run` e-mails
each new report and each new version, PDF attached, once to every schedule recipient with
an address, through a real local SMTP server (aiosmtpd); a server that is down delays only
the mail, and without a configured server nothing waits. The clock is frozen."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email import message_from_bytes, policy

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from fieldapp.archive.cli import cli
from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.db import Database
from fieldapp.archive.reports import end_of_day, mailing, run_due
from fieldapp.archive.reports.models import Report, ReportDelivery
from fieldapp.archive.reports.schedules import set_schedule
from fieldapp.documents.model import CompanyInfo
from tests.archive.report_data import History, at, frozen_world, push
from tests.archive.test_tasks import Inbox, _free_port, smtp  # noqa: F401  (the fixture)

FROZEN = datetime(2026, 12, 20, 2, 0, tzinfo=UTC)
RECORDED = end_of_day(date(2026, 12, 19))
SUNLI = "sunli@example.cn"
COMPANY = CompanyInfo(name="津门信息技术服务有限公司")


@pytest.fixture
def world(tmp_path, db_url) -> Iterator[tuple[History, Database, str]]:
    with frozen_world(tmp_path, db_url, FROZEN) as made:
        history, db, _url = made
        push(history.store, db, RECORDED)  # the customers and their contracts
        with db.write() as session:  # the agreement names who gets its reports
            set_schedule(session, "FW-TJH1", updated_by="test",
                         kinds=("quarterly",),
                         recipients=(f"孙丽 <{SUNLI}>", "王主任（电话联系，无邮箱）"))
            set_schedule(session, "FW-HPLAW", updated_by="test", kinds=())
        yield made


def _settings(port: int) -> ArchiveSettings:
    return ArchiveSettings(smtp_host="127.0.0.1", smtp_port=port,
                           smtp_from="fieldapp@centre.example", smtp_timeout_seconds=5,
                           company_name=COMPANY.name)


def _env(port: int) -> dict[str, str]:
    return {"FIELDAPP_ARCHIVE_SMTP_HOST": "127.0.0.1", "FIELDAPP_ARCHIVE_SMTP_PORT": str(port),
            "FIELDAPP_ARCHIVE_SMTP_FROM": "fieldapp@centre.example",
            "FIELDAPP_ARCHIVE_COMPANY_NAME": COMPANY.name}


def visit(history: History, day: str, device: int, fees: tuple = ()) -> None:
    history.request(at=at(day), arrive_min=30, solve_min=60, device=device, fees=fees)


def quarter(history: History) -> None:
    for i, day in enumerate(("2026-07-08", "2026-08-12", "2026-09-03")):
        visit(history, day, device=i, fees=(("labour", "100.00"),))


def run_cli(history: History, db: Database, today: str, env: dict[str, str]):
    push(history.store, db, RECORDED)
    result = CliRunner().invoke(cli, ["--db", str(db.engine.url), "reports", "run",
                                      "--today", today], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def run(history: History, db: Database, today: date, settings: ArchiveSettings
        ) -> mailing.DeliveryResult:
    """`reports run` as the command does it: make, queue in the same transaction, send."""
    push(history.store, db, RECORDED)
    with db.write() as session:
        result = run_due(session, now=end_of_day(today))
        mailing.queue(session, [*result.reports, *result.revised], settings,
                      now=end_of_day(today))
    return mailing.send_pending(db, settings, COMPANY, now=end_of_day(today))


def parsed(inbox: Inbox):
    return [(rcpt, message_from_bytes(raw, policy=policy.default))
            for _, rcpt, raw in inbox.messages]


def test_a_made_report_is_mailed_once_with_its_pdf(world, smtp):  # noqa: F811
    history, db, _ = world
    inbox, port = smtp
    quarter(history)
    result = run_cli(history, db, "2026-10-01", _env(port))
    assert result.output.splitlines()[-1] == "报告邮件：已发送 1 封，待发 0 封（下次运行重试）。"
    ((rcpt, mail),) = parsed(inbox)  # the recipient without an address is not written to
    assert rcpt == [SUNLI]
    assert mail["Subject"] == ("【服务分析报告】天津市第一中心医院 季度报告 "
                               "2026-07-01 至 2026-09-30 / [Service report] 天津市第一中心医院 "
                               "Quarterly report "
                               "2026-07-01 to 2026-09-30")
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert body.index("附件为天津市第一中心医院（TJH1）的季度报告") < body.index("Attached is")
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "report-TJH1-quarterly-2026-07-01-v1.pdf"
    assert attachment.get_content().startswith(b"%PDF-")
    # running again (the same day, the next) sends nothing more
    again = run_cli(history, db, "2026-10-02", _env(port))
    assert again.output.splitlines()[-1] == "报告邮件：已发送 0 封，待发 0 封（下次运行重试）。"
    assert len(inbox.messages) == 1
    with db.read() as session:
        (row,) = session.scalars(select(ReportDelivery))
        assert (row.version, row.state, row.attempts, row.sent_at) == (
            1, "sent", 1, end_of_day(date(2026, 10, 1)))


def test_a_reissued_version_is_mailed_with_what_changed(world, smtp):  # noqa: F811
    history, db, _ = world
    inbox, port = smtp
    quarter(history)
    assert run(history, db, date(2026, 10, 1), _settings(port)).sent == 1
    visit(history, "2026-09-21", device=4, fees=(("parts", "250.50"),))  # synced late
    assert run(history, db, date(2026, 10, 9), _settings(port)).sent == 1
    assert run(history, db, date(2026, 10, 10), _settings(port)).sent == 0
    (_, first), (rcpt, second) = parsed(inbox)
    assert rcpt == [SUNLI]
    assert second["Subject"].startswith("【服务分析报告】天津市第一中心医院 季度报告 2026-07-01 至 "
                                        "2026-09-30（第 2 版） / [Service report]")
    assert second["Subject"].endswith("(version 2)")
    body = second.get_body(preferencelist=("plain",)).get_content()
    assert ("本报告为第 2 版：后补的服务记录改变了本期数字——服务请求 3→4；服务单 3→4；"
            "时限达标 3→4；服务费用 ¥300.00→¥550.50。") in body
    assert "This is version 2: records that arrived late changed this period's figures — " \
           "requests 3→4; slips 3→4; SLA met 3→4; fees ¥300.00→¥550.50." in body
    (pdf,) = list(second.iter_attachments())
    assert pdf.get_filename().endswith("-v2.pdf") and pdf.get_content().startswith(b"%PDF-")
    assert "第 2 版" not in first["Subject"]


def test_a_server_that_is_down_leaves_the_mail_pending_for_the_next_run(
        world, smtp, caplog):  # noqa: F811
    history, db, _ = world
    inbox, port = smtp
    quarter(history)
    down = _settings(_free_port())  # nobody listens there
    with caplog.at_level(logging.WARNING, logger="fieldapp.archive.reports"):
        first = run(history, db, date(2026, 10, 1), down)
    assert (first.sent, first.failed, first.waiting) == (0, 1, 1)
    with db.read() as session:
        report_id = session.scalars(select(Report.id)).one()
    (line,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert line == (f"report {report_id} version 1: e-mail not sent (ConnectionRefusedError), "
                    "tried 1 times; retried on the next run")
    assert "sunli" not in line and "孙丽" not in line  # no personal data in the log
    assert inbox.messages == []
    later = run(history, db, date(2026, 10, 2), _settings(port))  # the server is back
    assert (later.sent, later.failed, later.waiting) == (1, 0, 0)
    assert run(history, db, date(2026, 10, 3), _settings(port)).sent == 0
    assert [rcpt for rcpt, _ in parsed(inbox)] == [[SUNLI]]


def test_the_run_command_says_on_stderr_what_failed_without_addresses(world):
    history, db, _ = world
    quarter(history)
    result = run_cli(history, db, "2026-10-01", _env(_free_port()))
    assert result.stdout.splitlines()[-1] == "报告邮件：已发送 0 封，待发 1 封（下次运行重试）。"
    (line,) = result.stderr.splitlines()
    assert json.loads(line)["message"].endswith(
        "e-mail not sent (ConnectionRefusedError), tried 1 times; retried on the next run")
    assert "sunli" not in line and "孙丽" not in line


def test_without_a_server_nothing_is_pending(world, smtp):  # noqa: F811
    history, db, _ = world
    inbox, _port = smtp
    quarter(history)
    result = run_cli(history, db, "2026-10-01", {})
    assert not result.output.splitlines()[-1].startswith("报告邮件")  # no mail line at all
    with db.read() as session:
        assert session.scalars(select(Report)).all()
        assert session.scalars(select(ReportDelivery)).all() == []
    assert inbox.messages == []


def test_a_schedule_naming_nobody_goes_to_the_contacts_and_the_account_manager(
        world, smtp):  # noqa: F811
    history, db, _ = world
    inbox, port = smtp
    with db.write() as session:
        set_schedule(session, "FW-TJH1", updated_by="test", recipients=())
    quarter(history)
    settings = _settings(port).model_copy(
        update={"task_manager_emails": {"赵敏": "zhao.min@centre.example"}})
    assert run(history, db, date(2026, 10, 1), settings).sent == 1
    assert [rcpt for rcpt, _ in parsed(inbox)] == [["zhao.min@centre.example"]]


def test_a_schedule_switched_off_mails_nothing(world, smtp):  # noqa: F811
    history, db, _ = world
    inbox, port = smtp
    off = CliRunner().invoke(cli, ["--db", str(db.engine.url), "schedules", "set", "FW-TJH1",
                                   "--no-mail"], catch_exceptions=False)
    assert off.exit_code == 0 and "（不发邮件，仅在客户门户）" in off.output
    quarter(history)
    result = run(history, db, date(2026, 10, 1), _settings(port))
    assert (result.sent, result.waiting) == (0, 0)
    with db.read() as session:
        assert session.scalars(select(Report)).all()  # made, on the portal
        assert session.scalars(select(ReportDelivery)).all() == []
    assert inbox.messages == []
