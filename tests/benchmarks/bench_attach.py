"""Attaching a 12-megapixel photo to a draft slip (issue 21; not collected by pytest).

Part of the suite (``python -m tests.benchmarks``, module 'attach'); alone:

    .venv/bin/python -m tests.benchmarks.bench_attach [--runs N]

What is timed is `fieldapp.records.attachments.attach` in its write transaction: recognise
the file, read its EXIF, turn it upright, downscale 4000 × 3000 to 2048 × 1536, re-encode
as JPEG with only the capture time kept, SHA-256, write the file (temp, fsync, rename)
into an empty file store, insert the row and its outbox entry, commit. The same-run floor
is Pillow's own `thumbnail` to 2048 px and JPEG encode of the same bytes, in memory: what
any program that downscales the photo must pay.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from PIL import Image

from fieldapp.base.timeutil import utcnow
from fieldapp.records import attachments, reference, service_requests, slips
from fieldapp.records.pictures import JPEG_QUALITY
from fieldapp.store import open_store
from fieldapp.store.attachment_models import OwnerKind
from fieldapp.store.blobs import BlobStore
from tests.benchmarks.common import Row
from tests.core.photo_samples import photo

SCENARIO = "attach a 12-MP photo (downscale, hash, write)"
TARGET_MS = 1500.0  # a field laptop: the picture is in the strip within a breath
MAX_RATIO = 1.6


def pillow_floor(data: bytes) -> bytes:
    image = Image.open(io.BytesIO(data))
    image.thumbnail((2048, 2048))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def interleaved(a: Callable[[], object], b: Callable[[], object], runs: int
                ) -> tuple[float, float]:
    """Median ms of `a` and of `b`, run alternately after one warm-up each."""
    a(), b()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for fn, out in ((a, times[0]), (b, times[1])):
            start = time.perf_counter()
            fn()
            out.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def _draft(folder: Path):  # type: ignore[no-untyped-def]
    store = open_store(folder / "data")
    with store.write() as session:
        customer = reference.create_customer(session, code="BENCH", name="天津港信息中心")
        engineer = reference.create_engineer(session, code="E07", name="刘洋")
        request = service_requests.take_request(
            session, operator_code="C01", customer=customer, channel="onsite",
            fault_reported="打印机卡纸", contact_name="孙丽", contact_phone="13900220000",
            requested_at=utcnow() - timedelta(hours=1), engineer=engineer)
        slip = slips.start_slip(session, request, engineer,
                                now=request.requested_at + timedelta(minutes=5))
        return store, slip.id


def run(runs: int = 7, log: Callable[[str], None] = print) -> list[Row]:
    data = photo(4000, 3000)
    with tempfile.TemporaryDirectory(prefix="fieldapp-attach-") as tmp:
        folder = Path(tmp)
        store, slip_id = _draft(folder)
        runs_done = iter(range(10_000))

        def attach() -> None:
            blobs = BlobStore(folder / f"files-{next(runs_done)}")  # empty: the write counts
            with store.write() as session:
                row = attachments.attach(session, blobs, owner_kind=OwnerKind.SLIP,
                                         owner_id=slip_id, data=data, actor_code="E07")
                row.removed_at = row.added_at  # out of the per-slip caps for the next run

        # interleaved, so a busy machine weighs on both alike
        ours, floor = interleaved(attach, lambda: pillow_floor(data), runs)
        store.close()
    log(f"{SCENARIO}: {ours:.0f} ms, Pillow alone {floor:.0f} ms ({len(data) / 1e6:.1f} MB in)")
    return [Row(SCENARIO, 1, ours, "ms", floor=floor,
                floor_name="Pillow thumbnail + JPEG encode", target=TARGET_MS,
                max_ratio=MAX_RATIO, runs=runs,
                extra={"input_bytes": len(data), "pixels": "4000x3000"})]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    for row in run(args.runs):
        print(f"{row.scenario}: {row.value:.0f} ms, floor {row.floor:.0f} ms, "
              f"ratio {row.ratio:.2f} (max {row.max_ratio}), target {row.target:.0f} ms")


if __name__ == "__main__":
    main()
