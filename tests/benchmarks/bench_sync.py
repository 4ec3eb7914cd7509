"""Sync: pushing sealed slips to the archive and an empty round, against raw HTTP.

Part of the suite (``python -m tests.benchmarks``); alone:

    .venv/bin/python -m tests.benchmarks.bench_sync [--sizes 1000,10000] [--runs 1]

For n sealed slips (a cached demo store with n * 8/5 requests, copied so every push starts
from a full outbox), on a fresh archive on SQLite and, when it answers, PostgreSQL (a
database of its own, dropped afterwards), served by `fieldapp-archive serve` in its own
process: the time `run_sync_round` takes to push
everything (requests, slips with fee lines and signatures, reference data), against
POSTing the very same request bodies to the push endpoint without a token (read and
parsed, then refused: the cost of HTTP + JSON alone). Then an empty sync round (nothing
pending, nothing to pull) against one HTTP round trip (GET /api/v1/health). The push's
note also gives the CPU seconds per sealed slip of the archive process (from /proc) and
of the laptop: steadier than the rate on a machine shared with other work.
Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from fieldapp.base.timeutil import utcnow
from fieldapp.store import open_store, outbox
from fieldapp.store.models import Slip
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.rounds import PUSH_BATCH, records_for, run_sync_round
from fieldapp.sync.wire import compact_strokes
from tests.archive.servers import (
    PASSWORD,
    ArchiveProcess,
    postgres_database,
    postgres_reason,
    sqlite_url,
)
from tests.benchmarks.common import Row
from tests.benchmarks.stores import (
    NotCached,
    cached_store_dir,
    copy_store,
    requests_for_sealed,
)

EMPTY_ROUNDS = 20


def process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a process and its child processes (`serve --workers`),
    from /proc; None where there is no /proc. Steadier than wall time on a busy machine."""
    proc = Path("/proc")
    if not (proc / str(pid) / "stat").exists():
        return None
    tick = os.sysconf("SC_CLK_TCK")

    def fields(stat: Path) -> list[str]:
        try:
            return stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return []

    total = 0.0
    for stat in proc.glob("[0-9]*/stat"):
        f = fields(stat)
        if f and (stat.parent.name == str(pid) or f[1] == str(pid)):
            total += (int(f[11]) + int(f[12])) / tick
    return total


@contextmanager
def archive_db(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield sqlite_url(folder)
    else:
        with postgres_database() as url:
            yield url


@contextmanager
def archive_process(url: str) -> Iterator[ArchiveProcess]:
    """`fieldapp-archive serve` in a process of its own, as deployed: the laptop and the
    archive do not share an interpreter (nor its GIL), though here they share the cores."""
    archive = ArchiveProcess(url)
    try:
        archive.start()
        yield archive
    finally:
        archive.close()


def push_once(kind: str, source: Path, folder: Path) -> dict[str, Any]:
    """One push of a full outbox to a fresh archive; then the empty rounds."""
    laptop = copy_store(source, folder / "laptop")
    with archive_db(kind, folder) as url, archive_process(url) as archive:
        archive.add_user("centre", "staff")
        store = open_store(laptop)
        try:
            with store.read() as session:
                sealed = session.scalar(select(func.count()).select_from(Slip)
                                        .where(Slip.seal.is_not(None))) or 0
                entries = outbox.pending(session, 10_000_000)
                records = list(records_for(session, entries).values())
            sent = [compact_strokes(record) for record in records]  # as the push sends them
            bodies = [json.dumps({"client_time": utcnow().isoformat(),
                                  "records": sent[i:i + PUSH_BATCH]}).encode()
                      for i in range(0, len(records), PUSH_BATCH)]
            with ArchiveClient(archive.url) as client, \
                    httpx.Client(base_url=archive.url) as raw:
                client.login("centre", PASSWORD, "bench")
                raw.get("/api/v1/health")  # connect
                started = time.perf_counter()
                for body in bodies:  # same bytes; without a token: read and parsed, not stored
                    answer = raw.post("/api/v1/sync/push", content=body,
                                      headers={"content-type": "application/json"})
                    assert answer.status_code == 401, answer.status_code
                raw_s = time.perf_counter() - started
                started = time.perf_counter()
                pid = archive.process.pid if archive.process is not None else -1
                cpu_archive, cpu_laptop = process_cpu(pid), time.process_time()
                report = run_sync_round(store, None, client)
                push_s = time.perf_counter() - started
                cpu_laptop = time.process_time() - cpu_laptop
                after = process_cpu(pid)
                cpu_archive = None if after is None or cpu_archive is None else (
                    after - cpu_archive)
                assert report.ok and report.pushed == len(records), report
                empty, trips = [], []
                for _ in range(EMPTY_ROUNDS):
                    started = time.perf_counter()
                    run_sync_round(store, None, client)
                    empty.append((time.perf_counter() - started) * 1000)
                    started = time.perf_counter()
                    raw.get("/api/v1/health")
                    trips.append((time.perf_counter() - started) * 1000)
        finally:
            store.close()
    return {"sealed": sealed, "records": len(records), "bytes": sum(map(len, bodies)),
            "batches": len(bodies), "push_s": push_s, "raw_s": raw_s,
            "cpu_archive_s": cpu_archive, "cpu_laptop_s": cpu_laptop,
            "empty_ms": statistics.median(empty), "trip_ms": statistics.median(trips)}


def run(sizes: list[int], runs: int = 1, cache: Path | None = None, postgres: bool = True,
        log: Callable[[str], None] = print, budget_s: float = 150.0) -> list[Row]:
    """Push and empty-round rows per size and database. A size whose push would take
    longer than `budget_s` at the rate measured for the previous size is reported as
    skipped, so a slow push cannot stretch the suite past its 10 minutes."""
    kinds = ["sqlite"]
    if postgres:
        reason = postgres_reason()
        if reason is None:
            kinds.append("postgresql")
        else:
            log(f"  postgresql: skipped ({reason})")
    rows = []
    rate: dict[str, float] = {}  # sealed slips/s of the last size pushed, per database
    for size in sizes:
        predicted = {k: size / rate[k] for k in kinds if k in rate}
        if predicted and max(predicted.values()) * runs > budget_s:
            for kind in kinds:
                rows.append(Row(f"push sealed slips ({kind})", size, None, "slips/s",
                                target=1000.0, higher_is_better=True, group="push",
                                note=(f"skipped: would take ~{predicted.get(kind, 0):.0f} s "
                                      f"at the rate of the smaller push (budget {budget_s:.0f}"
                                      " s; the miss is in docs/performance.md)")))
            continue
        try:
            source, built = cached_store_dir(requests_for_sealed(size), cache=cache, log=log)
        except NotCached as missing:
            rows.append(Row("push sealed slips", size, None, "slips/s", target=1000.0,
                            higher_is_better=True, note=str(missing)))
            continue
        if built is not None:
            log(f"  built the push store ({size} sealed slips) in {built:.0f} s")
        for kind in kinds:
            results = []
            for _ in range(runs):
                with tempfile.TemporaryDirectory(prefix="fieldapp-bench-sync-") as tmp:
                    results.append(push_once(kind, source, Path(tmp)))
            sealed = results[0]["sealed"]
            push_s = statistics.median(r["push_s"] for r in results)
            rate[kind] = sealed / push_s
            raw_s = statistics.median(r["raw_s"] for r in results)
            first = results[0]
            cpu = [(r["cpu_archive_s"], r["cpu_laptop_s"]) for r in results
                   if r["cpu_archive_s"] is not None]
            cpu_note = "" if not cpu else (
                f"; CPU per sealed slip: archive "
                f"{statistics.median(a for a, _ in cpu) / sealed * 1000:.2f} ms, laptop "
                f"{statistics.median(lap for _, lap in cpu) / sealed * 1000:.2f} ms")
            rows.append(Row(
                f"push sealed slips ({kind})", size, sealed / push_s, "slips/s",
                floor=sealed / raw_s, floor_name="raw HTTP POSTs, same bytes", target=1000.0,
                higher_is_better=True, runs=runs, group="push",
                note=(f"{sealed} sealed, {first['records']} records, "
                      f"{first['bytes'] / 1e6:.1f} MB in {first['batches']} POSTs; "
                      f"{push_s:.1f} s vs {raw_s:.1f} s{cpu_note}"),
                extra={"push_s": push_s, "raw_s": raw_s, "records": first["records"],
                       "bytes": first["bytes"], "sealed": sealed,
                       "cpu_archive_s": first["cpu_archive_s"],
                       "cpu_laptop_s": first["cpu_laptop_s"]}))
            rows.append(Row(
                f"empty sync round ({kind})", size,
                statistics.median(r["empty_ms"] for r in results), "ms",
                floor=statistics.median(r["trip_ms"] for r in results),
                floor_name="one HTTP round trip", target=50.0,
                runs=runs * EMPTY_ROUNDS, note="after the push: nothing pending or to pull"))
    return rows


def main() -> None:
    from tests.benchmarks.__main__ import alone
    from tests.benchmarks.__main__ import main as suite

    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    suite(["--only", "sync", *alone("sync"), "--push-sizes", args.sizes,
           "--push-runs", str(args.runs)])


if __name__ == "__main__":
    main()
