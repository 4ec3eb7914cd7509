"""kill -9 while drafts are being saved: the database stays intact and keeps every save
that had returned (WAL + synchronous=FULL)."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select, text

from fieldapp import slips
from fieldapp.store import open_store
from fieldapp.store.models import ServiceRequest

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("FIELDAPP_CRASH_KILLS", "8"))


def run_and_kill(data_dir: Path, after: float) -> list[str]:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.core.crash_writer", str(data_dir)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    time.sleep(after)
    child.send_signal(signal.SIGKILL)
    out, _err = child.communicate(timeout=30)
    return out.splitlines()


def test_kill_9_during_draft_saves_loses_nothing_that_returned(tmp_path):
    rng = random.Random(2026)
    data_dir = tmp_path / "data"
    checked = 0
    for kill in range(KILLS):
        lines = run_and_kill(data_dir, after=rng.uniform(0.9, 2.0))
        slip_line = next((ln for ln in lines if ln.startswith("slip ")), None)
        saves = [int(m.group(1)) for ln in lines if (m := re.match(r"saved (\d+)", ln))]
        checked += len(saves)
        store = open_store(data_dir)
        with store.read() as session:
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            reported = set(session.scalars(select(ServiceRequest.fault_reported)))
            for n in saves:
                assert f"save {n}" in reported, f"kill {kill}: save {n} returned but is gone"
            if slip_line and saves:
                handling = slips.get_slip(session, slip_line.split()[1]).handling
                assert int(re.search(r"第 (\d+) 次", handling).group(1)) >= saves[-1]
        store.close()
    assert checked > 0, "the writer never got to save: the test proved nothing"
