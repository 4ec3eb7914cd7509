"""Someone is told (issue 20 item 5): a proactive finding, a breached SLA clock and a
complaint past its promised answer time each make one task for the customer's account
manager (or the service centre), however often the archive scans; staff mark it done with
who and when; a configured SMTP server gets one e-mail per task (a real local server here,
aiosmtpd), and a server that is down delays only the e-mail."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from datetime import date, timedelta
from email import message_from_bytes, policy

import pytest
import time_machine
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner
from sqlalchemy import select

from fieldapp.archive.cli import cli
from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.reports import end_of_day, run_due
from fieldapp.archive.tasks import list_tasks, mark_done, scan
from fieldapp.archive.tasks_mail import send_pending
from fieldapp.archive.tasks_models import Task
from fieldapp.base.errors import NotFound, WorkflowError
from fieldapp.store.models import Customer
from tests.archive.report_data import History, archive_db, at, push

TODAY = date(2026, 11, 20)  # a Friday
NOW = end_of_day(TODAY)  # the scan runs as at the end of TODAY (Beijing time)


@pytest.fixture
def world(tmp_path, db_url) -> Iterator[tuple[History, object]]:
    """A laptop's history and an archive on SQLite and on PostgreSQL (conftest's db_url)."""
    with time_machine.travel(NOW, tick=False):  # every clock in the test reads NOW
        history = History(tmp_path / "laptop", now=NOW)
        db = archive_db(tmp_path, db_url)
        yield history, db
        db.close()
        history.store.close()


def day(offset: int, hhmm: str = "10:00"):
    return at((TODAY + timedelta(days=offset)).isoformat(), hhmm)


def scan_now(history: History, db, *, mail: bool = False, days: int = 30) -> list[Task]:
    push(history.store, db, NOW)
    with db.write() as session:
        return scan(session, now=NOW, days=days, mail_configured=mail)


def keys(tasks) -> list[str]:
    return [t.key for t in tasks]


# --- causes ------------------------------------------------------------------------------


def test_a_proactive_finding_makes_a_task_for_the_account_manager(world):
    history, db = world
    numbers = [history.request(at=day(offset), arrive_min=30, solve_min=60, device=2).number
               for offset in (-25, -15, -5)]
    push(history.store, db, NOW)
    with db.write() as session:
        (finding,) = run_due(session, now=NOW).findings
    made = scan_now(history, db)
    (task,) = [t for t in made if t.cause == "finding"]
    assert task.key == f"finding:{finding.key}"
    assert task.assignee == "赵敏"  # the customer's 客户经理
    assert task.title_zh.startswith("分析发现：设备") and "故障 3 次" in task.title_zh
    assert task.title_en.startswith("Finding: Device")
    assert task.reference == ",".join(numbers)
    assert (task.created_at, task.done_at, task.mail_state) == (NOW, None, "off")


def test_a_breached_sla_clock_makes_a_task_and_a_kept_one_none(world):
    history, db = world
    late = history.request(at=day(-3), arrive_min=6 * 60, solve_min=7 * 60).number
    history.request(at=day(-2), arrive_min=30, solve_min=60)  # in time: nobody is told
    made = scan_now(history, db)
    assert keys(made) == [f"sla:{late}:onsite_arrival"]
    (task,) = made
    assert task.cause == "sla" and task.reference == late and task.assignee == "赵敏"
    assert "现场到达超时" in task.title_zh and "已超时完成" in task.title_zh
    assert "On-site arrival breached" in task.title_en


def test_a_complaint_past_its_promised_answer_time_makes_a_task(world):
    history, db = world
    overdue = history.complaint(at=day(-3), answer_hours=None)  # promised within 24 h
    history.complaint(at=day(-3), answer_hours=2)  # answered in time
    history.complaint(at=day(0, "20:00"), answer_hours=None)  # not due until tomorrow
    made = scan_now(history, db)
    assert keys(made) == [f"complaint:{overdue}"]
    assert made[0].title_zh == (f"投诉 {overdue} 承诺在 2026-11-18 10:00 前答复，至今未答复。")
    assert made[0].title_en.endswith("none has been given.")


def test_a_customer_without_account_manager_is_the_service_centres(world):
    history, db = world
    history.complaint(at=day(-3), answer_hours=None, customer="HPLAW")
    push(history.store, db, NOW)
    with db.write() as session:
        session.scalar(select(Customer).where(Customer.code == "HPLAW")).account_manager = ""
    (task,) = scan_now(history, db)
    assert task.assignee == ""  # the centre's
    with db.read() as session:
        (view,) = list_tasks(session)
    assert (view.customer_code, view.assignee) == ("HPLAW", "")


def test_scanning_again_makes_nothing_new_and_done_stays_done(world):
    history, db = world
    history.request(at=day(-3), arrive_min=6 * 60, solve_min=7 * 60)
    history.complaint(at=day(-3), answer_hours=None)
    first = scan_now(history, db)
    assert len(first) == 2
    with db.write() as session:
        mark_done(session, first[0].number, done_by="赵敏", now=NOW)
    assert scan_now(history, db) == []
    assert scan_now(history, db) == []
    with db.read() as session:
        assert [t.number for t in list_tasks(session)] == [2, 1]
        assert [t.number for t in list_tasks(session, open_only=True)] == [2]


def test_the_look_back_bounds_what_a_first_scan_finds(world):
    history, db = world
    history.complaint(at=day(-40), answer_hours=None)
    assert scan_now(history, db, days=30) == []
    assert len(scan_now(history, db, days=60)) == 1


def test_done_says_who_and_when_and_cannot_be_done_twice(world):
    history, db = world
    history.complaint(at=day(-3), answer_hours=None)
    (task,) = scan_now(history, db)
    with db.write() as session:
        view = mark_done(session, task.number, done_by=" 赵敏 ", now=NOW)
    assert (view.done_by, view.done_at) == ("赵敏", NOW)
    with db.write() as session, pytest.raises(WorkflowError) as twice:
        mark_done(session, task.number, done_by="孙丽", now=NOW)
    assert twice.value.zh == f"任务 {task.number} 已由 赵敏 于 2026-11-21 00:00 完成。"
    with db.write() as session, pytest.raises(NotFound):
        mark_done(session, 99, done_by="孙丽", now=NOW)


# --- the command -------------------------------------------------------------------------


def _cli(db, *args: str, env: dict[str, str] | None = None):
    url = str(db.engine.url)
    return CliRunner().invoke(cli, ["--db", url, *args], env=env or {},
                              catch_exceptions=False)


def test_the_commands_scan_list_and_close_in_both_languages(world):
    history, db = world
    complaint = history.complaint(at=day(-3), answer_hours=None)
    push(history.store, db, NOW)
    result = _cli(db, "tasks", "scan", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split("\t")[:6] == ["1", "2026-11-21 00:00", "投诉逾期未答复", "TJH1", "赵敏",
                                        "待办"]
    assert lines[-1] == "新任务 1 个。"
    assert _cli(db, "tasks", "scan", "--today", TODAY.isoformat()).output == "新任务 0 个。\n"
    listed = _cli(db, "--lang", "en", "tasks", "list", "--open").output
    assert listed.split("\t")[2] == "Complaint overdue" and complaint in listed
    done = _cli(db, "tasks", "done", "1", "--by", "赵敏")
    assert done.output == "任务 1 已完成（赵敏，2026-11-21 00:00）。\n"
    assert _cli(db, "tasks", "list", "--open").output == "没有待办任务。\n"
    again = _cli(db, "--lang", "en", "tasks", "done", "1")
    assert again.exit_code == 1
    assert again.output.strip() == ("Error: Task 1 was done by 赵敏 on 2026-11-21 00:00.")
    missing = _cli(db, "tasks", "done", "7")
    assert missing.exit_code == 1 and missing.output.strip() == "错误: 没有编号为 7 的任务。"


# --- e-mail ------------------------------------------------------------------------------


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.logins: list[bool] = []  # whether each one came after a login

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        self.logins.append(session.authenticated)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def _only_centre(_server, _session, _envelope, _mechanism, auth_data) -> AuthResult:
    return AuthResult(success=(auth_data.login, auth_data.password) == (b"centre", b"s3cret"))


@pytest.fixture
def smtp_with_login() -> Iterator[tuple[Inbox, int]]:
    """A server that checks a login (over plain text here: no certificate to trust)."""
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=_only_centre,
                            auth_require_tls=False)
    controller.start()
    yield inbox, port
    controller.stop()


def _settings(port: int) -> ArchiveSettings:
    return ArchiveSettings(smtp_host="127.0.0.1", smtp_port=port,
                           smtp_from="fieldapp@centre.example", smtp_timeout_seconds=5,
                           task_centre_email="centre@centre.example",
                           task_manager_emails={"赵敏": "zhao.min@centre.example"})


def test_each_new_task_sends_one_email_in_chinese_with_english_below(world, smtp):
    history, db = world
    inbox, port = smtp
    overdue = history.complaint(at=day(-3), answer_hours=None)
    history.complaint(at=day(-3), answer_hours=None, customer="HPLAW")
    push(history.store, db, NOW)
    with db.write() as session:  # HPLAW's manager has no address: the centre is written to
        session.scalar(select(Customer).where(Customer.code == "HPLAW")).account_manager = "钱多"
    env = {"FIELDAPP_ARCHIVE_SMTP_HOST": "127.0.0.1", "FIELDAPP_ARCHIVE_SMTP_PORT": str(port),
           "FIELDAPP_ARCHIVE_SMTP_FROM": "fieldapp@centre.example",
           "FIELDAPP_ARCHIVE_TASK_CENTRE_EMAIL": "centre@centre.example",
           "FIELDAPP_ARCHIVE_TASK_MANAGER_EMAILS": '{"赵敏": "zhao.min@centre.example"}'}
    result = _cli(db, "tasks", "scan", "--today", TODAY.isoformat(), env=env)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "邮件：已发送 2 封，失败 0 封（下次扫描重试），无地址 0 个。")
    assert sorted(rcpt for _, (rcpt,), _ in inbox.messages) == [
        "centre@centre.example", "zhao.min@centre.example"]
    (raw,) = [content for _, rcpt, content in inbox.messages
              if rcpt == ["zhao.min@centre.example"]]
    mail = message_from_bytes(raw, policy=policy.default)
    assert mail["Subject"] == "[任务 1] 投诉逾期未答复 / [Task 1] Complaint overdue"
    body = mail.get_content()
    assert body.index(f"投诉 {overdue} 承诺在") < body.index(f"Complaint {overdue} was promised")
    assert body.startswith("赵敏：") and "fieldapp-archive tasks done 1" in body
    # scanning again sends nothing more
    again = _cli(db, "tasks", "scan", "--today", TODAY.isoformat(), env=env)
    assert again.output.splitlines()[-1].startswith("邮件：已发送 0 封")
    assert len(inbox.messages) == 2
    with db.read() as session:
        assert {t.mail_state for t in session.scalars(select(Task))} == {"sent"}


def test_a_server_that_is_down_delays_only_the_email(world, smtp, caplog):
    history, db = world
    inbox, port = smtp
    history.complaint(at=day(-3), answer_hours=None)
    down = _settings(_free_port())  # nobody listens there
    made = scan_now(history, db, mail=True)
    assert [t.mail_state for t in made] == ["pending"]  # the task is there all the same
    caplog.clear()  # what the scan and the pushes before it logged is not this test's
    with caplog.at_level(logging.WARNING, logger="fieldapp.archive.tasks"):
        assert send_pending(db, down, now=NOW).failed == 1
    (line,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert line == ("task 1: e-mail not sent (ConnectionRefusedError), tried 1 times; "
                    "retried on the next scan")
    assert "zhao" not in line and "赵敏" not in line  # no personal data in the log
    assert inbox.messages == []
    result = send_pending(db, _settings(port), now=NOW)  # the next scan: it goes, once
    assert (result.sent, result.failed) == (1, 0)
    assert send_pending(db, _settings(port), now=NOW).sent == 0
    assert len(inbox.messages) == 1
    with db.read() as session:
        task = session.scalar(select(Task))
        assert (task.mail_state, task.mail_attempts, task.mailed_at) == ("sent", 2, NOW)


def test_without_a_server_no_email_is_tried(world, smtp):
    history, db = world
    inbox, _port = smtp
    history.complaint(at=day(-3), answer_hours=None)
    (task,) = scan_now(history, db, mail=False)
    assert task.mail_state == "off"
    assert send_pending(db, ArchiveSettings(), now=NOW).sent == 0
    assert inbox.messages == []


def test_the_configured_login_is_used(world, smtp_with_login):
    history, db = world
    inbox, port = smtp_with_login
    history.complaint(at=day(-3), answer_hours=None)
    scan_now(history, db, mail=True)
    wrong = _settings(port).model_copy(update={"smtp_user": "centre", "smtp_password": "x"})
    assert send_pending(db, wrong, now=NOW).failed == 1  # refused: stays pending
    right = _settings(port).model_copy(update={"smtp_user": "centre",
                                               "smtp_password": "s3cret"})
    assert send_pending(db, right, now=NOW).sent == 1
    assert [rcpt for _, rcpt, _ in inbox.messages] == [["zhao.min@centre.example"]]
    assert inbox.logins == [True]


def test_the_scan_command_says_what_failed_on_stderr_without_personal_data(world):
    history, db = world
    history.complaint(at=day(-3), answer_hours=None)
    push(history.store, db, NOW)
    env = {"FIELDAPP_ARCHIVE_SMTP_HOST": "127.0.0.1",
           "FIELDAPP_ARCHIVE_SMTP_PORT": str(_free_port()),  # nobody listens
           "FIELDAPP_ARCHIVE_SMTP_FROM": "fieldapp@centre.example",
           "FIELDAPP_ARCHIVE_TASK_MANAGER_EMAILS": '{"赵敏": "zhao.min@centre.example"}'}
    result = _cli(db, "tasks", "scan", "--today", TODAY.isoformat(), env=env)
    assert result.exit_code == 0  # the task is made; its e-mail waits
    assert result.stdout.splitlines()[-1] == (
        "邮件：已发送 0 封，失败 1 封（下次扫描重试），无地址 0 个。")
    (line,) = result.stderr.splitlines()
    assert json.loads(line)["message"] == (
        "task 1: e-mail not sent (ConnectionRefusedError), tried 1 times; retried on the "
        "next scan")
    assert "zhao" not in line and "赵敏" not in line and "TJH1" not in line


def test_a_bad_setting_is_one_line_naming_it(world):
    _history, db = world
    result = _cli(db, "tasks", "list",
                  env={"FIELDAPP_ARCHIVE_TASK_MANAGER_EMAILS": "赵敏=zhao@centre.example"})
    assert result.exit_code == 1
    assert result.output == ("错误: 环境变量 FIELDAPP_ARCHIVE_TASK_MANAGER_EMAILS 的值无效"
                             "（见 docs/archive.md）。\n")
