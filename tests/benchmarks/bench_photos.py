"""Photos: pushing 100 pictures to the archive end to end, against raw HTTP of the same bytes.

Part of the suite (``python -m tests.benchmarks``); alone:

    .venv/bin/python -m tests.benchmarks.bench_photos [--photos 100] [--runs 1]

A laptop store with the demo's reference data, already synchronised, gets `photos`
pictures (2,048 × 1,536 JPEGs of ≈440 KB, as the laptop stores them after its downscale;
each distinct) on drafts of 25 each. Measured: the sync round that pushes their
attachment rows and then their files (ask which are missing, send each in 512 KiB
chunks, the archive appends, hashes the whole file and publishes it to its folder
store), with `fieldapp-archive serve` in its own process on SQLite. Floor: PUTting the
very same bytes, one request per file, to the upload address without a token (the
archive reads each body whole, then refuses it: HTTP alone). Not collected by pytest.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from fieldapp.store import open_store
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import fill_demo
from tests.archive.servers import PASSWORD, ArchiveProcess, sqlite_url
from tests.archive.work import draft_with_files
from tests.benchmarks.common import Row

PER_SLIP = 25
TARGET = 10.0  # photos/s: 100 pictures (44 MB) within 10 s on the loopback
MAX_RATIO = 3.0  # at most three times the cost of moving the bytes alone


def pictures(count: int) -> list[bytes]:
    """`count` distinct JPEGs of ≈440 KB: one blurred-noise picture, saved with a
    comment of its own each time (the bytes, and so the hashes, differ)."""
    from PIL import Image, ImageFilter

    grey = Image.effect_noise((2048, 1536), 80).filter(ImageFilter.GaussianBlur(1.8))
    image = Image.merge("RGB", [grey, grey.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
                                grey.transpose(Image.Transpose.FLIP_TOP_BOTTOM)])
    out = []
    for i in range(count):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=80, comment=f"bench {i}".encode())
        out.append(buffer.getvalue())
    return out


@contextmanager
def archive_with_files(folder: Path) -> Iterator[ArchiveProcess]:
    """`fieldapp-archive serve` in its own process, its file store in `folder`."""
    before = os.environ.get("FIELDAPP_ARCHIVE_FILES_DIR")
    os.environ["FIELDAPP_ARCHIVE_FILES_DIR"] = str(folder / "archive-files")
    archive = ArchiveProcess(sqlite_url(folder))
    try:
        archive.start()
        yield archive
    finally:
        archive.close()
        if before is None:
            os.environ.pop("FIELDAPP_ARCHIVE_FILES_DIR", None)
        else:
            os.environ["FIELDAPP_ARCHIVE_FILES_DIR"] = before


def push_once(photos: list[bytes], folder: Path) -> dict[str, float]:
    with archive_with_files(folder) as archive:
        archive.add_user("centre", "staff")
        store = open_store(folder / "laptop")
        try:
            fill_demo(store, requests=3)
            with ArchiveClient(archive.url) as client, \
                    httpx.Client(base_url=archive.url) as raw:
                client.login("centre", PASSWORD, "bench")
                assert run_sync_round(store, None, client).ok  # the demo's records first
                shas = []
                for start in range(0, len(photos), PER_SLIP):
                    shas += draft_with_files(store, photos[start:start + PER_SLIP])[1]
                raw.get("/api/v1/health")  # connect
                started = time.perf_counter()
                for sha, data in zip(shas, photos, strict=True):  # same bytes, no token
                    answer = raw.put(f"/api/v1/files/{sha}/upload", params={"offset": 0},
                                     content=data,
                                     headers={"content-type": "application/octet-stream"})
                    assert answer.status_code == 401, answer.status_code
                raw_s = time.perf_counter() - started
                started = time.perf_counter()
                report = run_sync_round(store, None, client)
                push_s = time.perf_counter() - started
                assert report.ok and report.files.sent == len(photos), report
        finally:
            store.close()
    return {"push_s": push_s, "raw_s": raw_s, "chunks": report.files.chunks_sent,
            "records": report.pushed}


def run(count: int = 100, runs: int = 1, log: Callable[[str], None] = print) -> list[Row]:
    photos = pictures(count)
    megabytes = sum(map(len, photos)) / 1e6
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="fieldapp-bench-photos-") as tmp:
            results.append(push_once(photos, Path(tmp)))
    push_s = statistics.median(r["push_s"] for r in results)
    raw_s = statistics.median(r["raw_s"] for r in results)
    log(f"  {count} photos, {megabytes:.1f} MB: round {push_s:.2f} s "
        f"({megabytes / push_s:.1f} MB/s), raw PUTs {raw_s:.2f} s")
    return [Row("push 100 photos (sqlite)" if count == 100 else f"push {count} photos (sqlite)",
                count, count / push_s, "photos/s", floor=count / raw_s,
                floor_name="raw HTTP PUTs, same bytes", target=TARGET, max_ratio=MAX_RATIO,
                higher_is_better=True, runs=runs,
                note=(f"{megabytes:.1f} MB, {results[0]['chunks']} chunks, "
                      f"{results[0]['records']} rows; {push_s:.2f} s vs {raw_s:.2f} s"),
                extra={"push_s": push_s, "raw_s": raw_s, "megabytes": megabytes})]


def main() -> None:
    from tests.benchmarks.__main__ import alone
    from tests.benchmarks.__main__ import main as suite

    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=100)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    suite(["--only", "photos", *alone("photos"), "--photos", str(args.photos),
           "--photo-runs", str(args.runs)])


if __name__ == "__main__":
    main()
