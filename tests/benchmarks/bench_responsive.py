"""Responsiveness: the GUI thread's longest stall while lists load, scroll, tabs switch and
a sync round runs (issue 16: no stall over 100 ms).

Part of the suite (``python -m tests.benchmarks``); alone:

    .venv/bin/python -m tests.benchmarks.bench_responsive [--sizes 1000,10000] [--runs 3]

For each store size (a private copy of the cached demo store, see stores.py) a fresh
process starts the app offscreen as bench_startup does (`ui.shell.app.App`, its real import
order and main window, the desktop's event filters) and a probe `QTimer` fires every 5 ms
on the GUI thread, recording when it ran. A stall is the largest gap between two
consecutive firings minus the 5 ms interval: the longest time the GUI thread could not
answer an input event. Measured over (a) the first list pages after the main window shows
(until every read it started has answered), (b) scrolling the slips list to its bottom
page after page (the view's own fetchMore; everyone's slips, up to 10 pages), (c)
switching through every tab (the workflow tabs load when first shown), (d) one sync round
of the app's SyncService against `fieldapp-archive serve` (SQLite) in its own process,
with a device token: it pushes every sealed slip of the store, and the window refreshes
after. A figure is the worst over the runs (the median is in the note).
Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.benchmarks.bench_startup import compile_sources
from tests.benchmarks.common import Row
from tests.benchmarks.stores import NotCached, cached_store_dir, copy_store, requests_for_slips

TARGET_MS = 100.0
SCROLL_PAGES = 10
SCENARIOS = {
    "first_pages": "GUI stall: first list pages after the window shows",
    "scroll": "GUI stall: scrolling the slips list (fetch more)",
    "tabs": "GUI stall: switching through every tab",
    "sync": "GUI stall: sync round, push to a local archive (sqlite)",
}

APP = """
import json, sys, time
from pathlib import Path
from ui.shell.app import App, install_desktop  # the app's own start, as bench_startup
from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication
from ui.kit.style import STYLESHEET

INTERVAL_MS = 5
folder, archive_url, scroll_pages = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
qt_app = QApplication([]); qt_app.setStyleSheet(STYLESHEET)
app = App(folder)
install_desktop(qt_app, app.settings)
stamps = []
probe = QTimer(); probe.setTimerType(Qt.TimerType.PreciseTimer); probe.setInterval(INTERVAL_MS)
probe.timeout.connect(lambda: stamps.append(time.perf_counter()))

def wait_until(done, timeout_s=120.0, settle_s=0.05):
    # an event loop (as the app's exec()), left once done() held for settle_s
    loop, since, deadline = QEventLoop(), [None], time.perf_counter() + timeout_s
    def check():
        now = time.perf_counter()
        if now > deadline:
            raise SystemExit(f"timed out waiting ({done.__doc__})")
        if done():
            since[0] = since[0] or now
            if now - since[0] >= settle_s:
                loop.quit()
        else:
            since[0] = None
    checker = QTimer(); checker.setInterval(10); checker.timeout.connect(check); checker.start()
    loop.exec()
    checker.stop()

def stall(t0, t1):
    # the largest gap between consecutive firings in [t0, t1], minus the interval (ms)
    times = [t0, *[s for s in stamps if t0 < s < t1], t1]
    gaps = [(b - a) * 1000 for a, b in zip(times, times[1:])]
    worst = max(range(len(gaps)), key=gaps.__getitem__)
    return {"stall_ms": round(gaps[worst] - INTERVAL_MS, 1),
            "at_ms": round((times[worst] - t0) * 1000),
            "window_ms": round((t1 - t0) * 1000), "firings": len(times) - 2}

def idle():
    "ops idle"
    return app.ops.pending == 0

result = {}
probe.start()
app.start()
w = app.window
t0 = time.perf_counter()
def lists():
    "first pages"
    return bool(w.requests_model.rowCount() and w.slips_model.rowCount()) and idle()
wait_until(lists)
result["first_pages"] = stall(t0, time.perf_counter())

slips_tab = w.tabs.indexOf(w.slips_view.parentWidget())
w.tabs.setCurrentIndex(slips_tab)
w.set_mine(False)  # everyone's slips: the longest list to scroll
wait_until(idle)
model, bar = w.slips_model, w.slips_view.verticalScrollBar()
t0, before = time.perf_counter(), model.rowCount()
for _ in range(scroll_pages):
    if not model.has_more:
        break
    rows = model.rowCount()
    bar.setValue(bar.maximum())  # the view asks for more at the bottom (fetchMore)
    wait_until(lambda: model.rowCount() > rows and not model.loading or not model.has_more)
wait_until(idle)
result["scroll"] = stall(t0, time.perf_counter()) | {"rows": [before, model.rowCount()]}

t0, per_tab = time.perf_counter(), []
for i in list(range(w.tabs.count())) + [0]:
    ts = time.perf_counter()
    w.tabs.setCurrentIndex(i)
    wait_until(idle)
    per_tab.append((w.tabs.currentWidget().objectName() or str(i),
                    stall(ts, time.perf_counter())["stall_ms"]))
result["tabs"] = stall(t0, time.perf_counter()) | {"per_tab": per_tab}

if archive_url:
    finished = []
    app.sync.round_finished.connect(finished.append)
    app.settings.set("archive_url", archive_url)
    t0 = time.perf_counter()
    app.sync.sync_now("bench")
    def synced():
        "sync round"
        return bool(finished) and not app.sync.running and idle()
    wait_until(synced, timeout_s=600)
    report = finished[0]
    result["sync"] = stall(t0, time.perf_counter()) | {
        "ok": report.ok, "pushed": report.pushed, "pulled": report.pulled}
probe.stop()
print("RESULT", json.dumps(result), flush=True)
app.close()
"""


def one_run(source: Path, folder: Path, archive_url: str, token: str) -> dict:
    """One process on a fresh copy of the store; the token as the app keeps it without a
    keyring (the 0600 file in the data folder), the archive address set in-process."""
    data = copy_store(source, folder / "laptop")
    if token:
        token_file = data / "device_token"
        token_file.write_text(token, "utf-8")
        token_file.chmod(0o600)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", APP, str(data), archive_url,
                           str(SCROLL_PAGES)], capture_output=True, text=True, env=env,
                          timeout=900)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise RuntimeError(f"responsiveness subprocess failed ({proc.returncode}): "
                       f"{proc.stderr[-2000:]}")


def runs_for(source: Path, runs: int, log: Callable[[str], None]) -> list[dict]:
    from fieldapp.sync.client import ArchiveClient
    from tests.archive.servers import PASSWORD, ArchiveProcess, sqlite_url

    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="fieldapp-bench-responsive-") as tmp:
            archive = ArchiveProcess(sqlite_url(Path(tmp)))
            try:
                archive.start()
                archive.add_user("centre", "staff")
                with ArchiveClient(archive.url) as client:
                    client.login("centre", PASSWORD, "bench-responsive")
                    token = client.token
                results.append(one_run(source, Path(tmp), archive.url, token or ""))
            finally:
                archive.close()
        log(f"    {json.dumps({k: v.get('stall_ms') for k, v in results[-1].items()})}")
    return results


def run(sizes: list[int], runs: int = 3, cache: Path | None = None,
        log: Callable[[str], None] = print) -> list[Row]:
    compile_sources()
    rows = []
    for size in sizes:
        try:
            folder, built = cached_store_dir(requests_for_slips(size), cache=cache, log=log)
        except NotCached as missing:
            rows += [Row(name, size, None, "ms", target=TARGET_MS, note=str(missing))
                     for name in SCENARIOS.values()]
            continue
        if built is not None:
            log(f"  built the {size}-slip store in {built:.0f} s")
        results = runs_for(folder, runs, log)
        for key, name in SCENARIOS.items():
            found = [r[key] for r in results if key in r]
            if not found:
                rows.append(Row(name, size, None, "ms", target=TARGET_MS, note="not measured"))
                continue
            worst = max(found, key=lambda r: r["stall_ms"])
            median = statistics.median(r["stall_ms"] for r in found)
            detail = {k: v for k, v in worst.items() if k not in ("stall_ms",)}
            note = f"worst of {len(found)}, median {median:.0f} ms; at {worst['at_ms']} ms " \
                   f"of {worst['window_ms']} ms"
            if key == "tabs":
                tab, ms = max(worst["per_tab"], key=lambda t: t[1])
                note += f"; worst tab {tab} ({ms:.0f} ms)"
            if key == "sync":
                note += f"; pushed {worst['pushed']} records, ok={worst['ok']}"
            if key == "scroll":
                note += f"; rows {worst['rows'][0]} → {worst['rows'][1]}"
            rows.append(Row(name, size, worst["stall_ms"], "ms", target=TARGET_MS,
                            runs=len(found), note=note,
                            extra={"median_ms": median, **detail}))
    return rows


def main() -> None:
    from tests.benchmarks.__main__ import alone
    from tests.benchmarks.__main__ import main as suite

    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    suite(["--only", "responsive", *alone("responsive"), "--sizes", args.sizes,
           "--responsive-runs", str(args.runs)])


if __name__ == "__main__":
    main()
