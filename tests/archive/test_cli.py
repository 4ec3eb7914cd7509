"""The administration commands and `fieldapp login` / `fieldapp sync` end to end."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import func, select

from fieldapp.archive.cli import cli as archive_cli
from fieldapp.archive.models import Received
from fieldapp.base.timeutil import utcnow
from fieldapp.cli import cli as fieldapp_cli
from fieldapp.records import numbering
from fieldapp.store import open_store
from fieldapp.store.models import Customer, Device, Engineer
from fieldapp.tools.demo import fill_demo
from tests.archive.servers import PASSWORD

REFERENCE = {
    "engineers": [{"code": "E09", "name": "陈刚", "skills": ["网络", "打印机"]}],
    "customers": [{"code": "NKU", "name": "南开大学网络中心", "is_group": True,
                   "account_manager": "陈晓红"}],
    "sites": [{"customer_code": "NKU", "name": "八里台校区", "address": "天津市南开区卫津路94号"}],
    "contacts": [{"customer_code": "NKU", "name": "高洁", "phone": "13900220001"}],
    "devices": [{"customer_code": "NKU", "site_name": "八里台校区", "device_type": "交换机",
                 "device_class": "network", "brand": "华为", "serial": "NKU-SW-001"}],
    "contracts": [{"customer_code": "NKU", "number": "FW-2026-NKU", "starts_on": "2026-01-01",
                   "ends_on": "2026-12-31"}],
}


def run(args, **kwargs):
    """`fieldapp-archive --lang en …` (the messages these tests read are English)."""
    result = CliRunner().invoke(archive_cli, ["--lang", "en", *args], catch_exceptions=False,
                                **kwargs)
    return result


def test_users_are_added_listed_and_disabled(archive):
    db = ["--db", archive.db_url]
    added = run([*db, "users", "add", "e09", "--role", "engineer", "--engineer", "E09",
                 "--password-stdin"], input=f"{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    refused = run([*db, "users", "add", "x", "--role", "engineer", "--password", "longenough"])
    assert refused.exit_code != 0 and "engineer code" in refused.output
    listing = run([*db, "users", "list"])
    assert "e09\tengineer\tE09\tactive" in listing.output
    assert run([*db, "users", "disable", "e09"]).exit_code == 0
    assert "e09\tengineer\tE09\tdisabled" in run([*db, "users", "list"]).output


def test_reference_import_is_an_idempotent_upsert_that_reaches_the_laptops(
        archive, tmp_path, laptops):
    source = tmp_path / "reference.json"
    source.write_text(json.dumps(REFERENCE, ensure_ascii=False), "utf-8")
    db = ["--db", archive.db_url]
    first = run([*db, "import", str(source)])
    assert first.exit_code == 0 and "added: engineers 1, customers 1" in first.output
    second = run([*db, "import", str(source)])
    assert "added: 0" in second.output and "updated: 0" in second.output
    csv_file = tmp_path / "customers.csv"
    csv_file.write_text("code,name,is_group\nNKU,南开大学信息化中心,是\n", "utf-8")
    third = run([*db, "import", str(csv_file)])
    assert "updated: customers 1" in third.output
    with archive.db.read() as session:
        assert session.scalar(select(Customer.name).where(Customer.code == "NKU")) == (
            "南开大学信息化中心")
        assert session.scalar(select(func.count()).select_from(Device)) == 1

    laptop = laptops("e01")
    from fieldapp.sync.rounds import run_sync_round

    assert run_sync_round(laptop.store, None, laptop.client).ok
    with laptop.store.read() as session:
        assert session.scalar(select(Engineer.name).where(Engineer.code == "E09")) == "陈刚"
        assert session.scalar(select(Device.serial)) == "NKU-SW-001"


def test_devices_are_listed_and_revoked_from_the_command_line(archive, laptops):
    laptop = laptops("e02")
    db = ["--db", archive.db_url]
    listing = run([*db, "devices", "list", "--user", "e02"]).output
    device_id = listing.split("\t")[0]
    assert "laptop-e02\tactive" in listing
    assert run([*db, "devices", "revoke", device_id]).exit_code == 0
    assert "revoked" in run([*db, "devices", "list"]).output
    from fieldapp.sync.client import AuthRequired

    try:
        laptop.client.me()
        raise AssertionError("a revoked token still works")
    except AuthRequired:
        pass


def test_sqlite_backup_is_a_working_copy(tmp_path):
    db = ["--db", str(tmp_path / "archive.db")]
    assert run([*db, "init"]).exit_code == 0
    run([*db, "users", "add", "boss", "--role", "admin", "--password", PASSWORD])
    target = tmp_path / "copy.db"
    result = run([*db, "backup", str(target)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT name FROM archive_users").fetchall() == [("boss",)]
    assert run([*db, "backup", str(target)]).exit_code != 0  # never overwrites


def test_fieldapp_login_and_sync_from_the_command_line(archive, tmp_path):
    data = tmp_path / "laptop"
    store = open_store(data)
    fill_demo(store, requests=4)
    store.close()
    runner = CliRunner()
    base = ["--data-dir", str(data), "--lang", "en"]
    login = runner.invoke(fieldapp_cli, [*base, "login", "--server", archive.url, "--user",
                                         "centre", "--password-stdin", "--send-local"],
                          input=f"{PASSWORD}\n")
    assert login.exit_code == 0, login.output
    assert "token kept in" in login.output and (data / "device_token").exists()
    assert "records made here will be sent on the next sync" in login.output
    store = open_store(data)
    with store.read() as session:  # numbers made offline from now on are the centre's
        assert numbering.number_block(session) == numbering.CENTRE_BLOCK
    store.close()
    sync = runner.invoke(fieldapp_cli, [*base, "sync", "--json"])
    assert sync.exit_code == 0, sync.output
    counts = json.loads(sync.output)
    assert counts["ok"] and counts["accepted"] > 0 and counts["pending"] == 0
    bad = runner.invoke(fieldapp_cli, [*base, "login", "--server", archive.url, "--user",
                                       "centre", "--password", "wrong password"])
    assert bad.exit_code != 0 and "Wrong user name or password" in bad.output
    assert runner.invoke(fieldapp_cli, [*base, "logout"]).exit_code == 0
    after = runner.invoke(fieldapp_cli, [*base, "sync"])
    assert after.exit_code == 1


def test_the_archive_records_its_receive_time_and_flags_a_fast_laptop_clock(archive, laptops):
    laptop = laptops("centre")
    fill_demo(laptop.store, requests=1)
    from fieldapp.store import outbox
    from fieldapp.sync.rounds import records_for

    with laptop.store.read() as session:
        records = list(records_for(session, outbox.pending(session, 5)).values())
    laptop_clock = utcnow() + timedelta(minutes=10)
    answer = laptop.client.push(records, laptop_clock)
    assert answer["clock_skew_flagged"] and 590 <= answer["clock_skew_seconds"] <= 600
    with archive.db.read() as session:
        row = session.scalars(select(Received)).first()
        assert row.laptop_time == laptop_clock and row.received_at < laptop_clock
        assert row.clock_skew_seconds >= 590


# --- the archive's own command: --db anywhere, no terminal, two languages, "/" ----------


def test_db_is_taken_after_the_sub_command_too_and_wins(tmp_path, monkeypatch):
    mine, other, env = (tmp_path / name for name in ("mine.db", "other.db", "env.db"))
    assert run(["init", "--db", str(mine)]).exit_code == 0 and mine.exists()
    added = run(["--db", str(other), "users", "add", "boss", "--role", "admin", "--db",
                 str(mine), "--password", PASSWORD])
    assert added.exit_code == 0, added.output
    assert not other.exists()
    assert "boss\tadmin\t\tactive" in run(["users", "list", "--db", str(mine)]).output
    monkeypatch.setenv("FIELDAPP_ARCHIVE_DB", str(env))
    assert run(["init"]).exit_code == 0 and env.exists()  # the environment still counts
    assert "boss" in run(["users", "list", "--db", str(mine)]).output  # and loses to --db


def test_serve_takes_db_after_the_sub_command(tmp_path, monkeypatch):
    import uvicorn

    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.update(app=app, **kw))
    target = tmp_path / "served.db"
    result = run(["serve", "--db", str(target), "--port", "8899"])
    assert result.exit_code == 0, result.output
    assert served["port"] == 8899 and target.exists()
    assert served["app"].state.settings.db_url == f"sqlite:///{target}"
    served["app"].state.db.close()


def test_users_add_without_a_terminal_says_to_pass_the_password(tmp_path, monkeypatch):
    db = ["--db", str(tmp_path / "a.db")]
    runner = CliRunner()
    result = runner.invoke(archive_cli, [*db, "users", "add", "liuyang", "--role", "engineer",
                                         "--engineer", "E07"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("错误: 没有终端可以输入密码：请加 --password")
    assert len(result.stderr.strip().splitlines()) == 1 and "Aborted" not in result.output
    assert "liuyang" not in run([*db, "users", "list"]).output
    monkeypatch.setattr("fieldapp.base.terminal.stdin_is_terminal", lambda: True)
    typed = runner.invoke(archive_cli, [*db, "users", "add", "liuyang", "--role", "engineer",
                                        "--engineer", "E07"],
                          input=f"{PASSWORD}\ntypo\n{PASSWORD}\n{PASSWORD}\n")
    assert typed.exit_code == 0, typed.output
    assert "密码:" in typed.stdout and "再次输入密码:" in typed.stdout
    assert "两次输入的密码不一致，请重新输入。" in typed.stderr
    assert "已添加用户 liuyang（工程师）。" in typed.stdout and PASSWORD not in typed.stdout


def test_archive_messages_follow_the_chosen_language(tmp_path, monkeypatch):
    db = ["--db", str(tmp_path / "a.db")]
    runner = CliRunner()
    assert runner.invoke(archive_cli, [*db, "init"]).stdout == "数据库结构已就绪（sqlite）。\n"
    missing = runner.invoke(archive_cli, [*db, "users", "disable", "nobody"])
    assert missing.exit_code == 1 and missing.stderr == "错误: 没有用户 nobody。\n"
    monkeypatch.setenv("FIELDAPP_ARCHIVE_LANG", "en")
    english = runner.invoke(archive_cli, [*db, "users", "disable", "nobody"])
    assert english.stderr == "Error: No user nobody.\n"
    taken = runner.invoke(archive_cli, [*db, "backup", str(tmp_path / "a.db")])
    assert taken.stderr.startswith("Error: ") and "exists; choose a new file" in taken.stderr


def test_the_archive_root_leads_to_the_portal(archive):
    import httpx

    answer = httpx.get(f"{archive.url}/", follow_redirects=False)
    assert answer.is_redirect and answer.headers["location"] == "/portal/"
    followed = httpx.get(f"{archive.url}/", follow_redirects=True)
    assert followed.status_code == 200 and followed.url.path == "/portal/login"
