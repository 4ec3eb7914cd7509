"""Cold start to an interactive main window, offscreen, against a bare PySide6 window.

    .venv/bin/python tests/benchmarks/bench_startup.py [N_REQUESTS] [--runs 5]

Builds a demo store with N requests (default 2000, ~1,750 slips), then times fresh
subprocesses: (a) import PySide6 and show an empty QMainWindow; (b) import the app, open
the store and show the main window until its first list page has arrived. Prints medians.
Not collected by pytest (no test_ prefix).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = """
import time; t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([]); w = QMainWindow(); w.show(); app.processEvents()
print(time.perf_counter() - t0)
"""

APP = """
import sys, time; t0 = time.perf_counter()
from pathlib import Path
from PySide6.QtWidgets import QApplication
from PySide6.QtTest import QTest
from fieldapp.settings import Settings
from fieldapp.store import open_store
from ui.main_window import MainWindow
from ui.ops import Ops
from ui.style import STYLESHEET
from ui import i18n
app = QApplication([]); app.setStyleSheet(STYLESHEET)
data = Path(sys.argv[1]); i18n.set_language("zh")
store = open_store(data); ops = Ops(store)
w = MainWindow(ops, Settings.in_dir(data)); w.show()
while w.requests_model.rowCount() == 0 or w.slips_model.rowCount() == 0:
    QTest.qWait(1)
print(time.perf_counter() - t0)
ops.wait_done(); store.close()
"""


def run(code: str, *args: str) -> tuple[float, float]:
    """(whole process incl. interpreter start, inside the process from first import)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         env=env, check=True)
    wall = time.perf_counter() - started
    return wall, float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("requests", type=int, nargs="?", default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from fieldapp.demo import fill_demo
    from fieldapp.queries import count_slips
    from fieldapp.settings import Settings
    from fieldapp.store import open_store

    data = Path(tempfile.mkdtemp())
    store = open_store(data)
    fill_demo(store, requests=args.requests)
    with store.read() as session:
        slips = count_slips(session)
    store.close()
    settings = Settings.in_dir(data)
    settings.set("operator_code", "E07")
    settings.set("setup_done", True)
    settings.save()
    bare = [run(BARE) for _ in range(args.runs)]
    app = [run(APP, str(data)) for _ in range(args.runs)]
    print(f"store: {args.requests} requests, {slips} slips; {args.runs} runs each, offscreen")
    for name, runs in (("bare PySide6 window", bare), ("fieldapp main window", app)):
        wall = statistics.median(r[0] for r in runs)
        inside = statistics.median(r[1] for r in runs)
        print(f"{name:22} median {wall:.3f} s process, {inside:.3f} s from first import")
    print("(main window: interactive with the first page of the requests and slips lists)")


if __name__ == "__main__":
    main()
