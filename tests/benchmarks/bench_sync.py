"""Sync throughput against raw HTTP (run by hand; not collected by pytest).

    .venv/bin/python tests/benchmarks/bench_sync.py [N]

For N sealed slips (with their requests, fee lines and signatures) on SQLite and, when
it answers, PostgreSQL: the time `run_sync_round` takes to push them, against POSTing
the very same request bodies to the push endpoint without a token (read and parsed,
then refused: the cost of HTTP + JSON alone). Then an empty sync round against one HTTP round trip.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fieldapp.demo import fill_demo
from fieldapp.store import open_store
from fieldapp.store.models import Slip
from fieldapp.sync import outbox
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.rounds import PUSH_BATCH, records_for, run_sync_round
from fieldapp.timeutil import utcnow
from tests.archive.servers import (
    PASSWORD,
    postgres_database,
    postgres_reason,
    run_archive,
    sqlite_url,
)


def bench(db_url: str, requests: int, folder: Path) -> None:
    with run_archive(db_url) as archive:
        archive.add_user("centre", "staff")
        store = open_store(folder / "laptop")
        fill_demo(store, requests=requests)
        with store.read() as session:
            sealed = session.scalar(select(func.count()).select_from(Slip)
                                    .where(Slip.seal.is_not(None)))
            entries = outbox.pending(session, 1_000_000)
            records = list(records_for(session, entries).values())
        bodies = [json.dumps({"client_time": utcnow().isoformat(),
                              "records": records[i:i + PUSH_BATCH]}).encode()
                  for i in range(0, len(records), PUSH_BATCH)]
        size = sum(map(len, bodies))
        with ArchiveClient(archive.url) as client:
            client.login("centre", PASSWORD, "bench")
            started = time.perf_counter()
            report = run_sync_round(store, None, client)
            push_time = time.perf_counter() - started
            assert report.ok, report
            with httpx.Client(base_url=archive.url) as raw:
                started = time.perf_counter()
                for body in bodies:  # same bytes; without a token: read and parsed, not stored
                    raw.post("/api/v1/sync/push", content=body,
                             headers={"content-type": "application/json"})
                raw_time = time.perf_counter() - started
                empty = []
                for _ in range(20):
                    started = time.perf_counter()
                    run_sync_round(store, None, client)
                    empty.append(time.perf_counter() - started)
                trips = []
                for _ in range(20):
                    started = time.perf_counter()
                    raw.get("/api/v1/health")
                    trips.append(time.perf_counter() - started)
        store.close()
    kind = db_url.split(":", 1)[0]
    print(f"{kind}: {len(records)} records ({sealed} sealed slips, {size / 1e6:.1f} MB in "
          f"{len(bodies)} batches)")
    print(f"  push via sync : {push_time:6.2f} s  = {sealed / push_time:7.1f} sealed slips/s "
          f"({len(records) / push_time:.0f} records/s)")
    print(f"  raw HTTP POSTs: {raw_time:6.2f} s  (same bytes, no storing)")
    print(f"  empty round   : {statistics.median(empty) * 1000:6.1f} ms median; "
          f"one HTTP round trip {statistics.median(trips) * 1000:.1f} ms")


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as tmp:
        bench(sqlite_url(Path(tmp)), requests, Path(tmp))
    reason = postgres_reason()
    if reason is not None:
        print(f"postgresql: skipped ({reason})")
        return
    with tempfile.TemporaryDirectory() as tmp, postgres_database() as url:
        bench(url, requests, Path(tmp))


if __name__ == "__main__":
    main()
