"""Core benchmarks: the slip list, search, draft save and seal at 1k, 10k and 100k slips.

Run as ``python -m tests.benchmarks.bench_core [--sizes 1000,10000,100000] [--runs 15]``.
Stores are made with `fieldapp.demo.fill_demo` (the real API) and cached by size in
``--cache`` (default: a folder in the temp dir) between runs. Prints a table and writes
``tests/benchmarks/results/core.json``. Not collected by pytest (no ``test_`` files here).

Floors (measured in the same run): a raw ``sqlite3`` write of the same rows with the same
PRAGMAs (WAL, synchronous=FULL, BEGIN IMMEDIATE) — the cost of durability itself.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from fieldapp import slips
from fieldapp.demo import PAD_HEIGHT, PAD_WIDTH, fill_demo, signature_strokes
from fieldapp.queries import SlipFilter, count_slips, list_slips
from fieldapp.store import Store, open_store
from fieldapp.store.migrate import head_revision
from fieldapp.store.models import Slip
from fieldapp.validation import FeeLineInput

DEMO_NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
RESULTS = Path(__file__).parent / "results" / "core.json"
SEARCH_TERMS = ("打印机", "搓纸轮", "蓝屏", "卡纸", "不存在的故障")
TARGET_MS = {"first page": 100.0, "search": 50.0, "save draft": 5.0, "seal": 20.0}


@dataclass
class Result:
    scenario: str
    size: int
    median_ms: float
    floor_ms: float | None
    target_ms: float | None
    runs: int

    @property
    def ratio(self) -> float | None:
        return self.median_ms / self.floor_ms if self.floor_ms else None

    @property
    def passed(self) -> bool | None:
        return None if self.target_ms is None else self.median_ms <= self.target_ms


def median_ms(fn: Callable[[], object], runs: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


# --- stores --------------------------------------------------------------------------


def cached_store(cache: Path, size: int) -> tuple[Store, float | None]:
    """The store with `size` demo requests; built (and timed) unless cached."""
    folder = cache / f"n{size}"
    marker = folder / "built.json"
    key = {"size": size, "schema": head_revision(), "now": DEMO_NOW.isoformat()}
    if marker.exists() and json.loads(marker.read_text()) == key:
        return open_store(folder), None
    if folder.exists():
        for path in folder.iterdir():
            path.unlink()
    store = open_store(folder)
    start = time.perf_counter()
    fill_demo(store, requests=size, now=DEMO_NOW,
              progress=lambda done, total: print(f"  … {done}/{total}", flush=True))
    seconds = time.perf_counter() - start
    marker.write_text(json.dumps(key))
    return store, seconds


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


def bench_search(store: Store, runs: int, term: str, *, with_count: bool) -> float:
    def search() -> None:
        with store.read() as session:
            list_slips(session, SlipFilter(search=term), limit=50)
            if with_count:
                count_slips(session, SlipFilter(search=term))
    return median_ms(search, runs)


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


# --- report --------------------------------------------------------------------------


def machine() -> dict[str, object]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "platform": platform.platform(),
            "loadavg_at_start": os.getloadavg() if hasattr(os, "getloadavg") else None}


def growth(results: list[Result]) -> list[dict[str, object]]:
    """Time may grow at most like n log n from one size to the next."""
    checks = []
    by_scenario: dict[str, list[Result]] = {}
    for r in results:
        by_scenario.setdefault(r.scenario, []).append(r)
    for scenario, rows in by_scenario.items():
        rows.sort(key=lambda r: r.size)
        for a, b in itertools.pairwise(rows):
            bound = (b.size * math.log(b.size)) / (a.size * math.log(a.size))
            ratio = b.median_ms / a.median_ms if a.median_ms else float("inf")
            checks.append({"scenario": scenario, "from": a.size, "to": b.size,
                           "time_ratio": round(ratio, 2), "nlogn_bound": round(bound, 2),
                           "pass": ratio <= bound})
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "fieldapp-bench-core")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    info = machine()
    print(f"{info['cpu']} ×{info['nproc']}, Python {info['python']}, SQLite {info['sqlite']}, "
          f"load {info['loadavg_at_start']}")
    results: list[Result] = []
    builds: dict[int, float] = {}
    for size in sizes:
        print(f"size {size}:", flush=True)
        store, built = cached_store(args.cache, size)
        if built is not None:
            builds[size] = round(built, 1)
            print(f"  fill_demo({size}) took {built:.1f} s")
        folder = args.cache / f"n{size}"
        try:
            runs = args.runs
            results.append(Result("first page", size, bench_first_page(store, runs), None,
                                  TARGET_MS["first page"], runs))
            for term in SEARCH_TERMS:
                results.append(Result(f"search {term}", size,
                                      bench_search(store, runs, term, with_count=False), None,
                                      TARGET_MS["search"], runs))
                results.append(Result(f"search {term} + count", size,
                                      bench_search(store, runs, term, with_count=True), None,
                                      None, runs))
            results.append(Result("save draft", size, bench_save_draft(store, runs),
                                  floor_save(folder, store, runs), TARGET_MS["save draft"],
                                  runs))
            results.append(Result("seal", size, bench_seal(store, runs),
                                  floor_seal(folder, store, runs), TARGET_MS["seal"], runs))
        finally:
            store.close()

    def fmt(value: float | None, digits: int = 2) -> str:
        return "—" if value is None else f"{value:.{digits}f}"

    header = (f"{'scenario':<22} {'size':>7} {'median ms':>10} {'floor ms':>9} {'ratio':>6} "
              f"{'target':>7} result")
    print("\n" + header + "\n" + "-" * len(header))
    for r in results:
        verdict = {True: "pass", False: "FAIL", None: "—"}[r.passed]
        print(f"{r.scenario:<22} {r.size:>7} {r.median_ms:>10.2f} {fmt(r.floor_ms):>9} "
              f"{fmt(r.ratio, 1):>6} {fmt(r.target_ms, 0):>7} {verdict}")
    checks = growth(results)
    print("\ngrowth (time ratio between sizes must not exceed n log n):")
    for c in checks:
        print(f"  {c['scenario']:<22} {c['from']:>7} → {c['to']:<7} ×{c['time_ratio']:<8} "
              f"bound ×{c['nlogn_bound']:<8} {'pass' if c['pass'] else 'FAIL'}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "machine": info, "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "fill_demo_seconds": builds,
        "results": [asdict(r) | {"ratio": r.ratio, "pass": r.passed} for r in results],
        "growth": checks,
    }, ensure_ascii=False, indent=1) + "\n")
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
