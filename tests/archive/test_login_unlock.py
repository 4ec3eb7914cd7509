"""Staff lift a login lock before it ends (issue 19): `fieldapp-archive users unlock NAME`
for an account, `--address A` for a client address, `users locks` to see what is locked.
Unlocking forgets the failures and the back-off, and is one audit line on the archive's
log that names no one (the account by `account_ref` and id, as the refusals do)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import time_machine
from click.testing import CliRunner, Result

from fieldapp.archive import login_throttle
from fieldapp.archive.cli import cli as archive_cli
from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.login_throttle import Limits
from fieldapp.base.timeutil import utcnow
from tests.archive.servers import PASSWORD, RunningArchive, run_archive, sqlite_url

LIMIT = 2  # wrong passwords before an account locks
MOMENT = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Tianjin
ADDRESS = "198.51.100.20"  # an address no test logs in from (the tests use 127.0.0.1)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningArchive]:
    url = sqlite_url(tmp_path_factory.mktemp("unlock"))
    settings = ArchiveSettings(db=url, portal_lockout_failures=LIMIT, portal_ip_failures=1000)
    with run_archive(url, settings=settings) as running:
        for name in ("e05", "e06", "e07", "e08"):
            running.add_user(name, "engineer", engineer="E01")
        yield running


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    """The clock at MOMENT and running on (the server thread shares it)."""
    with time_machine.travel(MOMENT, tick=True):
        yield


def archive_command(archive: RunningArchive, *args: str) -> Result:
    return CliRunner().invoke(archive_cli, ["--lang", "en", "--db", archive.db_url, *args],
                              catch_exceptions=False)


def api_login(archive: RunningArchive, name: str, password: str) -> httpx.Response:
    return httpx.post(f"{archive.url}/api/v1/auth/login", timeout=30, json={
        "user": name, "password": password, "device_label": "unlock test"})


def lock_address(archive: RunningArchive, address: str) -> datetime:
    limits = Limits(user_failures=1000, ip_failures=3, lock=timedelta(minutes=15))
    with archive.db.write() as session:
        ends = [login_throttle.record_failure(session, name=f"guess-{i}", address=address,
                                              limits=limits, now=utcnow()) for i in range(3)]
    assert ends[-1] is not None
    return ends[-1]


def test_staff_unlock_an_account_and_its_owner_logs_in_at_once(archive):
    answers = [api_login(archive, "e05", "wrong").status_code for _ in range(LIMIT)]
    assert answers == [401] * (LIMIT - 1) + [429]
    assert api_login(archive, "e05", PASSWORD).status_code == 429  # locked: even the right one

    result = archive_command(archive, "users", "unlock", "e05")

    assert result.exit_code == 0, result.output
    assert "Lifted the login lock of user e05 (it was locked until 2026-12-02 10:" in (
        result.stdout)
    assert api_login(archive, "e05", PASSWORD).status_code == 200


def test_unlocking_forgets_the_back_off(archive):
    for _ in range(LIMIT + 2):  # locked, and locked again for longer
        api_login(archive, "e06", "wrong")
    archive_command(archive, "users", "unlock", "e06")
    answers = [api_login(archive, "e06", "wrong").status_code for _ in range(LIMIT)]
    assert answers == [401] * (LIMIT - 1) + [429]  # a fresh count: the limit, then the base lock
    with archive.db.read() as session:
        until = login_throttle.locked_until(session, name="e06", address="", now=utcnow())
    assert until is not None and until - utcnow() <= timedelta(minutes=15)
    archive_command(archive, "users", "unlock", "e06")


def test_an_address_lock_is_lifted_with_address(archive):
    lock_address(archive, ADDRESS)

    result = archive_command(archive, "users", "unlock", "--address", ADDRESS)

    assert result.exit_code == 0, result.output
    assert f"Lifted the login lock of address {ADDRESS}" in result.stdout
    with archive.db.read() as session:
        assert login_throttle.locked_until(session, name="anyone", address=ADDRESS,
                                           now=utcnow()) is None


def test_an_unlock_is_one_audit_line_naming_no_one(archive):
    api_login(archive, "e07", "wrong")  # counted, not locked

    result = archive_command(archive, "users", "unlock", "e07")

    assert "User e07 was not locked; its 1 failed logins are forgotten." in result.stdout
    [line] = [json.loads(x) for x in result.stderr.splitlines() if x.startswith("{")]
    assert line["event"] == "login_unlocked" and line["logger"] == "fieldapp.archive.audit"
    assert line["account_ref"] == login_throttle.account_ref("e07")
    assert line["user_id"] and line["was_locked"] is False and line["channel"] == "cli"
    assert "e07" not in json.dumps(line)


def test_nothing_to_unlock_an_unknown_account_or_a_bad_address_are_one_line(archive):
    quiet = archive_command(archive, "users", "unlock", "e08")
    assert quiet.exit_code == 0 and quiet.stdout.strip() == "User e08 was not locked."
    for args, said in ((["nobody"], "Error: No user nobody."),
                       (["--address", "not-an-ip"], "Error: not-an-ip is not an IP address."),
                       ([], "Error: Name an account, or an address with --address.")):
        refused = archive_command(archive, "users", "unlock", *args)
        assert refused.exit_code == 1 and refused.stderr.strip() == said, refused.output
        assert "Traceback" not in refused.output


def test_users_locks_lists_accounts_and_addresses_but_no_guessed_name(archive):
    for _ in range(LIMIT):
        api_login(archive, "e08", "wrong")
        api_login(archive, "hunter2-typed-as-a-name", "wrong")
    lock_address(archive, "203.0.113.77")

    listing = archive_command(archive, "users", "locks")

    assert listing.exit_code == 0
    lines = listing.stdout.splitlines()
    assert any(line.startswith(f"user\te08\t{LIMIT} failures\tuntil 2026-12-02 10:")
               for line in lines), lines
    assert any(line.startswith("address\t203.0.113.77\t3 failures") for line in lines), lines
    assert "hunter2" not in listing.stdout
    assert any("more locked names are no account" in line for line in lines)
    archive_command(archive, "users", "unlock", "e08", "--address", "203.0.113.77")
    with archive.db.write() as session:  # the guess too: other tests count from scratch
        login_throttle.unlock(session, name="hunter2-typed-as-a-name", now=utcnow())
    assert "guess" not in archive_command(archive, "users", "locks").stdout
