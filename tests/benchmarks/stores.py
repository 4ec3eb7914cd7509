"""Demo stores for the benchmarks, made by `fill_demo` and cached by size and code version.

A store with *n slips* needs ``ceil(n * 8 / 7)`` demo requests (7 of every 8 demo requests
end up with a slip; the amended one has two). A push store with *n sealed slips* needs
``n * 8 / 5`` requests (5 of every 8 are sealed). Stores live in
``$TMPDIR/fieldapp-bench/<kind>-<n>``; the key in ``built.json`` holds the schema head,
the demo clock and a hash of the code that decides what the store holds, so a change there
rebuilds. Benchmarks that write (save, seal, push) must not change what later scenarios
see: push works on a copy (`copy_store`); save and seal add a few rows to drafts.

    python -m tests.benchmarks.stores 1000,10000,100000   # build the caches ahead

Stores with `BULK_FROM` slips or more (1M by default; the runner's ``--bulk-from``) are
made by `tests.benchmarks.bulk` from copies of the 1k store, in minutes instead of days;
their folder is ``b<slips>``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

DEMO_NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]
# What decides the content of a demo store.
KEY_SOURCES = ("fieldapp/tools/demo.py", "fieldapp/store/models.py", "fieldapp/store/migrations")


def default_cache() -> Path:
    return Path(os.environ.get("FIELDAPP_BENCH_CACHE")
                or Path(tempfile.gettempdir()) / "fieldapp-bench")


def requests_for_slips(slips: int) -> int:
    return math.ceil(slips * 8 / 7)


def requests_for_sealed(sealed: int) -> int:
    return math.ceil(sealed * 8 / 5)


def code_version() -> str:
    digest = hashlib.sha256()
    for name in KEY_SOURCES:
        path = ROOT / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(file.relative_to(ROOT).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def store_key(requests: int) -> dict[str, object]:
    from fieldapp.store.migrate import head_revision

    return {"requests": requests, "schema": head_revision(), "now": DEMO_NOW.isoformat(),
            "code": code_version()}


# False (the runner's --no-build): a store that is not cached raises NotCached.
BUILD = True
BULK_FROM = 1_000_000  # slips; larger stores are bulk copies of the 1k store (bulk.py)
TEMPLATE_SLIPS = 1000


class NotCached(Exception):
    pass


def cached_store_dir(requests: int, *, cache: Path | None = None,
                     log=print) -> tuple[Path, float | None]:
    """The folder of a closed store with `requests` demo requests; (folder, build seconds
    or None when it came from the cache)."""
    from fieldapp.base.settings import Settings
    from fieldapp.store import open_store

    slips = math.floor(requests * 7 / 8)
    bulk = slips >= BULK_FROM
    folder = (cache or default_cache()) / (f"b{slips}" if bulk else f"r{requests}")
    marker = folder / "built.json"
    key = store_key(requests) | ({"builder": "bulk", "template": TEMPLATE_SLIPS,
                                  "bulk_code": _bulk_version()} if bulk else {})
    if marker.exists() and json.loads(marker.read_text()) == key:
        return folder, None
    if not BUILD:
        raise NotCached(f"not measured: no cached store with {requests} requests (build it "
                        "with python -m tests.benchmarks.stores, or run without --no-build)")
    if folder.exists():
        shutil.rmtree(folder)
    build = folder.with_name(folder.name + ".building")
    if build.exists():
        shutil.rmtree(build)
    from fieldapp.tools.demo import fill_demo

    started = time.perf_counter()
    if bulk:
        from tests.benchmarks import bulk as bulk_builder

        template, _ = cached_store_dir(requests_for_slips(TEMPLATE_SLIPS), cache=cache,
                                       log=log)
        shutil.copytree(template, build)
        (build / "built.json").unlink()
        log(f"    … bulk copies of the {TEMPLATE_SLIPS}-slip store up to {slips} slips")
        key["phases"] = bulk_builder.grow(build / "fieldapp.db", slips, log=log)
    else:
        store = open_store(build)
        fill_demo(store, requests=requests, now=DEMO_NOW,
                  progress=lambda done, total: log(f"    … fill_demo {done}/{total}"))
        store.close()
    seconds = time.perf_counter() - started
    settings = Settings.in_dir(build)  # so the desktop app opens straight to its main window
    settings.set("operator_code", "E07")
    settings.set("setup_done", True)
    settings.save()
    (build / "built.json").write_text(json.dumps(key | {"seconds": round(seconds, 1)}))
    build.rename(folder)
    # the marker is compared without the build time
    key.pop("phases", None)
    marker.write_text(json.dumps(key))
    (folder / "build_seconds.txt").write_text(f"{seconds:.1f}\n")
    return folder, seconds


def _bulk_version() -> str:
    return hashlib.sha256((ROOT / "tests/benchmarks/bulk.py").read_bytes()).hexdigest()[:16]


def copy_store(folder: Path, target: Path) -> Path:
    """A private copy of a cached store (for benchmarks that change it)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(folder, target)
    return target


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.stores",
        description="Build the benchmarks' cached demo stores ahead of a run.")
    parser.add_argument("sizes", nargs="?", default="1000,10000",
                        help="slips per store, comma-separated (default: 1000,10000)")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",")]
    except ValueError:
        parser.error(f"sizes must be whole numbers separated by commas, not {args.sizes!r}")
    for n in sizes:
        requests = requests_for_slips(n)
        print(f"store with {n} slips ({requests} requests) …", flush=True)
        folder, seconds = cached_store_dir(requests, log=lambda m: print(m, flush=True))
        print(f"  {folder}: " + ("cached" if seconds is None else f"built in {seconds:.0f} s"))


if __name__ == "__main__":
    main()
