"""The local store: durable settings, migrations from empty and from an older version,
and clear messages for storage failures (disk full, locked, read-only, corrupt) that
change nothing and upload nothing damaged."""

from __future__ import annotations

import json
import sqlite3
import uuid

import httpx
import pytest
from sqlalchemy import create_engine, inspect, text

from fieldapp.base.errors import StorageError
from fieldapp.records import reference
from fieldapp.store import Store, open_store
from fieldapp.store import engine as engine_module
from fieldapp.store.engine import create_sqlite_engine
from fieldapp.store.migrate import (
    current_revision,
    head_revision,
    quick_head_revision,
    upgrade,
)
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import fill_demo


def test_store_runs_wal_with_full_sync_and_foreign_keys(store):
    with store.read() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_new_store_is_migrated_to_head(store):
    assert current_revision(store.engine) == head_revision()
    tables = set(inspect(store.engine).get_table_names())
    assert {"slips", "fee_lines", "signatures", "slip_prints", "number_sequences"} <= tables


def test_foreign_keys_are_enforced(store):
    with pytest.raises(Exception, match="FOREIGN KEY"), store.write() as session:
        session.execute(text(
            "INSERT INTO contacts (id, customer_id, name, phone, email, title, created_at,"
            " updated_at) VALUES (:id, :missing, 'x', '', '', '', '2026-01-01', '2026-01-01')"),
            {"id": uuid.uuid4().hex, "missing": uuid.uuid4().hex})


def test_database_from_the_previous_version_upgrades_without_loss(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    engine = create_sqlite_engine(folder / "fieldapp.db")
    upgrade(engine, "0001")
    customer, engineer, request, slip = (uuid.uuid4().hex for _ in range(4))
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO customers VALUES ('TJPORT', '天津港信息中心', 1, '陈晓红', '', '',"
            " :c, '2026-03-01 01:00:00.000000', '2026-03-01 01:00:00.000000')"), {"c": customer})
        conn.execute(text(
            "INSERT INTO engineers VALUES ('E07', '刘洋', '', '硬件', 1, :e,"
            " '2026-03-01 01:00:00.000000', '2026-03-01 01:00:00.000000')"), {"e": engineer})
        conn.execute(text(
            "INSERT INTO service_requests (number, customer_id, channel, contact_name,"
            " contact_phone, fault_reported, requested_at, status, taken_by, id, created_at,"
            " updated_at) VALUES ('R-C01-20260301-001', :c, 'onsite', '孙丽', '', '打印机卡纸',"
            " '2026-03-01 01:00:00.000000', 'in_progress', 'C01', :r,"
            " '2026-03-01 01:00:00.000000', '2026-03-01 01:00:00.000000')"),
            {"c": customer, "r": request})
        conn.execute(text(
            "INSERT INTO slips (number, request_id, engineer_id, fault_found, handling, result,"
            " status, amendment_reason, id, created_at, updated_at) VALUES"
            " ('S-E07-20260301-001', :r, :e, '搓纸轮磨损', '', '', 'draft', '', :s,"
            " '2026-03-01 02:00:00.000000', '2026-03-01 02:00:00.000000')"),
            {"r": request, "e": engineer, "s": slip})
    engine.dispose()

    store = open_store(folder)
    assert current_revision(store.engine) == head_revision()
    with store.read() as session:
        row = session.execute(text("SELECT number, fault_found, seal_document FROM slips")).one()
        assert row == ("S-E07-20260301-001", "搓纸轮磨损", None)
        assert session.execute(text("SELECT name FROM customers")).scalar() == "天津港信息中心"
        assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    store.close()


def test_opening_twice_does_not_migrate_again(tmp_path):
    open_store(tmp_path).close()
    store = open_store(tmp_path)
    assert current_revision(store.engine) == head_revision()
    store.close()


def test_a_corrupt_database_file_gives_a_clear_message(tmp_path):
    (tmp_path / "fieldapp.db").write_bytes(b"this is not sqlite" * 200)
    with pytest.raises(StorageError) as err:
        open_store(tmp_path)
    assert "损坏" in err.value.zh and "damaged" in err.value.en


def test_a_full_disk_gives_a_clear_message_and_keeps_earlier_saves(store, world):
    with store.write() as session:
        pages = session.execute(text("PRAGMA page_count")).scalar()
    with pytest.raises(StorageError) as err, store.write() as session:
        session.execute(text(f"PRAGMA max_page_count = {pages}"))
        session.execute(text("CREATE TABLE filler (x BLOB)"))
        for _ in range(100):
            session.execute(text("INSERT INTO filler VALUES (randomblob(8192))"))
    assert "磁盘已满" in err.value.zh
    with store.read() as session:
        assert session.execute(text("SELECT count(*) FROM service_requests")).scalar() == 1


def test_quick_head_read_without_alembic_equals_alembics_head():
    assert quick_head_revision() == head_revision()


def test_opening_a_current_store_does_not_import_alembic(tmp_path):
    import subprocess
    import sys

    open_store(tmp_path).close()
    code = ("import sys; from pathlib import Path; from fieldapp.store import open_store; "
            f"open_store(Path({str(tmp_path)!r})).close(); "
            "print(any(m == 'alembic' or m.startswith('alembic.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_a_locked_database_gives_a_clear_message_and_the_next_save_works(
        tmp_path, monkeypatch):
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)
    store = open_store(tmp_path / "locked")
    other = sqlite3.connect(tmp_path / "locked" / "fieldapp.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program holds the file
    with pytest.raises(StorageError) as err, store.write() as session:
        reference.create_customer(session, code="LOCK", name="锁定测试")
    assert "占用" in err.value.zh and "busy" in err.value.en
    other.execute("ROLLBACK")
    other.close()
    with store.write() as session:
        reference.create_customer(session, code="LOCK", name="锁定测试")
    store.close()


def test_a_read_only_database_gives_a_clear_message_and_changes_nothing(store, world):
    path = store.path
    read_only = Store(create_engine(f"sqlite:///file:{path}?mode=ro&uri=true"), path)
    with pytest.raises(StorageError) as err, read_only.write() as session:
        session.execute(text("UPDATE customers SET name = '只读'"))
    assert "只读" in err.value.zh and "read-only" in err.value.en
    read_only.close()
    with store.read() as session:
        assert session.execute(text("SELECT count(*) FROM customers WHERE name = '只读'")
                               ).scalar() == 0


def test_a_damaged_database_is_never_uploaded(tmp_path):
    """Pages of a table overwritten (a failing disk): the round stops with a clear message
    before anything leaves the laptop; the recovery path is docs/reliability.md's."""
    folder = tmp_path / "damaged"
    store = open_store(folder)
    fill_demo(store, requests=6)
    store.close()
    data = bytearray((folder / "fieldapp.db").read_bytes())
    page = 4096
    for n in range(len(data) // page // 3, len(data) // page - 1, 2):  # every other page
        data[n * page + 100:n * page + 400] = b"\xa5" * 300
    (folder / "fieldapp.db").write_bytes(bytes(data))
    sent: list[dict] = []

    def archive(request: httpx.Request) -> httpx.Response:
        sent.extend(json.loads(request.content).get("records", []) if request.content else [])
        return httpx.Response(500)

    with pytest.raises(StorageError) as err:
        damaged = open_store(folder)
        with ArchiveClient("http://archive.test", "t",
                           transport=httpx.MockTransport(archive)) as client:
            run_sync_round(damaged, None, client)
    assert "损坏" in err.value.zh and "damaged" in err.value.en
    assert sent == []
