"""A laptop with its own demo data joins an archive that has its own (README, "The archive
server"): `fieldapp login` asks what becomes of the laptop's records, `fieldapp sync`
says what happened in the user's language — no SQL, no bare ids, no personal data."""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from fieldapp.archive.demo import load_demo
from fieldapp.archive.models import DeviceToken
from fieldapp.base.settings import Settings
from fieldapp.cli import cli as fieldapp_cli
from fieldapp.seal.sealing import verify_slip
from fieldapp.store import open_store
from fieldapp.store.models import (
    Contact,
    Customer,
    Engineer,
    NumberSequence,
    ServiceRequest,
    Signature,
    Slip,
    SyncOutbox,
)
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.credentials import save_token
from fieldapp.sync.joining import JOINED
from fieldapp.sync.state import get as state_get
from fieldapp.tools.demo import fill_demo
from tests.archive.servers import PASSWORD, sqlite_url
from tests.archive.work import assigned_request, seal_a_slip

UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)
RAW = ("SELECT", "INSERT", "[SQL", "parameters", "sqlalche.me", "Traceback", "WARNING",
       "IntegrityError")
CJK = re.compile(r"[\u4e00-\u9fff]")
# the only Latin words a Chinese message may hold: the command and its options
COMMAND_WORDS = {"fieldapp", "login", "sync", "keep", "local", "fresh", "store", "verbose",
                 "send"}


@pytest.fixture
def db_url(tmp_path: Path) -> str:  # the laptop's side is under test: SQLite is enough
    return sqlite_url(tmp_path)


@pytest.fixture
def archive_demo(archive):
    """The archive after `fieldapp-archive demo`: the same generator's data, its own ids."""
    load_demo(archive.db, requests=16)
    return archive


@pytest.fixture
def laptop(tmp_path: Path) -> Path:
    """A laptop after the README tour: `fieldapp demo`, never logged in."""
    folder = tmp_path / "laptop"
    store = open_store(folder)
    fill_demo(store, requests=16)
    store.close()
    return folder


def fieldapp(data: Path, *args: str, lang: str = "zh", input: str | None = None):
    return CliRunner().invoke(fieldapp_cli, ["--data-dir", str(data), "--lang", lang, *args],
                              input=input)


def login(data: Path, url: str, *flags: str, user: str = "e07", lang: str = "zh",
          input: str | None = None):
    return fieldapp(data, "login", "--server", url, "--user", user, "--password", PASSWORD,
                    *flags, lang=lang, input=input)


def outbox_states(data: Path) -> dict[str, int]:
    store = open_store(data)
    try:
        with store.read() as session:
            return dict(session.execute(select(SyncOutbox.state, func.count())
                                        .group_by(SyncOutbox.state)).all())
    finally:
        store.close()


def personal_data(data: Path) -> set[str]:
    """Names, phones and addresses of people on this laptop: never in a sync message."""
    store = open_store(data)
    try:
        with store.read() as session:
            values = [*session.scalars(select(Contact.name)),
                      *session.scalars(select(Contact.phone)),
                      *session.scalars(select(Engineer.name)),
                      *session.scalars(select(Engineer.phone)),
                      *session.scalars(select(Customer.phone)),
                      *session.scalars(select(Customer.address)),
                      *session.scalars(select(Signature.signer_name)),
                      *session.scalars(select(ServiceRequest.contact_phone))]
    finally:
        store.close()
    return {v for v in values if v}


def old_version_login(data: Path, url: str) -> None:
    """What `fieldapp login` did before it asked: token and address kept, nothing else."""
    with ArchiveClient(url) as client:
        answer = client.login("e07", PASSWORD, "old-version")
    save_token(data, url, answer["token"])
    settings = Settings.in_dir(data)
    settings.set("archive_url", url)
    settings.save()


def run_fieldapp(data: Path, *args: str) -> subprocess.CompletedProcess:
    """The real command in its own process: what a terminal shows, logging set-up included."""
    return subprocess.run([sys.executable, "-m", "fieldapp", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL, env=dict(os.environ))


def assert_clean(text: str, private: set[str]) -> None:
    assert not UUID.search(text), text
    assert not [raw for raw in RAW if raw in text], text
    assert not [value for value in private if value in text], text


def assert_all_chinese(text: str) -> None:
    for line in text.splitlines():
        assert CJK.search(line), line
    words = re.sub(r"…[0-9a-f]{6}", "", text)  # an id's tail, beside its parent's number
    english = [w for w in re.findall(r"[A-Za-z]+", words)
               if not w.isupper() and w not in COMMAND_WORDS]
    assert not english, (english, text)


# --- sync output ----------------------------------------------------------------------


def test_sync_of_refused_demo_data_is_summarised_in_chinese_without_sql_ids_or_personal_data(
        archive_demo, laptop):
    old_version_login(laptop, archive_demo.url)
    private = personal_data(laptop)
    first = run_fieldapp(laptop, "sync")
    assert first.returncode == 1
    text = first.stdout + first.stderr
    assert_clean(text, private)
    assert_all_chinese(text)
    lines = text.splitlines()
    assert len(lines) <= 8, text  # one line per reason, not one per record
    assert "被档案拒收、等待处理的记录" in text and "条：只能上传本人的记录。" in text
    assert "条：基础资料只能由服务中心维护。" in text
    # the pull's stop names what clashed and what to do, not "a number on two computers"
    assert "档案中的工程师 E01 与本机自己建立、档案从未接收的工程师同号" in lines[-1]
    assert "--keep-local" in lines[-1] and "两台电脑" not in text

    again = run_fieldapp(laptop, "sync", "--verbose")
    verbose = again.stdout + again.stderr
    assert_clean(verbose, private)
    assert_all_chinese(verbose)
    assert "    工程师 E07：基础资料只能由服务中心维护。" in verbose
    assert re.search(r"    联系人（客户 TJPORT，…[0-9a-f]{6}）：", verbose)
    assert re.search(r"    服务单 S-E0\d-\d{8}-0\d\d：只能上传本人的记录。", verbose)

    english = run_fieldapp(laptop, "--lang", "en", "sync")
    text_en = english.stdout + english.stderr
    assert_clean(text_en, private)
    assert not CJK.search(text_en), text_en
    assert "records refused by the archive are waiting" in text_en
    assert "the archive's engineer E01 has the same code as one made on this laptop" in text_en


def test_sync_json_names_refused_records_by_number(archive_demo, laptop):
    old_version_login(laptop, archive_demo.url)
    result = fieldapp(laptop, "sync", "--json")
    data = json.loads(result.stdout)
    labels = {r["label"] for r in data["refused_records"]}
    assert "工程师 E07" in labels and data["local"] == 0


# --- login: keep local ----------------------------------------------------------------


def test_keep_local_keeps_demo_data_unsent_and_work_for_archive_customers_syncs(
        archive_demo, laptop):
    before = outbox_states(laptop)
    assert set(before) == {"pending"}
    joined = login(laptop, archive_demo.url, "--keep-local")
    assert joined.exit_code == 0, joined.output
    assert f"{before['pending']} 条本机记录留在本机，不会上传。" in joined.stdout
    assert outbox_states(laptop) == {"local": before["pending"]}

    first = fieldapp(laptop, "sync")
    assert first.exit_code == 0, first.output
    assert "拒收 0" in first.stdout and first.stderr == ""
    assert f"另有 {before['pending']} 条记录只留在本机，不上传。" in first.stdout
    assert int(re.search(r"下载 (\d+) 条", first.stdout)[1]) > 0
    second = fieldapp(laptop, "sync")
    assert second.exit_code == 0 and "上传 0 条" in second.stdout and second.stderr == ""

    store = open_store(laptop)
    try:
        with store.read() as session:
            # the laptop's own engineers and customers gave way to the archive's codes
            codes = set(session.scalars(select(Engineer.code)))
            assert {"E07", "E07-本机"} <= codes
            assert {"TJPORT", "TJPORT-本机"} <= set(session.scalars(select(Customer.code)))
            local_sealed = session.scalars(select(Slip).where(
                Slip.seal.is_not(None), Slip.number.like("%-0__"))).all()
            assert local_sealed and all(verify_slip(s).ok for s in local_sealed)
            local_request = session.scalar(select(ServiceRequest.id).join(
                Customer, ServiceRequest.customer_id == Customer.id).where(
                Customer.code == "TJPORT-本机"))
        # work for the archive's customer goes to the archive ...
        pulled = assigned_request(store, "E07")
        mine = seal_a_slip(store, pulled.id, "E07")
        # ... work on a request kept local stays local, unsent and unrefused
        kept = seal_a_slip(store, local_request, "E07")
    finally:
        store.close()
    third = fieldapp(laptop, "sync", "--json")
    report = json.loads(third.stdout)
    assert third.exit_code == 0, third.output
    assert report["accepted"] == 1 and report["refused_waiting"] == 0 and report["ok"]
    assert report["local"] == before["pending"] + 1
    with archive_demo.db.read() as session:
        assert session.get(Slip, mine.id) is not None
        assert session.get(Slip, kept.id) is None


# --- login: a clean store -------------------------------------------------------------


def test_fresh_store_moves_the_old_store_aside_and_starts_empty(archive_demo, laptop):
    store = open_store(laptop)
    with store.read() as session:
        slips_before = session.scalar(select(func.count()).select_from(Slip))
        sequences = set(session.execute(select(NumberSequence.kind, NumberSequence.operator_code,
                                               NumberSequence.day, NumberSequence.last)).all())
    store.close()
    joined = login(laptop, archive_demo.url, "--fresh-store")
    assert joined.exit_code == 0, joined.output
    backups = list(laptop.glob("fieldapp-backup-*.db"))
    assert len(backups) == 1 and str(backups[0]) in joined.stdout and "未删除" in joined.stdout
    with contextlib.closing(sqlite3.connect(backups[0])) as old:  # whole, under a new name
        assert old.execute("SELECT count(*) FROM slips").fetchone() == (slips_before,)
    store = open_store(laptop)
    try:
        with store.read() as session:
            assert session.scalar(select(func.count()).select_from(SyncOutbox)) == 0
            assert session.scalar(select(func.count()).select_from(Slip)) == 0
            assert state_get(session, JOINED) == archive_demo.url
            carried = set(session.execute(select(
                NumberSequence.kind, NumberSequence.operator_code, NumberSequence.day,
                NumberSequence.last)).all())
            assert carried == sequences  # no number this laptop gave is given again
    finally:
        store.close()
    synced = fieldapp(laptop, "sync")
    assert synced.exit_code == 0 and synced.stderr == "", synced.output
    again = login(laptop, archive_demo.url, "--fresh-store")  # joined: nothing to move
    assert again.exit_code == 0 and len(list(laptop.glob("fieldapp-backup-*.db"))) == 1
    assert "--fresh-store 未执行" in again.stdout


# --- login: asking, and not asking ----------------------------------------------------


def test_login_without_a_terminal_or_a_choice_says_which_flag_and_changes_nothing(
        archive_demo, laptop):
    before = outbox_states(laptop)
    result = fieldapp(laptop, "login", "--server", archive_demo.url, "--user", "e07")
    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--keep-local" in result.stderr and "--fresh-store" in result.stderr
    assert outbox_states(laptop) == before
    assert not (laptop / "device_token").exists()
    assert Settings.in_dir(laptop).get("archive_url") == ""
    with archive_demo.db.read() as session:  # nothing enrolled on the archive either
        assert session.scalar(select(func.count()).select_from(DeviceToken).where(
            DeviceToken.revoked_at.is_(None))) == 0
    english = fieldapp(laptop, "login", "--server", archive_demo.url, "--user", "e07",
                       "--password", PASSWORD, lang="en")
    assert english.exit_code != 0 and "run again with --keep-local" in english.stderr


@pytest.fixture
def terminal(monkeypatch):
    for module in ("fieldapp.cli.sync", "fieldapp.base.terminal"):
        monkeypatch.setattr(f"{module}.stdin_is_terminal", lambda: True)


def test_login_at_a_terminal_explains_and_asks(archive_demo, laptop, terminal):
    result = fieldapp(laptop, "login", "--server", archive_demo.url, "--user", "e07",
                      input=f"{PASSWORD}\n1\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "加入档案前在本机建立的" in out and "档案只接收服务中心维护的基础资料" in out
    assert "1  留在本机" in out and "2  换用新的空数据库" in out and "3  上传" not in out
    assert "请选择 (1, 2)" in out and PASSWORD not in out
    assert set(outbox_states(laptop)) == {"local"}


def test_a_staff_laptop_may_also_send_its_records(archive, laptop, terminal):
    result = fieldapp(laptop, "login", "--server", archive.url, "--user", "centre",
                      input=f"{PASSWORD}\n3\n", lang="en")
    assert result.exit_code == 0, result.output
    assert "3  Send them" in result.stdout and "records made here will be sent" in result.stdout
    synced = fieldapp(laptop, "sync", "--json", lang="en")
    assert json.loads(synced.stdout)["ok"], synced.output


def test_an_engineer_may_not_send_local_records_and_leaves_no_laptop_enrolled(
        archive_demo, laptop):
    result = login(laptop, archive_demo.url, "--send-local", lang="en")
    assert result.exit_code != 0 and "Only service-centre" in result.stderr
    assert not (laptop / "device_token").exists()
    with archive_demo.db.read() as session:
        tokens = session.scalars(select(DeviceToken)).all()
        assert len(tokens) == 2 and all(t.revoked_at is not None for t in tokens)  # + loader


def test_login_reads_the_password_from_stdin_or_says_how_to_give_it(archive, tmp_path):
    data = tmp_path / "empty-laptop"
    missing = fieldapp(data, "login", "--server", archive.url, "--user", "e07")
    assert missing.exit_code != 0 and "--password" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1 and "Aborted" not in missing.output
    given = fieldapp(data, "login", "--server", archive.url, "--user", "e07",
                     "--password-stdin", input=f"{PASSWORD}\n")
    assert given.exit_code == 0, given.output
    assert (data / "device_token").exists()
