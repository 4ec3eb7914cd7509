"""The bulk store builder (tests/benchmarks/bulk.py) makes a store the app reads as its own:
the copies are listed and found by the search index exactly as the specification says, and
the triggers that keep the index right are back. No timings."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from sqlalchemy import text

from fieldapp.reads.queries import SlipFilter, count_slips, list_slips
from fieldapp.records import slips
from fieldapp.store import open_store
from fieldapp.tools.demo import fill_demo
from tests.benchmarks import bulk
from tests.benchmarks.stores import DEMO_NOW
from tests.core.test_search import brute_force


def triggers(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")}


def test_copies_are_listed_found_and_kept_in_sync(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    fill_demo(store, requests=24, now=DEMO_NOW)
    with store.read() as session:
        template = count_slips(session, SlipFilter())
        newest = [r.number for r in list_slips(session, limit=5)]
    store.close()
    before = triggers(tmp_path / "fieldapp.db")

    phases = bulk.grow(tmp_path / "fieldapp.db", template * 4, log=lambda _m: None)

    assert phases["slips"] == template * 4
    assert triggers(tmp_path / "fieldapp.db") == before
    store = open_store(tmp_path)
    try:
        with store.read() as session:
            assert count_slips(session, SlipFilter()) == template * 4
            assert [r.number for r in list_slips(session, limit=5)] == newest  # still newest
            serial = session.execute(
                text("SELECT serial FROM devices ORDER BY created_at LIMIT 1")).scalar()
            terms = ("蓝屏", "蓝", "打印机", "idrac", serial[3:9].lower(), "-3", "不存在的故障")
            for term in terms:
                found = {r.id for r in list_slips(session, SlipFilter(search=term),
                                                  limit=10**6)}
                assert found == brute_force(session, term), term
        with store.write() as session:  # the triggers work on a copy too
            draft = session.execute(text(
                "SELECT number FROM slips WHERE status = 'draft' AND number LIKE '%-2'"
                " LIMIT 1")).scalar()
            slips.update_slip(session, slips.get_slip(session, draft),
                              {"fault_found": "独一无二的故障"}, now=DEMO_NOW)
        with store.read() as session:
            assert [r.number for r in list_slips(session, SlipFilter(search="独一无二"))] == [draft]
            assert [r.number for r in list_slips(session, SlipFilter(search="独"))] == [draft]
            assert all(isinstance(r.id, uuid.UUID) for r in list_slips(session, limit=3))
    finally:
        store.close()
