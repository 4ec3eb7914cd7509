"""A large benchmark store (1M slips) in minutes: copies of the 1k demo store, bulk-inserted.

`fill_demo` goes through the real API at ~10 ms of CPU per request (~17 min for 10k
here), far too slow for a million. This builder takes the cached 1k demo store as a
template and appends copies of its customers' devices, requests and slips with plain
``executemany`` INSERTs in one transaction, then builds the search index once:

- copy k of a template row gets a new id, its number with ``-k`` appended, and its times
  shifted k × (the template's time span + 1 day) into the past, so the template's own
  slips stay the newest (the benchmarks' drafts to save and seal, and sealed slips to
  verify, are real `fill_demo` slips with every signature);
- each copy has its own devices with new random serial numbers (``SN`` + 10 letters and
  digits) and asset tags, so a serial fragment is as rare as in a real fleet;
- the texts are the demo's realistic Chinese fault and handling texts, each copy's slip
  taking those of another template slip (the demo's term frequencies);
- copies carry no signatures, fee lines or seal documents (a copied sealed slip keeps its
  seal hash but not the 5–10 KB seal document): the list, the search, save and seal of
  the template's drafts and the start-up read none of them.

The triggers of ``slips``, ``service_requests`` and ``slip_search`` are dropped during
the copy and re-created as they were; the search index is refilled in one pass each
(migration 0012's statements) instead of one FTS5 write per row.
"""

from __future__ import annotations

import math
import random
import sqlite3
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import import_module
from pathlib import Path

_FMT = "%Y-%m-%d %H:%M:%S.%f"
_TIME_COLUMNS = {"service_requests": ("requested_at", "answered_at", "closed_at",
                                      "created_at", "updated_at"),
                 "slips": ("arrived_at", "started_at", "solved_at", "departed_at",
                           "sealed_at", "created_at", "updated_at"),
                 "devices": ("created_at", "updated_at")}
_SERIAL = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _rows(conn: sqlite3.Connection, table: str) -> list[dict[str, object]]:
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(f"SELECT * FROM {table}")]
    finally:
        conn.row_factory = None


def _parsed(table: str, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """The rows with their time columns as datetimes (parsed once, shifted per copy)."""
    return [row | {c: datetime.strptime(str(row[c]), _FMT) for c in _TIME_COLUMNS[table]
                   if isinstance(row[c], str)} for row in rows]


def _shift(value: object, delta: timedelta) -> object:
    if isinstance(value, datetime):
        return (value - delta).isoformat(" ", timespec="microseconds")
    return value


def _insert(conn: sqlite3.Connection, table: str, columns: list[str],
            rows: list[tuple[object, ...]]) -> None:
    marks = ", ".join("?" for _ in columns)
    conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def grow(db: Path, slips: int, log: Callable[[str], None] = print,
         seed: int = 23) -> dict[str, float]:
    """Append copies to the store at `db` (a copy of a demo store) until it has about
    `slips` slips; returns the seconds of each phase."""
    rng = random.Random(seed)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -1000000")  # 1 GB: the random-key indexes
    conn.execute("PRAGMA temp_store = MEMORY")
    phases: dict[str, float] = {}
    started = time.perf_counter()
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN"
        " ('slips', 'service_requests', 'slip_search', 'devices', 'customers')").fetchall()
    devices, requests, slip_rows = (_parsed(t, _rows(conn, t)) for t in
                                    ("devices", "service_requests", "slips"))
    copies = max(0, math.ceil((slips - len(slip_rows)) / len(slip_rows)))
    times = [t for t in [s["created_at"] for s in slip_rows]
             + [r["requested_at"] for r in requests] if isinstance(t, datetime)]
    span = max(times) - min(times) + timedelta(days=1)
    texts = [(s["fault_found"], s["handling"]) for s in slip_rows]
    columns = {t: _columns(conn, t) for t in ("devices", "service_requests", "slips")}
    conn.execute("BEGIN")
    for name, _sql in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    log(f"    … {copies} copies of {len(slip_rows)} slips, {len(requests)} requests, "
        f"{len(devices)} devices")
    for k in range(1, copies + 1):
        delta = span * k
        ids: dict[object, str] = {}

        def new_id(old: object, ids: dict[object, str] = ids) -> str:
            ids[old] = uuid.UUID(int=rng.getrandbits(128)).hex
            return ids[old]

        def copy(table: str, row: dict[str, object], changes: dict[str, object],
                 delta: timedelta = delta) -> tuple[object, ...]:
            return tuple(changes[c] if c in changes else _shift(row[c], delta)
                         for c in columns[table])

        _insert(conn, "devices", columns["devices"], [copy("devices", d, {
            "id": new_id(d["id"]),
            "serial": "SN" + "".join(rng.choices(_SERIAL, k=10)),
            "asset_tag": f"{d['asset_tag']}-{k}"}) for d in devices])
        _insert(conn, "service_requests", columns["service_requests"], [
            copy("service_requests", r, {"id": new_id(r["id"]), "number": f"{r['number']}-{k}",
                                         "device_id": ids.get(r["device_id"])})
            for r in requests])
        for s in slip_rows:
            new_id(s["id"])
        rows = []
        for s in slip_rows:
            fault_found, handling = rng.choice(texts)
            rows.append(copy("slips", s, {
                "id": ids[s["id"]], "number": f"{s['number']}-{k}",
                "request_id": ids[s["request_id"]],
                "amends_slip_id": ids.get(s["amends_slip_id"]),
                "fault_found": fault_found, "handling": handling,
                "seal_document": None, "seal_signature": None}))
        _insert(conn, "slips", columns["slips"], rows)
        if k % 100 == 0:
            log(f"    … copy {k}/{copies} ({time.perf_counter() - started:.0f} s)")
    phases["rows"] = time.perf_counter() - started
    index = import_module("fieldapp.store.migrations.versions.0012_search_bigrams")
    step = time.perf_counter()
    conn.execute("DELETE FROM slip_search")
    conn.execute("INSERT INTO slip_search (slip_id, body) SELECT id, '' FROM slips")
    conn.execute(index.BACKFILL)
    phases["search text"] = time.perf_counter() - step
    step = time.perf_counter()
    conn.execute(index.REBUILD_TRIGRAMS)
    phases["trigram index"] = time.perf_counter() - step
    step = time.perf_counter()
    conn.execute("INSERT INTO slip_search_bigram (slip_search_bigram) VALUES ('delete-all')")
    longest = conn.execute("SELECT max(length(body)) FROM slip_search").fetchone()[0]
    conn.execute("INSERT OR IGNORE INTO slip_search_positions (n) WITH RECURSIVE k(n) AS"
                 " (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < ?) SELECT n FROM k",
                 (longest,))
    conn.execute(index.FILL_BIGRAMS)
    phases["bigram index"] = time.perf_counter() - step
    for _name, sql in triggers:
        conn.execute(sql)
    conn.execute("COMMIT")
    step = time.perf_counter()
    conn.execute("INSERT INTO slip_search_fts (slip_search_fts) VALUES ('optimize')")
    conn.execute("INSERT INTO slip_search_bigram (slip_search_bigram) VALUES ('optimize')")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    phases["optimize, checkpoint"] = time.perf_counter() - step
    count = conn.execute("SELECT count(*) FROM slips").fetchone()[0]
    conn.close()
    log(f"    … {count} slips; " + ", ".join(f"{k} {v:.0f} s" for k, v in phases.items()))
    return {"slips": count, **{k: round(v, 1) for k, v in phases.items()}}
