"""Profile the archive's ingest in-process: a cached demo store's whole outbox through
`ingest_batch` (batches of PUSH_BATCH) into a fresh SQLite archive, under cProfile.

    .venv/bin/python -m tests.benchmarks.profile_ingest [requests=1600] [cumulative|tottime]
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

from fieldapp.store import open_store, outbox
from fieldapp.sync.rounds import PUSH_BATCH, records_for
from tests.archive.report_data import archive_db, push_records
from tests.benchmarks.stores import cached_store_dir


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 1600
    folder, _ = cached_store_dir(requests)
    store = open_store(folder)
    with store.read() as session:
        entries = outbox.pending(session, 10**9)
        records = records_for(session, entries)
    ordered = [records[(e.table, e.record_id)] for e in entries
               if (e.table, e.record_id) in records]
    slips = sum(r["table"] == "slips" for r in ordered)
    with tempfile.TemporaryDirectory() as tmp:
        db = archive_db(Path(tmp))
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for i in range(0, len(ordered), PUSH_BATCH):
            push_records(db, ordered[i:i + PUSH_BATCH])
        profiler.disable()
        seconds = time.perf_counter() - started
        db.close()
    print(f"{len(ordered)} records ({slips} slips) in {seconds:.2f} s: "
          f"{slips / seconds:.0f} slips/s, {len(ordered) / seconds:.0f} records/s")
    pstats.Stats(profiler).sort_stats(*(sys.argv[2:3] or ["cumulative"])).print_stats(45)


if __name__ == "__main__":
    main()
