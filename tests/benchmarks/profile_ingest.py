"""Profile the archive's ingest in-process: a cached demo store's whole outbox, as the
push sends it (strokes once, `compact_strokes`), through `ingest_batch` (batches of
PUSH_BATCH, the cyclic garbage collector paused as the push route pauses it) into a fresh
SQLite archive, under cProfile; or, with `time`, the CPU seconds
of that ingest without the profiler, `runs` times (each into a fresh archive).

    .venv/bin/python -m tests.benchmarks.profile_ingest [requests=1600] [cumulative|tottime]
    .venv/bin/python -m tests.benchmarks.profile_ingest [requests=1600] time [runs=3]
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from fieldapp.archive.collector import collector_paused, freeze_start_up
from fieldapp.store import open_store, outbox
from fieldapp.sync.rounds import PUSH_BATCH, records_for
from fieldapp.sync.wire import compact_strokes
from tests.archive.report_data import archive_db, push_records
from tests.benchmarks.stores import cached_store_dir


def ingest_all(ordered: list[dict[str, Any]], profiler: cProfile.Profile | None = None
               ) -> tuple[float, float]:
    """(wall, CPU) seconds of the ingest of every batch into a fresh archive."""
    with tempfile.TemporaryDirectory() as tmp:
        db = archive_db(Path(tmp))
        started, cpu = time.perf_counter(), time.process_time()
        if profiler is not None:
            profiler.enable()
        for i in range(0, len(ordered), PUSH_BATCH):
            with collector_paused():  # as the push route ingests a batch
                push_records(db, ordered[i:i + PUSH_BATCH])
        if profiler is not None:
            profiler.disable()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        db.close()
    return seconds, cpu


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 1600
    mode = sys.argv[2] if len(sys.argv) > 2 else "cumulative"
    folder, _ = cached_store_dir(requests)
    store = open_store(folder)
    with store.read() as session:
        entries = outbox.pending(session, 10**9)
        records = records_for(session, entries)
    ordered = [compact_strokes(records[(e.table, e.record_id)]) for e in entries
               if (e.table, e.record_id) in records]
    slips = sum(r["table"] == "slips" for r in ordered)
    freeze_start_up()  # as `fieldapp-archive serve` does
    if mode == "time":
        runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
        for _ in range(runs):
            seconds, cpu = ingest_all(ordered)
            print(f"{len(ordered)} records ({slips} slips): {seconds:.2f} s, CPU {cpu:.2f} s")
        return
    profiler = cProfile.Profile()
    seconds, _cpu = ingest_all(ordered, profiler)
    print(f"{len(ordered)} records ({slips} slips) in {seconds:.2f} s: "
          f"{slips / seconds:.0f} slips/s, {len(ordered) / seconds:.0f} records/s")
    pstats.Stats(profiler).sort_stats(mode).print_stats(45)


if __name__ == "__main__":
    main()
