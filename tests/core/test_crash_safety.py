"""kill -9 while drafts are saved and slips sealed, and while a store is migrated: the
database stays intact, keeps every save that had returned, and never holds half a slip
(WAL + synchronous=FULL, one transaction per save and per migration step).

The children fork from a forkserver that has imported fieldapp already, so a kill costs
a fork, not an interpreter start: FIELDAPP_CRASH_KILLS (default 150) kills in about a
minute. FIELDAPP_CRASH_SEED picks another sequence of kill points; a failure names the
seed and the kill.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import re
import shutil
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from fieldapp.records import slips
from fieldapp.seal.sealing import verify_slip
from fieldapp.store import open_store
from fieldapp.store.engine import create_sqlite_engine
from fieldapp.store.migrate import current_revision, head_revision, upgrade
from fieldapp.store.models import FeeLine, ServiceRequest, Signature, Slip
from tests.core import crash_writer
from tests.figures import note

KILLS = int(os.environ.get("FIELDAPP_CRASH_KILLS", "150"))
MIGRATION_KILLS = int(os.environ.get("FIELDAPP_CRASH_MIGRATION_KILLS", "24"))
SEED = int(os.environ.get("FIELDAPP_CRASH_SEED", "2026"))


@pytest.fixture(scope="module")
def forkserver():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.core.crash_writer"])
    return context


def kill_after(context, target, args, delay: float, wait_for: Path | None = None,
               lines: int = 1) -> None:
    """Start target(*args) in a child and SIGKILL it `delay` seconds after it started or,
    with `wait_for`, after that file holds `lines` lines (the child reported that much):
    kill points are random, but how much work came before them does not depend on how
    busy the machine is."""
    child = context.Process(target=target, args=args, daemon=True)
    child.start()
    deadline = time.monotonic() + 60
    while wait_for is not None and time.monotonic() < deadline and child.is_alive() and (
            not wait_for.exists() or wait_for.read_bytes().count(b"\n") < lines):
        time.sleep(0.001)
    time.sleep(delay)
    child.kill()
    child.join(timeout=30)
    assert child.exitcode is not None, "the child did not die"


def read_report(report: Path) -> tuple[str | None, list[int], list[str]]:
    lines = report.read_text().splitlines() if report.exists() else []
    slip_line = next((ln.split()[1] for ln in lines if ln.startswith("slip ")), None)
    saves = [int(m.group(1)) for ln in lines if (m := re.fullmatch(r"saved (\d+)", ln))]
    sealed = [ln.split()[1] for ln in lines if ln.startswith("sealed ")]
    return slip_line, saves, sealed


def check_store(data_dir: Path, reports: dict[int, Path], where: str,
                checked: set[str]) -> tuple[int, int]:
    """Integrity, every reported save and seal present, no half-written slip. Sealed slips
    in `checked` verified after an earlier kill (sealed rows cannot change) are skipped."""
    store = open_store(data_dir)
    total_saves = total_seals = 0
    try:
        with store.read() as session:
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok", where
            assert not session.execute(text("PRAGMA foreign_key_check")).all(), where
            reported = set(session.scalars(select(ServiceRequest.fault_reported)))
            stored_sealed = {s.number: s for s in session.scalars(
                select(Slip).where(Slip.fault_found == crash_writer.SEALED_FAULT))}
            for run, report in reports.items():  # every child so far, not just the last
                slip_number, saves, sealed = read_report(report)
                for n in saves:
                    assert f"save {run}.{n}" in reported, f"{where}: save {run}.{n} is gone"
                if slip_number and saves:
                    handling = slips.get_slip(session, slip_number).handling
                    assert int(re.search(r"第 (\d+) 次", handling).group(1)) >= saves[-1], where
                for number in sealed:
                    assert number in stored_sealed, f"{where}: sealed {number} is gone"
                total_saves += len(saves)
                total_seals += len(sealed)
            for slip in stored_sealed.values():  # all or nothing: never half a slip
                if slip.number in checked:
                    continue
                checked.add(slip.number)
                assert slip.seal is not None and len(slip.fee_lines) == 2, (where, slip.number)
                assert len(slip.signatures) == 2, (where, slip.number)
                assert verify_slip(slip).ok, (where, slip.number, verify_slip(slip).problems)
            orphans = session.scalar(select(func.count()).select_from(FeeLine).where(
                FeeLine.slip_id.not_in(select(Slip.id)))) + session.scalar(
                select(func.count()).select_from(Signature).where(
                    Signature.slip_id.not_in(select(Slip.id))))
            assert orphans == 0, where
        return total_saves, total_seals
    finally:
        store.close()


def test_kill_9_while_saving_and_sealing_loses_nothing_that_returned(tmp_path, forkserver):
    rng = random.Random(SEED)
    data_dir = tmp_path / "data"
    reports: dict[int, Path] = {}
    started = time.monotonic()
    saves = seals = 0
    checked: set[str] = set()
    for kill in range(KILLS):
        reports[kill] = tmp_path / f"report-{kill}"
        args = (data_dir, reports[kill], kill)
        if kill % 10 == 0:  # every tenth kill comes early, while the store opens
            kill_after(forkserver, crash_writer.save_loop, args, rng.uniform(0.0, 0.15))
        else:  # after 1-6 reported saves or seals, at a random moment of the next one
            kill_after(forkserver, crash_writer.save_loop, args, rng.uniform(0.0, 0.04),
                       wait_for=reports[kill], lines=1 + rng.randint(1, 6))
        if not (data_dir / "fieldapp.db").exists():
            continue  # killed before the store was created
        saves, seals = check_store(data_dir, reports, f"seed {SEED}, kill {kill}", checked)
    check_store(data_dir, reports, f"seed {SEED}, at the end", set())  # every seal again
    note("crash_matrix", seed=SEED, kills=KILLS, saves_checked=saves, seals_checked=seals,
         seconds=round(time.monotonic() - started, 1))
    assert saves >= KILLS and seals >= KILLS // 10, "the writer hardly saved: proved little"


def old_store(folder: Path) -> None:
    """A laptop store at the first schema (0001), with a customer, request and draft."""
    folder.mkdir(parents=True)
    engine = create_sqlite_engine(folder / "fieldapp.db")
    upgrade(engine, "0001")
    customer, engineer, request, slip = (uuid.UUID(int=n).hex for n in (1, 2, 3, 4))
    stamp = "'2026-03-01 01:00:00.000000'"
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO customers VALUES ('TJPORT', '天津港信息中心', 1, '陈晓红',"
                          f" '', '', :c, {stamp}, {stamp})"), {"c": customer})
        conn.execute(text(f"INSERT INTO engineers VALUES ('E07', '刘洋', '', '硬件', 1, :e,"
                          f" {stamp}, {stamp})"), {"e": engineer})
        conn.execute(text(
            "INSERT INTO service_requests (number, customer_id, channel, contact_name,"
            " contact_phone, fault_reported, requested_at, status, taken_by, id, created_at,"
            f" updated_at) VALUES ('R-C01-20260301-001', :c, 'onsite', '孙丽', '', '打印机卡纸',"
            f" {stamp}, 'in_progress', 'C01', :r, {stamp}, {stamp})"),
            {"c": customer, "r": request})
        conn.execute(text(
            "INSERT INTO slips (number, request_id, engineer_id, fault_found, handling, result,"
            " status, amendment_reason, id, created_at, updated_at) VALUES"
            " ('S-E07-20260301-001', :r, :e, '搓纸轮磨损', '', '', 'draft', '', :s,"
            f" {stamp}, {stamp})"), {"r": request, "e": engineer, "s": slip})
    engine.dispose()


def test_kill_9_during_each_migration_step_leaves_a_store_that_upgrades_cleanly(
        tmp_path, forkserver):
    template = tmp_path / "template"
    old_store(template)
    timing = tmp_path / "timing"
    shutil.copytree(template, timing)
    started = time.monotonic()
    crash_writer.open_only(timing)
    span = time.monotonic() - started  # how long the whole upgrade takes here
    rng = random.Random(SEED)
    landed: Counter[str] = Counter()
    for kill in range(MIGRATION_KILLS):
        folder = tmp_path / f"kill-{kill}"
        shutil.copytree(template, folder)
        started_file = tmp_path / f"opening-{kill}"
        kill_after(forkserver, crash_writer.open_only, (folder, started_file),
                   rng.uniform(0, span * 1.2), wait_for=started_file)
        engine = create_sqlite_engine(folder / "fieldapp.db")
        landed[current_revision(engine) or "none"] += 1  # where the kill left it
        engine.dispose()
        store = open_store(folder)
        try:
            assert current_revision(store.engine) == head_revision(), f"seed {SEED} kill {kill}"
            with store.read() as session:
                assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                assert session.execute(text("SELECT number, fault_found FROM slips")).one() == (
                    "S-E07-20260301-001", "搓纸轮磨损"), f"seed {SEED} kill {kill}"
                assert session.scalar(text("SELECT name FROM customers")) == "天津港信息中心"
        finally:
            store.close()
    note("crash_migrations", seed=SEED, kills=MIGRATION_KILLS, upgrade_seconds=round(span, 2),
         left_at_revision=dict(sorted(landed.items())))
