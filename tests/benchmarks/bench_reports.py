"""Report benchmark: the yearly service analysis report of one customer with 50,000 slips.

Run as ``python -m tests.benchmarks.bench_reports [--sizes 50000] [--runs 5]``; a suite
runner calls `run(slips=..., runs=...)`. Data: the core's demo generator (`fieldapp.tools.demo`,
the real API: requests, slips, fees, signatures, seals) makes BASE_REQUESTS requests of
one customer over a year; SQL then copies that customer's requests, slips and fee lines
(new ids and numbers, times shifted by minutes, sealed in the order the sealing triggers
need; signatures are not copied, reports do not read them) until the customer has the
wanted number of slips. Cached by size in the temp folder (minutes to build the first
time). The archive runs the same schema, so the figures are computed on that store as
the archive computes them. Prints the median against the 3 s target and writes
``tests/benchmarks/results/reports.json``. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from fieldapp.archive.reports.csv_export import render_csv
from fieldapp.archive.reports.document import report_document
from fieldapp.archive.reports.figures import compute_figures
from fieldapp.archive.reports.period import Period
from fieldapp.documents.report_pdf import render_report_pdf
from fieldapp.documents.sample import sample_company
from fieldapp.store import DB_FILENAME, Store, open_store
from fieldapp.store.migrate import head_revision
from fieldapp.store.models import Customer, Device, Engineer, ServiceRequest, Slip
from fieldapp.tools.demo import DemoWorld, _one_request, _reference_data
from tests.benchmarks.common import machine

DEMO_NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
RESULTS = Path(__file__).parent / "results" / "reports.json"
TARGET_SECONDS = 3.0
CUSTOMER = "TJH1"  # 天津市第一中心医院, a group customer (so the R2.5 section is included)
SLIPS_PER_REQUEST = 7 / 8  # the demo's life stages: 7 slips per 8 requests
BATCH = 500
BASE_REQUESTS = 2_000


def fill_one_customer(store: Store, requests: int, progress=print) -> None:  # type: ignore[no-untyped-def]
    """Demo requests for one customer only, spread over the year before DEMO_NOW."""
    rng = random.Random(7)
    with store.write() as session:
        world = _reference_data(session, DEMO_NOW.date() - timedelta(days=366), DEMO_NOW.date())
        customer = next(c for c in world.customers if c.code == CUSTOMER)
        ids = ([e.id for e in world.engineers], customer.id,
               [d.id for d in world.devices if d.customer_id == customer.id])
    for start in range(0, requests, BATCH):
        with store.write() as session:
            world = DemoWorld([session.get_one(Engineer, i) for i in ids[0]],
                              [session.get_one(Customer, ids[1])],
                              [session.get_one(Device, i) for i in ids[2]])
            for i in range(start, min(requests, start + BATCH)):
                _one_request(session, world, i, DEMO_NOW, rng, timedelta(days=360))
        progress(f"  … {min(requests, start + BATCH)}/{requests} demo requests", flush=True)


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _copy(conn: sqlite3.Connection, table: str, overrides: dict[str, str], source: str) -> None:
    cols = _columns(conn, table)
    values = ", ".join(overrides.get(c, f"t.{c}") for c in cols)
    conn.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {values} {source}")


def _shift(column: str, minutes: int) -> str:
    return (f"CASE WHEN t.{column} IS NULL THEN NULL ELSE "
            f"strftime('%Y-%m-%d %H:%M:%f000', t.{column}, '+{minutes} minutes') END")


def multiply(path: Path, slips: int, progress=print) -> None:  # type: ignore[no-untyped-def]
    """Copy the customer's base requests, slips and fee lines until it has `slips` slips."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        cid = conn.execute("SELECT id FROM customers WHERE code = ?", (CUSTOMER,)).fetchone()[0]
        base = conn.execute("SELECT count(*) FROM slips s JOIN service_requests r "
                            "ON r.id = s.request_id WHERE r.customer_id = ?", (cid,)).fetchone()[0]
        copies = max(0, math.ceil(slips / base) - 1)
        conn.execute("CREATE TEMP TABLE base_requests AS SELECT id FROM service_requests "
                     "WHERE customer_id = ?", (cid,))
        conn.execute("CREATE TEMP TABLE base_slips AS SELECT s.id FROM slips s "
                     "JOIN base_requests b ON b.id = s.request_id")
        for k in range(1, copies + 1):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DROP TABLE IF EXISTS req_map")
            conn.execute("DROP TABLE IF EXISTS slip_map")
            conn.execute("CREATE TEMP TABLE req_map AS SELECT id AS old_id, "
                         "lower(hex(randomblob(16))) AS new_id FROM base_requests")
            conn.execute("CREATE TEMP TABLE slip_map AS SELECT id AS old_id, "
                         "lower(hex(randomblob(16))) AS new_id FROM base_slips")
            conn.execute("CREATE INDEX temp.slip_map_old ON slip_map (old_id)")
            minutes = 7 * k  # stays inside the year; keeps the request's own pattern
            _copy(conn, "service_requests", {
                "id": "m.new_id", "number": f"t.number || '-{k}'",
                **{c: _shift(c, minutes) for c in ("requested_at", "answered_at", "closed_at",
                                                    "created_at", "updated_at")}},
                "FROM service_requests t JOIN req_map m ON m.old_id = t.id")
            _copy(conn, "slips", {
                "id": "m.new_id", "number": f"t.number || '-{k}'", "request_id": "r.new_id",
                "amends_slip_id": "a.new_id", "seal": "NULL", "seal_document": "NULL",
                "sealed_at": "NULL", "status": "'draft'",
                **{c: _shift(c, minutes) for c in ("arrived_at", "started_at", "solved_at",
                                                    "departed_at", "created_at", "updated_at")}},
                "FROM slips t JOIN slip_map m ON m.old_id = t.id "
                "JOIN req_map r ON r.old_id = t.request_id "
                "LEFT JOIN slip_map a ON a.old_id = t.amends_slip_id")
            _copy(conn, "fee_lines", {"id": "lower(hex(randomblob(16)))", "slip_id": "m.new_id"},
                  "FROM fee_lines t JOIN slip_map m ON m.old_id = t.slip_id")
            conn.execute(  # sealed last, as on the wire: the triggers guard sealed slips
                "UPDATE slips SET (seal, seal_document, sealed_at, status) = "
                "(SELECT o.seal, o.seal_document, o.sealed_at, o.status FROM slip_map m "
                "JOIN slips o ON o.id = m.old_id WHERE m.new_id = slips.id) "
                "WHERE id IN (SELECT new_id FROM slip_map)")
            conn.execute("COMMIT")
            if k % 5 == 0 or k == copies:
                progress(f"  … copy {k}/{copies}", flush=True)
    finally:
        conn.close()


def cached_store(cache: Path, slips: int) -> tuple[Store, float | None]:
    folder = cache / f"slips{slips}"
    marker = folder / "built.json"
    key = {"slips": slips, "schema": head_revision(), "now": DEMO_NOW.isoformat(), "v": 2}
    if marker.exists() and json.loads(marker.read_text()) == key:
        return open_store(folder), None
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.iterdir():
        path.unlink()
    store = open_store(folder)
    started = time.perf_counter()
    fill_one_customer(store, min(BASE_REQUESTS, math.ceil(slips / SLIPS_PER_REQUEST)))
    store.close()
    multiply(folder / DB_FILENAME, slips)
    marker.write_text(json.dumps(key))
    return open_store(folder), time.perf_counter() - started


def yearly_period() -> Period:
    end = DEMO_NOW.date()
    return Period(date(end.year - 1, end.month, end.day) + timedelta(days=1), end)


def time_report(store: Store, runs: int) -> dict:
    with store.read() as session:
        customer_id = session.scalar(select(Customer.id).where(Customer.code == CUSTOMER))
        slips = session.scalar(select(func.count(Slip.id)).join(ServiceRequest).where(
            ServiceRequest.customer_id == customer_id))
    period = yearly_period()
    figures_s, total_s, cpu_s = [], [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        with store.read() as session:
            fig = compute_figures(session, customer_id, period, DEMO_NOW)
        figures_s.append(time.perf_counter() - start)
        render_csv(fig)
        render_report_pdf(report_document(fig, number="bench", kind="yearly",
                                          reason="年度报告", language="zh"), sample_company())
        total_s.append(time.perf_counter() - start)
        cpu_s.append(time.process_time() - cpu)
    return {"slips": slips, "requests": fig.requests_total,
            "period": [period.start.isoformat(), period.end.isoformat()],
            "figures_median_s": round(statistics.median(figures_s), 3),
            "report_median_s": round(statistics.median(total_s), 3),
            # CPU seconds of this process: less sensitive than wall time to a busy machine
            "report_cpu_median_s": round(statistics.median(cpu_s), 3),
            "runs": runs, "target_s": TARGET_SECONDS,
            "pass": statistics.median(total_s) <= TARGET_SECONDS}


def run(slips: tuple[int, ...] = (50_000,), runs: int = 5, cache: Path | None = None,
        quick: bool = False) -> dict:
    """The yearly report at each size; `rows` are what the suite's table shows
    (`python -m tests.benchmarks` passes `slips`, `runs`, `cache` and `quick`)."""
    cache = (cache or Path(tempfile.gettempdir())) / "fieldapp-bench-reports"
    if quick:
        slips, runs = tuple(min(n, 5_000) for n in slips), min(runs, 3)
    results, builds = [], {}
    for size in slips:
        store, built = cached_store(cache, size)
        if built is not None:
            builds[str(size)] = round(built, 1)
        try:
            results.append(time_report(store, runs))
        finally:
            store.close()
    out = {"machine": machine(), "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
           "build_seconds": builds, "results": results,
           "rows": [{"scenario": "yearly analysis report, one customer", "n": r["slips"],
                     "value": r["report_median_s"], "unit": "s", "target": TARGET_SECONDS,
                     "runs": r["runs"],
                     "note": f"figures {r['figures_median_s']:.2f} s, "
                             f"CPU {r['report_cpu_median_s']:.2f} s"} for r in results]}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50000", help="slips of the one customer")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args()
    out = run(tuple(int(s) for s in args.sizes.split(",")), args.runs, args.cache)
    # only a run of its own keeps its figures: the suite (and its smoke test) write
    # latest.json where they are told, so a test run leaves the checkout as it was
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
    for r in out["results"]:
        verdict = "pass" if r["pass"] else "FAIL"
        print(f"{r['slips']} slips ({r['requests']} requests), yearly report: figures "
              f"{r['figures_median_s']:.2f} s, with PDF and CSV {r['report_median_s']:.2f} s "
              f"({r['report_cpu_median_s']:.2f} s CPU; median of {r['runs']}; target "
              f"{TARGET_SECONDS:.0f} s) {verdict}; load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
