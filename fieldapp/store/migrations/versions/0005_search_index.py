"""Search index for slips, and indexes for the slip list's first page.

SQLite (the laptop):

- ``slip_search``: one row per slip with its searchable text in one column — slip number,
  request number, customer name, fault as found, handling, fault as reported — joined by
  newlines and lower-cased the way LIKE compares (ASCII only). Kept in sync by triggers on
  slips, service_requests and customers, so every writer (the core, a JSON import, a hand
  edit) keeps it right.
- ``slip_search_fts``: an FTS5 ``trigram`` index over that column (external content), for
  terms of three characters or more. Shorter terms (蓝屏, 打印) scan the one column with
  ``instr``, which is far cheaper than LIKE over four joined tables.
- Indexes that give the list its order (``created_at DESC, id DESC``) without sorting,
  also per status and per engineer.

PostgreSQL (the archive server): only the list indexes; `list_slips` falls back to LIKE.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import Connection

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_NL = "char(10)"


def _body(slip: str) -> str:
    """SQL for the searchable text of the slip row `slip` (an alias or NEW)."""
    request = (
        f"(SELECT r.number || {_NL} || r.fault_reported || {_NL} || "
        f"coalesce((SELECT c.name FROM customers c WHERE c.id = r.customer_id), '') "
        f"FROM service_requests r WHERE r.id = {slip}.request_id)"
    )
    return (
        f"lower({slip}.number || {_NL} || coalesce({slip}.fault_found, '') || {_NL} || "
        f"coalesce({slip}.handling, '') || {_NL} || coalesce({request}, ''))"
    )


def _refresh(where: str) -> str:
    return (
        f"UPDATE slip_search SET body = (SELECT {_body('s')} FROM slips s "
        f"WHERE s.id = slip_search.slip_id) WHERE {where};"
    )


_TABLES = [
    "CREATE TABLE slip_search ("
    " id INTEGER PRIMARY KEY,"
    " slip_id CHAR(32) NOT NULL UNIQUE,"  # no FK: a batch re-create of slips must not cascade
    " body TEXT NOT NULL)",
    "CREATE VIRTUAL TABLE slip_search_fts USING fts5("
    " body, content='slip_search', content_rowid='id', tokenize='trigram')",
]

_FTS_TRIGGERS = [
    "CREATE TRIGGER slip_search_ai AFTER INSERT ON slip_search BEGIN"
    " INSERT INTO slip_search_fts (rowid, body) VALUES (NEW.id, NEW.body); END",
    "CREATE TRIGGER slip_search_ad AFTER DELETE ON slip_search BEGIN"
    " INSERT INTO slip_search_fts (slip_search_fts, rowid, body)"
    " VALUES ('delete', OLD.id, OLD.body); END",
    "CREATE TRIGGER slip_search_au AFTER UPDATE OF body ON slip_search BEGIN"
    " INSERT INTO slip_search_fts (slip_search_fts, rowid, body)"
    " VALUES ('delete', OLD.id, OLD.body);"
    " INSERT INTO slip_search_fts (rowid, body) VALUES (NEW.id, NEW.body); END",
]

_SYNC_TRIGGERS = [
    "CREATE TRIGGER slips_search_insert AFTER INSERT ON slips BEGIN"
    f" INSERT INTO slip_search (slip_id, body) VALUES (NEW.id, {_body('NEW')}); END",
    "CREATE TRIGGER slips_search_update"
    " AFTER UPDATE OF number, fault_found, handling, request_id ON slips BEGIN"
    f" {_refresh('slip_id = NEW.id')} END",
    "CREATE TRIGGER slips_search_delete AFTER DELETE ON slips BEGIN"
    " DELETE FROM slip_search WHERE slip_id = OLD.id; END",
    "CREATE TRIGGER requests_search_update"
    " AFTER UPDATE OF number, fault_reported, customer_id ON service_requests BEGIN"
    f" {_refresh('slip_id IN (SELECT id FROM slips WHERE request_id = NEW.id)')} END",
    "CREATE TRIGGER customers_search_update AFTER UPDATE OF name ON customers BEGIN"
    f" {_refresh('slip_id IN (SELECT s.id FROM slips s JOIN service_requests r ON r.id = s.request_id WHERE r.customer_id = NEW.id)')}"  # noqa: E501
    " END",
]

_TRIGGER_NAMES = [
    "slip_search_ai", "slip_search_ad", "slip_search_au", "slips_search_insert",
    "slips_search_update", "slips_search_delete", "requests_search_update",
    "customers_search_update",
]

# (name, table, columns): the list's order, overall and within the common filters.
_LIST_INDEXES = [
    ("ix_slips_created_at_id", "slips", ["created_at", "id"]),
    ("ix_slips_status_created_at", "slips", ["status", "created_at", "id"]),
    ("ix_slips_engineer_created_at", "slips", ["engineer_id", "created_at", "id"]),
]


def upgrade() -> None:
    for name, table, columns in _LIST_INDEXES:
        op.create_index(name, table, columns)
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    op.execute(_TABLES[0])
    if _has_trigram(bind):
        op.execute(_TABLES[1])
    # Backfill, then build the trigram index in one pass, then keep both in sync.
    op.execute(f"INSERT INTO slip_search (slip_id, body) SELECT s.id, {_body('s')} FROM slips s")
    if _has_trigram(bind):
        op.execute("INSERT INTO slip_search_fts (slip_search_fts) VALUES ('rebuild')")
        for statement in _FTS_TRIGGERS:
            op.execute(statement)
    for statement in _SYNC_TRIGGERS:
        op.execute(statement)


def _has_trigram(bind: Connection) -> bool:
    """FTS5 with the trigram tokenizer needs SQLite 3.34 built with FTS5; without it the
    search scans slip_search for every term (slower, same results)."""
    version_text = str(bind.exec_driver_sql("SELECT sqlite_version()").scalar())
    version = tuple(int(p) for p in version_text.split("."))
    fts5 = bind.exec_driver_sql("SELECT sqlite_compileoption_used('ENABLE_FTS5')").scalar()
    return version >= (3, 34) and bool(fts5)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS slip_search_fts")
        op.execute("DROP TABLE IF EXISTS slip_search")
    for name, table, _columns in reversed(_LIST_INDEXES):
        op.drop_index(name, table_name=table)
