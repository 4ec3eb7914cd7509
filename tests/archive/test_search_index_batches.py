"""The archive's slip search index is filled a batch at a time (migration a010,
fieldapp/archive/search_catchup.py): a pushed slip is found by the portal's search right
after the push, the index holds exactly the text the core's per-row trigger wrote, and a
slip stored by any other writer is indexed at the next catch-up."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text

from fieldapp.archive.db import Database, _archive_config
from fieldapp.archive.portal.queries import slips_page
from fieldapp.archive.search_catchup import PENDING, catch_up
from fieldapp.reads.queries import SlipFilter, count_slips, list_slips
from fieldapp.store.models import Customer, ServiceRequest, Slip
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import fill_demo
from tests.archive.report_data import archive_db, push_records
from tests.archive.test_push_strokes_once import waiting
from tests.store_template import new_store

DEMO_NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
_CORE = importlib.import_module("fieldapp.store.migrations.versions.0012_search_bigrams")


def _indexed(session) -> dict[str, str]:
    return dict(session.execute(text("SELECT slip_id, body FROM slip_search")).all())


def _as_the_trigger_writes(session) -> dict[str, str]:
    return dict(session.execute(text(f"SELECT s.id, {_CORE._body('s')} FROM slips s")).all())


def _pending(session) -> int:
    return session.execute(text(f"SELECT count(*) FROM {PENDING}")).scalar_one()


def test_a_pushed_slip_is_found_by_the_portal_search_right_after_the_push(
        archive, laptops, db_url):
    laptop = laptops("centre")
    fill_demo(laptop.store, requests=16, now=DEMO_NOW)
    report = run_sync_round(laptop.store, None, laptop.client)
    assert report.ok and report.pushed
    with archive.db.read() as session:
        sealed = session.execute(
            select(Slip.id, Slip.number, Slip.fault_found, ServiceRequest.customer_id)
            .join(ServiceRequest, Slip.request_id == ServiceRequest.id)
            .where(Slip.seal.is_not(None))).all()
        assert sealed
        for slip_id, number, fault, customer_id in sealed:
            for term in (number, number[-3:], (fault or number)[:2]):
                page = slips_page(session, customer_id, number=1, size=1000, search=term)
                assert slip_id in {row.id for row in page.rows}, (number, term)
        if db_url.startswith("sqlite"):
            assert _pending(session) == 0
            assert _indexed(session) == _as_the_trigger_writes(session)


@pytest.fixture
def pushed(tmp_path: Path) -> Iterator[Database]:
    """An in-process SQLite archive holding a demo laptop's whole outbox."""
    store = new_store(tmp_path / "laptop")
    fill_demo(store, requests=16, now=DEMO_NOW)
    (tmp_path / "archive").mkdir()
    db = archive_db(tmp_path / "archive")
    outcomes = push_records(db, waiting(store))
    store.close()
    assert {o.status for o in outcomes} == {"accepted"}
    yield db
    db.close()


def test_the_index_holds_what_the_core_trigger_wrote_and_its_fts_tables_agree(pushed):
    with pushed.read() as session:
        assert session.execute(text(
            "SELECT count(*) FROM sqlite_master WHERE name = 'slips_search_insert'")
        ).scalar_one() == 0  # a010 took the per-row trigger off the archive
        assert _pending(session) == 0
        indexed = _indexed(session)
        assert indexed and indexed == _as_the_trigger_writes(session)
    with pushed.write() as session:  # FTS5's own check of both indexes against the rows
        session.execute(text(
            "INSERT INTO slip_search_fts (slip_search_fts) VALUES ('integrity-check')"))


def test_a_slip_stored_otherwise_is_indexed_at_the_next_catch_up_with_its_latest_text(
        pushed):
    with pushed.write() as session:
        slip = session.scalars(select(Slip).where(Slip.seal.is_(None))).first()
        assert slip is not None
        slips = Slip.__table__
        row = session.execute(select(slips).where(slips.c.id == slip.id)).mappings().one()
        new_id = uuid.uuid4()
        session.execute(slips.insert().values(
            {**row, "id": new_id, "number": row["number"] + "-X", "fault_found": "独角兽故障"}))
        customer = session.get_one(Customer, session.get_one(
            ServiceRequest, slip.request_id).customer_id)
        customer.name = "改名后的客户"  # before the catch-up: no index row to refresh yet
        session.flush()
        assert _pending(session) == 1
        assert not list_slips(session, SlipFilter(search="独角兽"))
        assert catch_up(session) == 1
        assert _pending(session) == 0
        assert [row.id for row in list_slips(session, SlipFilter(search="独角兽"))] == [new_id]
        assert count_slips(session, SlipFilter(search="改名后的")) >= 2
        assert _indexed(session) == _as_the_trigger_writes(session)
        assert catch_up(session) == 0


def test_the_migration_down_indexes_what_is_pending_and_puts_the_core_trigger_back(pushed):
    config = _archive_config()
    with pushed.engine.begin() as connection:
        connection.execute(text("DELETE FROM slip_search WHERE slip_id IN "
                                "(SELECT slip_id FROM slip_search LIMIT 3)"))
        connection.execute(text(f"INSERT INTO {PENDING} (slip_id) SELECT id FROM slips"))
        config.attributes["connection"] = connection
        command.downgrade(config, "a009")
    with pushed.read() as session:
        assert _indexed(session) == _as_the_trigger_writes(session)
        names = set(session.execute(text("SELECT name FROM sqlite_master")).scalars())
        assert "slips_search_insert" in names and PENDING not in names
    with pushed.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with pushed.read() as session:
        names = set(session.execute(text("SELECT name FROM sqlite_master")).scalars())
        assert "slips_search_insert" not in names and PENDING in names
