"""The archive's own push throughput: the laptops' bodies encoded beforehand, so the
laptop's CPU is out of the figure (issue 23: is 1,000 sealed slips/s within the archive's
reach when it has the cores to itself, as deployed?).

    .venv/bin/python -m tests.benchmarks.bench_archive_alone [--streams 1,2] [--runs 2]

The 1k push store's outbox (cached, see stores.py) is split in two: the reference data
(customers, engineers, devices…) is pushed first, then the requests with their slips go
in `streams` parts, each part by a device of its own (one login each, the laptop's
seal key registered for it), all parts at once, batch by batch in outbox order, against
`fieldapp-archive serve --workers N` on SQLite (N = streams). Reported: sealed slips per
second over the parts' wall time, and the archive's CPU per sealed slip. The POSTing
threads parse nothing but the status code. On this 2-core machine the POSTing threads
still take a little of the cores; on a deployed archive they are other machines.
Not collected by pytest.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from fieldapp.base.timeutil import utcnow
from fieldapp.store import open_store, outbox
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.rounds import PUSH_BATCH, records_for
from fieldapp.sync.seal_keys import register_device_key
from fieldapp.sync.wire import compact_strokes, encode_record, join_encoded
from tests.archive.servers import PASSWORD, ArchiveProcess, sqlite_url
from tests.benchmarks.bench_sync import process_cpu
from tests.benchmarks.stores import cached_store_dir, copy_store, requests_for_sealed

REFERENCE = ("engineers", "customers", "contacts", "sites", "devices", "contracts")


def _body(pieces: list[bytes]) -> bytes:
    return (b'{"client_time":"' + utcnow().isoformat().encode() + b'","records":'
            + join_encoded(pieces) + b"}")


def _streams(records: list[dict[str, Any]], parts: int) -> tuple[list[bytes], list[list[bytes]]]:
    """(reference bodies, one list of bodies per part): each request's records stay in
    one part and in outbox order, so the archive has a slip's request before the slip."""
    reference = [encode_record(r) for r in records if r["table"] in REFERENCE]
    part_of: dict[str, int] = {}
    pieces: list[list[bytes]] = [[] for _ in range(parts)]
    for record in records:
        if record["table"] in REFERENCE:
            continue
        request = record["id"] if record["table"] == "service_requests" else str(
            record["row"].get("request_id"))
        part = part_of.setdefault(request, len(part_of) % parts)
        pieces[part].append(encode_record(compact_strokes(record)))
    batches = [[_body(p[i:i + PUSH_BATCH]) for i in range(0, len(p), PUSH_BATCH)]
               for p in pieces]
    ref_batches = [_body(reference[i:i + PUSH_BATCH])
                   for i in range(0, len(reference), PUSH_BATCH)]
    return ref_batches, batches


def _post_all(url: str, token: str, bodies: list[bytes], failures: list[str]) -> None:
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    with httpx.Client(base_url=url, timeout=120) as http:
        for body in bodies:
            answer = http.post("/api/v1/sync/push", content=body, headers=headers)
            if answer.status_code != 200:
                failures.append(f"HTTP {answer.status_code}")


def push_alone(source: Path, folder: Path, parts: int) -> dict[str, float]:
    laptop = copy_store(source, folder / "laptop")
    store = open_store(laptop)
    try:
        with store.read() as session:
            entries = outbox.pending(session, 10_000_000)
            found = records_for(session, entries)
        records = [found[(e.table, e.record_id)] for e in entries
                   if (e.table, e.record_id) in found]
        sealed = sum(r["table"] == "slips" and bool(r["row"].get("seal")) for r in records)
        reference, streams = _streams(records, parts)
        archive = ArchiveProcess(sqlite_url(folder), workers=parts)
        archive.start()
        try:
            archive.add_user("centre", "staff")
            tokens = []
            for i in range(parts):
                with ArchiveClient(archive.url) as client:
                    client.login("centre", PASSWORD, f"bench-{i}")
                    register_device_key(None, store.device_key(), client)
                    assert client.token is not None
                    tokens.append(client.token)
            failures: list[str] = []
            _post_all(archive.url, tokens[0], reference, failures)
            pid = archive.process.pid if archive.process is not None else -1
            cpu = process_cpu(pid)
            started = time.perf_counter()
            threads = [threading.Thread(target=_post_all,
                                        args=(archive.url, tokens[i], streams[i], failures))
                       for i in range(parts)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            seconds = time.perf_counter() - started
            after = process_cpu(pid)
            assert not failures, failures
        finally:
            archive.close()
    finally:
        store.close()
    archive_cpu = (after - cpu) if after is not None and cpu is not None else float("nan")
    return {"sealed": sealed, "seconds": seconds, "rate": sealed / seconds,
            "cpu_ms": 1000 * archive_cpu / sealed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", default="1,2")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--sealed", type=int, default=1000)
    args = parser.parse_args()
    source, _ = cached_store_dir(requests_for_sealed(args.sealed))
    for parts in (int(s) for s in args.streams.split(",")):
        figures = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                figures.append(push_alone(source, Path(tmp), parts))
        rates = [f["rate"] for f in figures]
        print(f"{parts} stream(s), serve --workers {parts}: "
              f"{statistics.median(rates):,.0f} sealed slips/s "
              f"(runs: {', '.join(f'{r:,.0f}' for r in rates)}); archive CPU per sealed "
              f"slip {statistics.median(f['cpu_ms'] for f in figures):.2f} ms; "
              f"{figures[0]['sealed']} sealed", flush=True)


if __name__ == "__main__":
    main()
