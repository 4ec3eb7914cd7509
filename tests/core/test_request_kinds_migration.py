"""Migration 0009: a store of the previous schema (0008) keeps every request, and each old
channel becomes its intake channel and service kind (issue 17)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from fieldapp.records.sla_records import request_clocks
from fieldapp.sla import ClockKind, split_channel
from fieldapp.store import open_store
from fieldapp.store.engine import create_sqlite_engine
from fieldapp.store.migrate import current_revision, head_revision, upgrade
from fieldapp.store.models import ServiceRequest

STAMP = "2026-03-01 01:00:00.000000"
EXPECTED = {  # old channel: (intake_channel, service_kind, hardware_fault)
    "phone": ("phone", "answer", False),
    "onsite": ("phone", "onsite", False),
    "remote": ("phone", "remote", False),
    "sendin": ("phone", "sendin", True),
    "letter": ("letter", "answer", False),
    "portal": ("portal", "answer", False),
}


@pytest.fixture
def old_store(tmp_path):
    """A store at 0008 with one request per old channel (and a slip on the on-site one)."""
    engine = create_sqlite_engine(tmp_path / "fieldapp.db")
    upgrade(engine, "0008")
    customer, engineer = uuid.uuid4().hex, uuid.uuid4().hex
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO customers (id, code, name, is_group, account_manager, phone, address,"
            " created_at, updated_at) VALUES (:c, 'TJPORT', '天津港信息中心', 1, '陈晓红', '',"
            " '', :t, :t)"), {"c": customer, "t": STAMP})
        conn.execute(text(
            "INSERT INTO engineers (id, code, name, phone, skills, active, created_at,"
            " updated_at) VALUES (:e, 'E07', '刘洋', '', '硬件', 1, :t, :t)"),
            {"e": engineer, "t": STAMP})
        for i, channel in enumerate(EXPECTED, start=1):
            conn.execute(text(
                "INSERT INTO service_requests (id, number, customer_id, channel, contact_name,"
                " contact_phone, fault_reported, requested_at, answered_at, status, taken_by,"
                " created_at, updated_at) VALUES (:r, :n, :c, :ch, '孙丽', '', '打印机卡纸', :t,"
                " NULL, 'open', 'C01', :t, :t)"),
                {"r": uuid.uuid4().hex, "n": f"R-C01-20260301-{i:03d}", "c": customer,
                 "ch": channel, "t": STAMP})
    engine.dispose()
    return tmp_path


def test_every_old_channel_maps_to_both_fields_without_loss(old_store):
    store = open_store(old_store)
    assert current_revision(store.engine) == head_revision()
    with store.read() as session:
        rows = session.execute(text(
            "SELECT channel, intake_channel, service_kind, hardware_fault, fault_reported,"
            " contact_name FROM service_requests ORDER BY number")).all()
        assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    store.close()
    assert {row[0]: (row[1], row[2], bool(row[3])) for row in rows} == EXPECTED
    assert {(row[4], row[5]) for row in rows} == {("打印机卡纸", "孙丽")}  # nothing else lost


def test_the_migration_agrees_with_the_core_mapping():
    for channel, (intake, kind, _hardware) in EXPECTED.items():
        assert split_channel(channel) == (intake, kind)


def test_a_migrated_on_site_call_runs_the_answer_and_the_arrival_clock(old_store):
    store = open_store(old_store)
    with store.read() as session:
        request = session.query(ServiceRequest).filter_by(channel="onsite").one()
        now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
        kinds = [c.kind for c in request_clocks(request, now)]
    store.close()
    assert kinds == [ClockKind.PHONE_ANSWER, ClockKind.ONSITE_ARRIVAL]


def test_the_search_index_triggers_survive(old_store):
    store = open_store(old_store)
    with store.read() as session:
        triggers = set(session.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
    store.close()
    engine = create_sqlite_engine(old_store / "before.db")
    upgrade(engine, "0008")
    with engine.connect() as conn:
        before = set(conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
    engine.dispose()
    assert before <= triggers


@pytest.mark.postgres
def test_postgresql_migrates_every_old_channel_too():
    """The archive runs the same history on PostgreSQL (booleans and defaults differ)."""
    from sqlalchemy import create_engine

    from tests.archive.servers import postgres_database, postgres_reason

    reason = postgres_reason()
    if reason is not None:
        pytest.skip(reason)
    with postgres_database() as url:
        engine = create_engine(url)
        try:
            upgrade(engine, "0008")
            customer = uuid.uuid4()
            with engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO customers (id, code, name, is_group, account_manager, phone,"
                    " address, document_language, created_at, updated_at) VALUES (:c,"
                    " 'TJPORT', '天津港信息中心', true, '', '', '', 'zh', now(), now())"),
                    {"c": customer})
                for i, channel in enumerate(EXPECTED, start=1):
                    conn.execute(text(
                        "INSERT INTO service_requests (id, number, customer_id, channel,"
                        " contact_name, contact_phone, fault_reported, requested_at, status,"
                        " taken_by, created_at, updated_at) VALUES (:r, :n, :c, :ch, '孙丽', '',"
                        " '打印机卡纸', now(), 'open', 'C01', now(), now())"),
                        {"r": uuid.uuid4(), "n": f"R-C01-20260301-{i:03d}", "c": customer,
                         "ch": channel})
            upgrade(engine)
            assert current_revision(engine) == head_revision()
            with engine.connect() as conn:
                rows = conn.execute(text(
                    "SELECT channel, intake_channel, service_kind, hardware_fault"
                    " FROM service_requests")).all()
        finally:
            engine.dispose()
    assert {row[0]: (row[1], row[2], bool(row[3])) for row in rows} == EXPECTED
