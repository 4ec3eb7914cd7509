"""Cold start to an interactive main window and its memory, against a bare PySide6 window.

Part of the suite (``python -m tests.benchmarks``); alone:

    .venv/bin/python -m tests.benchmarks.bench_startup [--sizes 1000,10000,100000] [--runs 5]
        [--before REV]

For each store size (cached demo stores, see stores.py) it times fresh subprocesses,
offscreen: (a) the floor: import PySide6 and show an empty QMainWindow; (b) start the
app as `fieldapp` does (the entry module `fieldapp.cli`, then `ui.shell.start`: the frame
with the last session's lists from the snapshot, the core on a worker thread, the live
window) and take two times: the frame's first paint with the snapshot's rows, and the
live lists (the first page of the requests and the slips lists arrived); (c) the same
code started core first, without the frame (`ui.shell.app.App`, as before issue 23), to
see what the frame costs the live lists; (d) with
``--before REV`` (or FIELDAPP_BENCH_BEFORE), the same cold start of that git revision's
code, exported by `git archive` into a temporary folder, in the same run, on the same
store (its own start: `ui.shell.app.App` until both lists arrived). A warm-up start
writes the snapshot beside the cached store first. The sources are byte-compiled
first, as the installer ships them. Time is the whole process from spawn to that point
(the interpreter's own start included, for all). Memory is the process's resident set
(VmRSS, and its peak VmHWM) once the live lists are there. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.benchmarks.common import Row
from tests.benchmarks.stores import (
    NotCached,
    cached_store_dir,
    default_cache,
    requests_for_slips,
)

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

WINDOW_FIRST = RSS + """
import gc
import sys
import fieldapp.cli  # the console script's entry module, as `fieldapp` imports it
gc.disable()  # as fieldapp.cli._start_desktop_quickly, until App.show_main
from pathlib import Path
from ui.shell.start import begin  # first, as fieldapp.cli.main imports it
from PySide6.QtWidgets import QApplication
from ui.kit.style import STYLESHEET
qt_app = QApplication([]); qt_app.setStyleSheet(STYLESHEET)
if sys.argv[2:] == ["widgets"]:  # as after a crash or on a new screen: no picture
    from ui.shell import start_picture
    start_picture.path_in(Path(sys.argv[1])).unlink(missing_ok=True)
start = begin(qt_app, Path(sys.argv[1]))  # as ui.shell.start.run, up to its event loop
def painted():
    print("PAINT", start.frame.rows_shown if start.frame else 0, flush=True)
def ready(app):
    w = app.window
    def arrived():
        if w.requests_model.rowCount() and w.slips_model.rowCount():
            print("READY", *rss(), w.slips_model.rowCount(), flush=True)
            qt_app.quit()
    for model in (w.requests_model, w.slips_model):
        model.loaded.connect(arrived)
    arrived()
start.painted.connect(painted)
start.ready.connect(ready)
qt_app.exec()
start.app.close()
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


def spawn(code: str, *args: str, root: Path | None = None) -> tuple[float, float, float]:
    """(seconds from spawn to READY, RSS MB, peak RSS MB) of one fresh process."""
    ready, _paint = spawn_timed(code, *args, root=root)
    return ready


def spawn_timed(code: str, *args: str, root: Path | None = None
                ) -> tuple[tuple[float, float, float], tuple[float, int] | None]:
    """As `spawn`, and (seconds to PAINT, snapshot rows painted) when the process says so.
    `root`: run another checkout's code (first on the path, and the working folder)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if root is not None:
        env["PYTHONPATH"] = str(root)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=root)
    assert proc.stdout is not None
    ready = paint = None
    for line in proc.stdout:
        if line.startswith("PAINT"):
            paint = time.perf_counter() - started, int(line.split()[1])
        if line.startswith("READY"):
            ready = time.perf_counter() - started, *map(float, line.split()[1:3])
    _, err = proc.communicate()
    if proc.returncode != 0 or ready is None:
        raise RuntimeError(f"startup subprocess failed ({proc.returncode}): {err[-2000:]}")
    return ready, paint


def export_revision(rev: str, into: Path) -> Path:
    """`git archive` of `rev` (its fieldapp and ui), byte-compiled as the new code is."""
    root = Path(__file__).resolve().parents[2]
    archive = subprocess.run(["git", "-C", str(root), "archive", rev, "fieldapp", "ui",
                              "tests/__init__.py", "tests/benchmarks"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    for package in ("fieldapp", "ui"):
        compileall.compile_dir(into / package, quiet=1)
    probe = subprocess.run([sys.executable, "-c", "import ui.shell.app as a; print(a.__file__)"],
                           capture_output=True, text=True, cwd=into,
                           env={**os.environ, "PYTHONPATH": str(into),
                                "QT_QPA_PLATFORM": "offscreen"})
    if not probe.stdout.startswith(str(into)):  # an editable install must not win
        raise RuntimeError(f"the exported code is not what runs: {probe.stdout}{probe.stderr}")
    return into


def store_of(old: Path, size: int, cache: Path) -> Path:
    """That revision's own demo store of `size` slips (its schema may be older than this
    code's), built by its own `tests.benchmarks.stores` and cached under `cache`."""
    code = ("import sys; from pathlib import Path; from tests.benchmarks.stores import "
            "cached_store_dir as c, requests_for_slips as r; print('FOLDER', c(r(int("
            "sys.argv[1])), cache=Path(sys.argv[2]), log=lambda m: None)[0])")
    done = subprocess.run([sys.executable, "-c", code, str(size), str(cache)], cwd=old,
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(old)})
    folder = [line.split(" ", 1)[1] for line in done.stdout.splitlines()
              if line.startswith("FOLDER ")]
    if done.returncode != 0 or not folder:
        raise RuntimeError(f"the earlier code's store: {done.stderr[-2000:]}")
    return Path(folder[0])


def run(sizes: list[int], runs: int = 5, cache: Path | None = None,
        log: Callable[[str], None] = print, before: str | None = None) -> list[Row]:
    before = before or os.environ.get("FIELDAPP_BENCH_BEFORE") or None
    compile_sources()
    with tempfile.TemporaryDirectory(prefix="fieldapp-before-") as folder:
        old = export_revision(before, Path(folder)) if before else None
        return _measure(sizes, runs, cache, log, before, old)


def _measure(sizes: list[int], runs: int, cache: Path | None, log: Callable[[str], None],
             before: str | None, old: Path | None) -> list[Row]:
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
        # warm the page cache ("cold" is the process, not the disk) and write the snapshot
        spawn(WINDOW_FIRST, str(folder))
        old_folder = None
        if old is not None and before is not None:
            old_folder = store_of(old, size, (cache or default_cache()) / f"before-{before}")
            spawn(APP, str(old_folder), root=old)
        starts, paints, widget_paints, floors = [], [], [], []
        for _ in range(runs):  # every kind in turns, the floor too: they share the load
            floors.append(spawn(BARE)[0])
            if old is not None:
                starts.append(("before", spawn(APP, str(old_folder), root=old)))
            starts.append(("core first", spawn(APP, str(folder))))
            _, paint = spawn_timed(WINDOW_FIRST, str(folder), "widgets")
            if paint is not None and paint[1] > 0:
                widget_paints.append(paint[0])
            # the usual start: the picture the last close drew (the run above's)
            ready, paint = spawn_timed(WINDOW_FIRST, str(folder))
            starts.append(("new", ready))
            if paint is not None and paint[1] > 0:
                paints.append(paint[0])
        app = [s for who, s in starts if who == "new"]
        bare_s = statistics.median(floors)
        app_s = statistics.median(a[0] for a in app)
        rss = statistics.median(a[1] for a in app)
        peak = statistics.median(a[2] for a in app)
        rows.append(Row("cold start: first paint with the last lists (picture)", size,
                        statistics.median(paints) if paints else None, "s", floor=bare_s,
                        floor_name="bare PySide6 window", max_ratio=1.5, runs=len(paints),
                        note="offscreen, spawn to the first paint of the picture the "
                             "last close drew (ui/shell/start_picture.py)"
                        if paints else "no snapshot rows were painted"))
        rows.append(Row("cold start: first paint, frame built first (no picture)", size,
                        statistics.median(widget_paints) if widget_paints else None, "s",
                        floor=bare_s, floor_name="bare PySide6 window", max_ratio=1.5,
                        runs=len(widget_paints),
                        note="as after a crash, an upgrade or on another screen: the "
                             "frame's widgets before the first paint"))
        rows.append(Row("cold start to interactive main window", size, app_s, "s",
                        floor=bare_s, floor_name="bare PySide6 window", target=1.0,
                        max_ratio=1.5, runs=runs,
                        note="offscreen, spawn to the live lists' first pages"))
        rows.append(Row("cold start to interactive main window, core first (no frame)", size,
                        statistics.median(s[0] for who, s in starts if who == "core first"),
                        "s", floor=bare_s, floor_name="bare PySide6 window", target=1.0,
                        max_ratio=1.5, runs=runs,
                        note="this code's App without the start frame: core, then window"))
        if old is not None:
            then = statistics.median(s[0] for who, s in starts if who == "before")
            rows.append(Row(f"cold start to interactive main window, code of {before}", size,
                            then, "s", floor=bare_s, floor_name="bare PySide6 window",
                            target=1.0, max_ratio=1.5, runs=runs,
                            note="same run, git archive of that revision, its own "
                                 "demo store of the same size"))
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
    parser.add_argument("--before", help="also time this git revision's start, same run")
    args = parser.parse_args()
    if args.before:
        os.environ["FIELDAPP_BENCH_BEFORE"] = args.before
    suite(["--only", "startup", *alone("startup"), "--sizes", args.sizes,
           "--startup-runs", str(args.runs)])


if __name__ == "__main__":
    main()
