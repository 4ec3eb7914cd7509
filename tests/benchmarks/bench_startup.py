"""Cold start to an interactive main window and its memory, against a bare PySide6 window.

Part of the suite (``python -m tests.benchmarks``); alone:

    .venv/bin/python -m tests.benchmarks.bench_startup [--sizes 1000,10000,100000] [--runs 5]

For each store size (cached demo stores, see stores.py) it times fresh subprocesses,
offscreen: (a) the floor: import PySide6 and show an empty QMainWindow; (b) start the
app as `fieldapp` does (`ui.shell.app.App`: open the store, show the main window) until the
first page of the requests and the slips lists has arrived. The sources are
byte-compiled first, as the installer ships them. Time is the whole process from spawn
to that point (the interpreter's own start included, for both). Memory is the process's resident set
(VmRSS, and its peak VmHWM) at that point. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.benchmarks.common import Row
from tests.benchmarks.stores import NotCached, cached_store_dir, requests_for_slips

RSS = """
def rss():
    fields = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return [int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM")]
"""

BARE = RSS + """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([]); w = QMainWindow(); w.show(); app.processEvents()
print("READY", *rss(), flush=True)
"""

APP = RSS + """
import sys
from pathlib import Path
from ui.shell.app import App  # the app's own start: its import order, its main window
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from ui.kit.style import STYLESHEET
qt_app = QApplication([]); qt_app.setStyleSheet(STYLESHEET)
app = App(Path(sys.argv[1])); app.start()
w = app.window
# Wait in an event loop, as the app does (qt_app.exec()): polling with QTest.qWait(1)
# kept the list workers from running and tripled the time measured.
loop = QEventLoop()
def arrived():
    if w.requests_model.rowCount() and w.slips_model.rowCount():
        loop.quit()
for model in (w.requests_model, w.slips_model):
    model.loaded.connect(arrived)
QTimer.singleShot(0, arrived)
loop.exec()
print("READY", *rss(), w.slips_model.rowCount(), flush=True)
app.close()
"""


def compile_sources() -> None:
    """Byte-compile the app as its installer ships it: with PYTHONDONTWRITEBYTECODE set
    (as on the CI machines) every start would otherwise compile all of fieldapp and ui."""
    root = Path(__file__).resolve().parents[2]
    for package in ("fieldapp", "ui"):
        compileall.compile_dir(root / package, quiet=1)


def spawn(code: str, *args: str) -> tuple[float, float, float]:
    """(seconds from spawn to READY, RSS MB, peak RSS MB) of one fresh process."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    ready = None
    for line in proc.stdout:
        if line.startswith("READY"):
            ready = time.perf_counter() - started, *map(float, line.split()[1:3])
    _, err = proc.communicate()
    if proc.returncode != 0 or ready is None:
        raise RuntimeError(f"startup subprocess failed ({proc.returncode}): {err[-2000:]}")
    return ready


def run(sizes: list[int], runs: int = 5, cache: Path | None = None,
        log: Callable[[str], None] = print) -> list[Row]:
    compile_sources()
    bare = [spawn(BARE) for _ in range(runs)]
    bare_s = statistics.median(b[0] for b in bare)
    bare_mb = statistics.median(b[1] for b in bare)
    rows = []
    for size in sizes:
        try:
            folder, built = cached_store_dir(requests_for_slips(size), cache=cache, log=log)
        except NotCached as missing:
            rows.append(Row("cold start to interactive main window", size, None, "s",
                            target=1.0, max_ratio=1.5, note=str(missing)))
            continue
        if built is not None:
            log(f"  built the {size}-slip store in {built:.0f} s")
        if runs > 1:  # warm the page cache: "cold" is the process, not the disk
            spawn(APP, str(folder))
        app = [spawn(APP, str(folder)) for _ in range(runs)]
        app_s = statistics.median(a[0] for a in app)
        rss = statistics.median(a[1] for a in app)
        peak = statistics.median(a[2] for a in app)
        rows.append(Row("cold start to interactive main window", size, app_s, "s",
                        floor=bare_s, floor_name="bare PySide6 window", target=1.0,
                        max_ratio=1.5, runs=runs,
                        note="offscreen, process spawn to first list pages"))
        rows.append(Row("memory with the store open (RSS)", size, rss, "MB", floor=bare_mb,
                        floor_name="bare PySide6 window", target=200.0, runs=runs,
                        note=f"peak {peak:.0f} MB", extra={"peak_mb": peak}))
    return rows


def main() -> None:
    from tests.benchmarks.__main__ import alone
    from tests.benchmarks.__main__ import main as suite

    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    suite(["--only", "startup", *alone("startup"), "--sizes", args.sizes, "--runs", str(args.runs)])


if __name__ == "__main__":
    main()
