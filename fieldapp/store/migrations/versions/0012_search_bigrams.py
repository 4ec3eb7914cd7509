"""Search: bigrams for 1–2 character terms, and the device's serial in the searched text.

SQLite only (the laptop); PostgreSQL (the archive) keeps LIKE (issue 23 item 3).

- ``slip_search.body`` also holds the serial number and asset tag of the request's device,
  so a fragment of a serial (``SN-7F3``, ``7f3``) is found through the index like any text;
  before, every search scanned ``devices`` with ILIKE and joined its slips.
- ``slip_search_bigram``: a contentless FTS5 table (``detail=none``: row ids only) whose
  one document per slip is the body's character bigrams, each written as the hex of its
  UTF-8 bytes (``蓝屏`` → ``E8939DE5B18F``) so any character pair — CJK, Latin, ``%``,
  ``-`` — is exactly one ``ascii`` token; each character is also a token alone, marked
  with a ``u`` (``蓝`` → ``uE8939D``), so a one-character term is one token too (a
  prefix query ``E8939D*`` would merge every pair that starts with it). FTS5 cannot be
  given a tokenizer written in Python, and a Python SQL function would break every writer
  that lacks it (a hand edit in the sqlite3 shell), so the tokens are made in SQL:
  ``substr`` over the positions 1..length(body) taken from ``slip_search_positions`` (a
  table of integers that doubles itself before a longer body comes in).
- The triggers on ``slip_search`` maintain both FTS5 tables, so every writer stays right.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import Connection

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_NL = "char(10)"
_POSITIONS = 4096  # first fill; the table doubles when a longer body arrives


def _body(slip: str, *, devices: bool = True) -> str:
    """SQL for the searchable text of the slip row `slip` (an alias or NEW); 0005's
    text when `devices` is False."""
    device = (
        f" || {_NL} || coalesce((SELECT d.serial || {_NL} || d.asset_tag FROM devices d"
        f" WHERE d.id = r.device_id), '')" if devices else ""
    )
    request = (
        f"(SELECT r.number || {_NL} || r.fault_reported || {_NL} || "
        f"coalesce((SELECT c.name FROM customers c WHERE c.id = r.customer_id), '')"
        f"{device} FROM service_requests r WHERE r.id = {slip}.request_id)"
    )
    return (
        f"lower({slip}.number || {_NL} || coalesce({slip}.fault_found, '') || {_NL} || "
        f"coalesce({slip}.handling, '') || {_NL} || coalesce({request}, ''))"
    )


def bigrams(body: str) -> str:
    """SQL for the space-separated tokens of the text expression `body`: each character
    pair, and each character alone prefixed with ``u``."""
    return ("(SELECT coalesce(group_concat("
            f"CASE WHEN p.n < length({body}) THEN hex(substr({body}, p.n, 2)) || ' ' ELSE ''"
            f" END || 'u' || hex(substr({body}, p.n, 1)), ' '), '')"
            f" FROM slip_search_positions p WHERE p.n <= length({body}))")


def _refresh(where: str, *, devices: bool = True) -> str:
    return (
        f"UPDATE slip_search SET body = (SELECT {_body('s', devices=devices)} FROM slips s "
        f"WHERE s.id = slip_search.slip_id) WHERE {where};"
    )


def _sync_triggers(*, devices: bool) -> list[str]:
    """The triggers that keep slip_search.body equal to the slip's text (0005's shape)."""
    statements = [
        "CREATE TRIGGER slips_search_insert AFTER INSERT ON slips BEGIN"
        " INSERT INTO slip_search (slip_id, body)"
        f" VALUES (NEW.id, {_body('NEW', devices=devices)}); END",
        "CREATE TRIGGER slips_search_update"
        " AFTER UPDATE OF number, fault_found, handling, request_id ON slips BEGIN"
        f" {_refresh('slip_id = NEW.id', devices=devices)} END",
        "CREATE TRIGGER slips_search_delete AFTER DELETE ON slips BEGIN"
        " DELETE FROM slip_search WHERE slip_id = OLD.id; END",
        "CREATE TRIGGER requests_search_update AFTER UPDATE OF number, fault_reported,"
        f" customer_id{', device_id' if devices else ''} ON service_requests BEGIN"
        f" {_refresh('slip_id IN (SELECT id FROM slips WHERE request_id = NEW.id)', devices=devices)}"  # noqa: E501
        " END",
        "CREATE TRIGGER customers_search_update AFTER UPDATE OF name ON customers BEGIN"
        f" {_refresh('slip_id IN (SELECT s.id FROM slips s JOIN service_requests r ON r.id = s.request_id WHERE r.customer_id = NEW.id)', devices=devices)}"  # noqa: E501
        " END",
    ]
    if devices:
        statements.append(
            "CREATE TRIGGER devices_search_update AFTER UPDATE OF serial, asset_tag ON devices"
            f" BEGIN {_refresh('slip_id IN (SELECT s.id FROM slips s JOIN service_requests r ON r.id = s.request_id WHERE r.device_id = NEW.id)')}"  # noqa: E501
            " END")
    return statements


_SYNC_NAMES = ["slips_search_insert", "slips_search_update", "slips_search_delete",
               "requests_search_update", "customers_search_update", "devices_search_update"]

# Doubling the positions table, a dozen times at most (4096 · 2¹² characters).
_GROW = ("INSERT INTO slip_search_positions (n) SELECT n + (SELECT max(n) FROM"
         " slip_search_positions) FROM slip_search_positions WHERE (SELECT max(n) FROM"
         " slip_search_positions) < length(NEW.body);")
_GROW_WHEN = "WHEN length(NEW.body) > (SELECT max(n) FROM slip_search_positions)"


def _fts_triggers(*, bigram: bool) -> list[str]:
    """The triggers on slip_search that maintain its FTS5 tables (0005's without bigram)."""
    add_tri = "INSERT INTO slip_search_fts (rowid, body) VALUES (NEW.id, NEW.body);"
    del_tri = ("INSERT INTO slip_search_fts (slip_search_fts, rowid, body)"
               " VALUES ('delete', OLD.id, OLD.body);")
    add_bi = (f"INSERT INTO slip_search_bigram (rowid, grams) VALUES (NEW.id, "
              f"{bigrams('NEW.body')});" if bigram else "")
    del_bi = ("INSERT INTO slip_search_bigram (slip_search_bigram, rowid, grams) VALUES"
              f" ('delete', OLD.id, {bigrams('OLD.body')});" if bigram else "")
    statements = [
        f"CREATE TRIGGER slip_search_ai AFTER INSERT ON slip_search BEGIN {add_tri}{add_bi} END",
        f"CREATE TRIGGER slip_search_ad AFTER DELETE ON slip_search BEGIN {del_tri}{del_bi} END",
        "CREATE TRIGGER slip_search_au AFTER UPDATE OF body ON slip_search BEGIN"
        f" {del_tri}{del_bi}{add_tri}{add_bi} END",
    ]
    if bigram:
        statements += [
            f"CREATE TRIGGER slip_search_grow_i BEFORE INSERT ON slip_search {_GROW_WHEN}"
            f" BEGIN {_GROW * 12} END",
            f"CREATE TRIGGER slip_search_grow_u BEFORE UPDATE OF body ON slip_search"
            f" {_GROW_WHEN} BEGIN {_GROW * 12} END",
        ]
    return statements


_FTS_NAMES = ["slip_search_ai", "slip_search_ad", "slip_search_au", "slip_search_grow_i",
              "slip_search_grow_u"]

# Build the indexes in one pass each (the benchmarks' bulk store builder uses these too).
BACKFILL = f"UPDATE slip_search SET body = (SELECT {_body('s')} FROM slips s" \
           " WHERE s.id = slip_search.slip_id)"
REBUILD_TRIGRAMS = "INSERT INTO slip_search_fts (slip_search_fts) VALUES ('rebuild')"
FILL_BIGRAMS = ("INSERT INTO slip_search_bigram (rowid, grams) SELECT id, "
                f"{bigrams('slip_search.body')} FROM slip_search")


def fill_positions(bind: Connection) -> None:
    longest = bind.exec_driver_sql("SELECT max(length(body)) FROM slip_search").scalar() or 0
    top = max(_POSITIONS, int(longest))
    bind.exec_driver_sql("DELETE FROM slip_search_positions")
    bind.exec_driver_sql(
        "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < ?)"
        " INSERT INTO slip_search_positions (n) SELECT n FROM k", (top,))


def _has_fts(bind: Connection) -> bool:
    return bind.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE name = 'slip_search_fts'").scalar() == 1


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    fts = _has_fts(bind)  # 0005 made it when SQLite has FTS5 with trigrams
    for name in _SYNC_NAMES + _FTS_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("CREATE TABLE slip_search_positions (n INTEGER PRIMARY KEY)")
    op.execute(BACKFILL)  # the device's serial and asset tag join the text
    fill_positions(bind)
    if fts:
        op.execute(REBUILD_TRIGRAMS)
        op.execute("CREATE VIRTUAL TABLE slip_search_bigram USING fts5("
                   " grams, content='', detail='none', tokenize='ascii')")
        op.execute(FILL_BIGRAMS)
        for statement in _fts_triggers(bigram=True):
            op.execute(statement)
    for statement in _sync_triggers(devices=True):
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    fts = _has_fts(bind)
    for name in _SYNC_NAMES + _FTS_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS slip_search_bigram")
    op.execute("DROP TABLE slip_search_positions")
    op.execute(f"UPDATE slip_search SET body = (SELECT {_body('s', devices=False)}"
               " FROM slips s WHERE s.id = slip_search.slip_id)")
    if fts:
        op.execute(REBUILD_TRIGRAMS)
        for statement in _fts_triggers(bigram=False):
            op.execute(statement)
    for statement in _sync_triggers(devices=False):
        op.execute(statement)
