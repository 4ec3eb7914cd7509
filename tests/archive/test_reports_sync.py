"""Findings flow to staff laptops through the normal pull feed; engineers don't get them,
and no laptop can push one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.archive.reports import run_due
from fieldapp.base.timeutil import utcnow
from fieldapp.reads.findings import list_findings
from fieldapp.store.finding_models import Finding
from fieldapp.store.models import SyncOutbox
from fieldapp.sync.rounds import run_sync_round
from fieldapp.sync.wire import read_records
from tests.archive.report_data import History

# A history made back from now, reports run at now: at every moment (tests/conftest.py).
pytestmark = pytest.mark.any_moment


def test_a_staff_laptop_receives_a_finding_and_an_engineer_does_not(archive, laptops):
    centre = laptops("centre")
    history = History(store=centre.store)
    now = utcnow()
    numbers = [history.request(at=now - timedelta(days=d), arrive_min=30, solve_min=60,
                               device=3).number for d in (60, 30, 3)]
    assert run_sync_round(centre.store, None, centre.client).ok
    with archive.db.write() as session:
        made = run_due(session)
    assert [f.rule for f in made.findings] == ["repeat_device"]

    assert run_sync_round(centre.store, None, centre.client).ok
    with centre.store.read() as session:
        [row] = list_findings(session)
        assert row.customer_name == "天津市第一中心医院" and row.rule == "repeat_device"
        assert list(row.evidence) == numbers
        assert "90 天内故障 3 次" in row.summary_zh and "failed 3 times" in row.summary_en
        # pulled rows are not queued back to the archive
        assert session.scalar(select(func.count()).select_from(SyncOutbox)) == 0

    admin = laptops("boss", "admin-laptop")
    assert run_sync_round(admin.store, None, admin.client).ok
    with admin.store.read() as session:
        assert len(list_findings(session)) == 1

    engineer = laptops("e01", "engineer-laptop")
    assert run_sync_round(engineer.store, None, engineer.client).ok
    with engineer.store.read() as session:
        assert session.scalar(select(func.count()).select_from(Finding)) == 0


def test_no_laptop_may_push_a_finding(archive, laptops):
    centre = laptops("centre")
    history = History(store=centre.store)
    now = utcnow()
    for d in (60, 30, 3):
        history.request(at=now - timedelta(days=d), arrive_min=30, solve_min=60, device=1)
    assert run_sync_round(centre.store, None, centre.client).ok
    with archive.db.write() as session:
        run_due(session)
    with archive.db.read() as session:
        finding_id = session.scalar(select(Finding.id))
        record = read_records(session, "findings", [finding_id])[finding_id]
    record["row"]["summary_en"] = "changed on a laptop"
    record.pop("hash")
    answer = centre.client.push([record], utcnow())
    [result] = answer["results"]
    assert result["status"] == "refused" and result["code"] == "forbidden"
    assert result["reason_zh"] and result["reason_en"]
    with archive.db.read() as session:
        assert session.get(Finding, finding_id).summary_en != "changed on a laptop"
