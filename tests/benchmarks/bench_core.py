"""Core benchmarks: the slip list, search, draft save and seal at 1k, 10k and 100k slips.

Part of the suite (``python -m tests.benchmarks``); alone:
``python -m tests.benchmarks.bench_core [--sizes 1000,10000,100000] [--runs 15]``.
Stores are made with `fieldapp.tools.demo.fill_demo` (the real API) and cached (see stores.py).
Not collected by pytest (test_smoke.py runs the suite's smallest configuration).

Floors (measured in the same run): a raw ``sqlite3`` write of the same rows with the same
PRAGMAs (WAL, synchronous=FULL, BEGIN IMMEDIATE) — the cost of durability itself.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from unittest import mock

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.expression import UnaryExpression

from fieldapp.reads import queries
from fieldapp.reads.queries import SlipFilter, count_slips, list_slips
from fieldapp.records import slips
from fieldapp.rules.validation import FeeLineInput
from fieldapp.seal.sealing import verify_slip
from fieldapp.store import Store, open_store
from fieldapp.store import search as search_index
from fieldapp.store.models import Slip
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from tests.benchmarks.common import Row, loadavg, median_ms
from tests.benchmarks.stores import (
    DEMO_NOW,
    NotCached,
    cached_store_dir,
    requests_for_slips,
)

# The search matrix (issue 23): (kind, term); the serial fragment is of a demo device's
# serial (SN0002TJP5838), typed in another case.
SEARCH_TERMS = (("1-char CJK", "蓝"), ("2-char CJK", "蓝屏"), ("2-char CJK", "卡纸"),
                ("3+ char CJK", "打印机"), ("3+ char CJK", "搓纸轮"), ("Latin word", "iDRAC"),
                ("serial fragment", "tjp5838"), ("no hit", "不存在的故障"))
TARGET_MS = {"first page": 100.0, "save draft": 5.0, "seal": 20.0}


def search_target_ms(size: int) -> float:
    """Issue 23: ≤ 10 ms up to 100k slips, ≤ 50 ms at 1M."""
    return 10.0 if size <= 100_000 else 50.0


def draft_numbers(store: Store, count: int) -> list[str]:
    with store.read() as session:
        query = (select(Slip.number).where(Slip.status == "draft", Slip.amends_slip_id.is_(None))
                 .order_by(Slip.created_at.desc()).limit(count))
        return list(session.scalars(query))


# --- scenarios -----------------------------------------------------------------------


def bench_first_page(store: Store, runs: int) -> float:
    def first_page() -> None:
        with store.read() as session:
            list_slips(session, SlipFilter(), limit=50)
            count_slips(session, SlipFilter())
    return median_ms(first_page, runs)


def bench_search(store: Store, runs: int, term: str, *, with_count: bool,
                 old: bool = False) -> float:
    def search() -> None:
        with store.read() as session:
            list_slips(session, SlipFilter(search=term), limit=50)
            if with_count:
                count_slips(session, SlipFilter(search=term))
    if not old:
        return median_ms(search, runs)
    with mock.patch.object(queries, "_search_condition", old_search_condition):
        return median_ms(search, runs)


def old_search_condition(session: Session, term: str, *,
                         ordered: bool) -> ColumnElement[bool]:
    """The list's search before issue 23, on the same store, for figures side by side:
    trigrams for 3+ characters, a scan of the text for shorter terms, the devices scanned
    for serials, every match collected first (queries._search_condition then)."""
    needle = term.translate(search_index._ASCII_LOWER)
    table = search_index.slip_search
    query = select(table.c.slip_id).where(func.instr(table.c.body, needle) > 0)
    if len(term) >= search_index.MIN_TRIGRAM:
        phrase = '"' + needle.replace('"', '""') + '"'
        query = query.where(table.c.id.in_(select(search_index.slip_search_fts.c.rowid).where(
            text("slip_search_fts MATCH :phrase").bindparams(phrase=phrase))))
    matching = query.union(search_index.device_slip_ids(term))
    if not ordered:
        return Slip.id.in_(matching)
    no_index = UnaryExpression(Slip.id.expression, operator=operators.custom_op("+"),
                               type_=Slip.id.type)  # walk the order index, probe the matches
    return no_index.in_(matching)


def search_rows(store: Store, size: int, runs: int, note: str) -> list[Row]:
    """The search matrix, each term the new way and the old way side by side, with the
    load average next to every figure (the machine is shared)."""
    rows = []
    for kind, term in SEARCH_TERMS:
        with store.read() as session:
            matches = count_slips(session, SlipFilter(search=term))
        load = loadavg()
        where = f"{note}; {matches} matches; load {load[0] if load else '?'}"
        rows.append(Row(f"search {term} ({kind})", size,
                        bench_search(store, runs, term, with_count=False), "ms",
                        target=search_target_ms(size), runs=runs,
                        note=f"first page of matches; {where}", extra={"loadavg": load}))
        rows.append(Row(f"search {term} ({kind}), before issue 23", size,
                        bench_search(store, runs, term, with_count=False, old=True), "ms",
                        runs=runs, note=f"trigram + scan, as 0005; {where}"))
        rows.append(Row(f"search {term} + count", size,
                        bench_search(store, max(3, runs // 3), term, with_count=True), "ms",
                        runs=max(3, runs // 3), note="first page and the number of matches"))
    return rows


def bench_save_draft(store: Store, runs: int) -> float:
    number = draft_numbers(store, 1)[0]
    counter = iter(range(10**9))

    def save() -> None:
        with store.write() as session:
            slip = slips.get_slip(session, number)
            text = f"风扇异响，第 {next(counter)} 次检查"
            slips.update_slip(session, slip, {"fault_found": text},
                              now=DEMO_NOW + timedelta(hours=1))
    return median_ms(save, runs)


def bench_seal(store: Store, runs: int) -> float:
    numbers = draft_numbers(store, runs + 2)
    now = DEMO_NOW + timedelta(hours=1)
    with store.write() as session:  # make them complete and signed by the engineer (untimed)
        for number in numbers:
            slip = slips.get_slip(session, number)
            started = slip.request.requested_at + timedelta(minutes=5)
            slips.update_slip(session, slip, {
                "arrived_at": started - timedelta(minutes=1), "started_at": started,
                "solved_at": started + timedelta(minutes=30),
                "departed_at": started + timedelta(minutes=40),
                "fault_found": slip.fault_found or "内存条接触不良",
                "handling": "重新插拔并清洁内存条", "result": "solved"}, now=now)
            slips.set_fee_lines(session, slip, [
                FeeLineInput("labour", "上门服务费", Decimal(1), Decimal(120))])
            slips.sign_slip(session, slip, role="engineer", signer_name="王建国",
                            strokes=signature_strokes(1), pad_width=PAD_WIDTH,
                            pad_height=PAD_HEIGHT, signed_at=started + timedelta(minutes=41),
                            now=now)
    pending = iter(numbers)

    def seal() -> None:
        with store.write() as session:
            slip = slips.get_slip(session, next(pending))
            slips.sign_slip(session, slip, role="customer", signer_name="孙丽",
                            strokes=signature_strokes(2), pad_width=PAD_WIDTH,
                            pad_height=PAD_HEIGHT, signed_at=now, now=now)
            assert slip.seal is not None
    return median_ms(seal, runs, warmup=2)


def bench_verify(store: Store, runs: int) -> float:
    """Read a sealed slip and check its seal as `fieldapp verify` and the editor do (device
    signature and this laptop's receipts included: docs/seal.md)."""
    with store.read() as session:
        numbers = list(session.scalars(select(Slip.number).where(Slip.seal.is_not(None))
                                       .order_by(Slip.sealed_at.desc()).limit(runs + 2)))
    pending = iter(numbers * 2)

    def verify() -> None:
        with store.read() as session:
            assert verify_slip(slips.get_slip(session, next(pending))).ok
    return median_ms(verify, runs, warmup=2)


# --- floors: raw sqlite3, same PRAGMAs, same rows ------------------------------------


def _raw_connection(folder: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(folder / "floor.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS slips_raw (id TEXT PRIMARY KEY, number TEXT,"
                 " fault_found TEXT, handling TEXT, updated_at TEXT, seal TEXT,"
                 " seal_document TEXT)")
    conn.execute("CREATE TABLE IF NOT EXISTS signatures_raw (id TEXT PRIMARY KEY,"
                 " slip_id TEXT, role TEXT, signer_name TEXT, strokes TEXT, image_png BLOB)")
    return conn


def floor_save(folder: Path, store: Store, runs: int) -> float:
    """One slip row written in its own durable transaction."""
    number = draft_numbers(store, 1)[0]
    with store.read() as session:
        slip = slips.get_slip(session, number)
        row = (slip.number, slip.fault_found, slip.handling)
    conn = _raw_connection(folder)
    counter = iter(range(10**9))

    def write() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO slips_raw VALUES (?, ?, ?, ?, ?, NULL, NULL)",
                     (os.urandom(16).hex(), *row[:1], f"{row[1]} {next(counter)}", row[2],
                      datetime.now(UTC).isoformat()))
        conn.execute("COMMIT")
    try:
        return median_ms(write, runs)
    finally:
        conn.close()


def floor_seal(folder: Path, store: Store, runs: int) -> float:
    """The rows a seal writes: one signature (strokes + PNG) and the slip with its document."""
    with store.read() as session:
        slip = session.scalar(select(Slip).where(Slip.seal.is_not(None)).limit(1))
        signature = slip.signatures[0]
        sig_row = (signature.role, signature.signer_name, signature.strokes,
                   signature.image_png)
        slip_row = (slip.number, slip.fault_found, slip.handling, slip.seal,
                    slip.seal_document)
    conn = _raw_connection(folder)

    def write() -> None:
        slip_id = os.urandom(16).hex()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO signatures_raw VALUES (?, ?, ?, ?, ?, ?)",
                     (os.urandom(16).hex(), slip_id, *sig_row))
        conn.execute("INSERT INTO slips_raw VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (slip_id, slip_row[0], slip_row[1], slip_row[2],
                      datetime.now(UTC).isoformat(), slip_row[3], slip_row[4]))
        conn.execute("COMMIT")
    try:
        return median_ms(write, runs)
    finally:
        conn.close()


# --- the suite ---------------------------------------------------------------------


def run(sizes: list[int], runs: int = 15, cache: Path | None = None,
        log: Callable[[str], None] = print) -> list[Row]:
    """Every core scenario on a store with n slips for each n in `sizes`."""
    rows: list[Row] = []
    for size in sizes:
        try:
            folder, built = cached_store_dir(requests_for_slips(size), cache=cache, log=log)
        except NotCached as missing:
            rows.append(Row("core scenarios (list, search, save, seal)", size, None, "ms",
                            note=str(missing)))
            continue
        if built is not None:
            log(f"  built the {size}-slip store in {built:.0f} s")
        store = open_store(folder)
        try:
            with store.read() as session:
                n = count_slips(session, SlipFilter())
            note = f"{n} slips"
            rows.append(Row("open slip list, first page", size, bench_first_page(store, runs),
                            "ms", target=TARGET_MS["first page"], runs=runs,
                            note=f"{note}; list 50 + count"))
            rows += search_rows(store, size, runs, note)
            rows.append(Row("save a draft edit", size, bench_save_draft(store, runs), "ms",
                            floor=floor_save(folder, store, runs), floor_name="raw sqlite3",
                            target=TARGET_MS["save draft"], runs=runs,
                            note="own durable transaction"))
            rows.append(Row("seal a slip", size, bench_seal(store, runs), "ms",
                            floor=floor_seal(folder, store, runs), floor_name="raw sqlite3",
                            target=TARGET_MS["seal"], runs=runs,
                            note="second signature; own durable transaction"))
            rows.append(Row("verify a sealed slip", size, bench_verify(store, runs), "ms",
                            target=TARGET_MS["seal"], runs=runs,
                            note="read it, check seal, content, device signature, receipt"))
        finally:
            store.close()
            (folder / "floor.db").unlink(missing_ok=True)
            for suffix in ("-wal", "-shm"):
                (folder / f"floor.db{suffix}").unlink(missing_ok=True)
    return rows


def main() -> None:
    from tests.benchmarks.__main__ import alone
    from tests.benchmarks.__main__ import main as suite

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    suite(["--only", "core", *alone("core"), "--sizes", args.sizes, "--runs", str(args.runs)])


if __name__ == "__main__":
    main()
