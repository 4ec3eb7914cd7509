"""Every window, dialog and page fits a small touchscreen laptop (docs/desktop.md, "Fit").

The windows are found by walking `ui/`: each QDialog and QMainWindow subclass, and each
page (a widget class named …Page, …Editor or …View), needs an entry in `SCREENS`
(tests/ui/layout_screens.py) that opens it as the engineer does; a new one without an
entry fails here. Each screen is then opened on two emulated screens, in a subprocess
each (both started at once): Qt's offscreen platform takes the screen's size from a JSON file
(`QT_QPA_PLATFORM=offscreen:configfile=…`), and QT_SCALE_FACTOR=1.5 scales as a 150 %
display does. Each screen is the area a window may use: the display less a taskbar of 40
logical px. There every screen must open within the screen, ask for no more than
1280×680, and show its buttons and inputs whole (reachable by scrolling only inside a
scroll area, never sideways), at least 44 px high (buttons also 44 px wide), with an
accessible name, its texts unclipped, combo rows and spin-box arrows 44 px, in Chinese
and in English, maximised as it opens and as the window manager restores it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.layout_check import is_screen, window_classes
from tests.ui.layout_screens import SCREENS

ROOT = Path(__file__).resolve().parents[2]
TASKBAR = 40  # logical px

# name: (physical width, height, scale)
DISPLAYS = {
    "1366x768@100%": (1366, 768, 1.0),  # a 1366×768 laptop: 1366×728 left
    "1920x1080@150%": (1920, 1080, 1.5),  # 1280×720 logical: 1280×680 left
}


def test_every_window_and_page_has_a_screen() -> None:
    windows = {name: cls for name, cls in window_classes().items() if is_screen(cls)}
    assert len(windows) >= 20
    # a base class (ListPage) is opened through its subclasses
    missing = [name for name, cls in windows.items()
               if not any(issubclass(s.cls, cls) for s in SCREENS.values())]
    assert missing == [], ("add an entry to SCREENS in tests/ui/layout_screens.py that "
                           f"opens: {', '.join(missing)}")


def _start(display: str, folder: Path) -> tuple[subprocess.Popen[bytes], Path]:
    width, height, scale = DISPLAYS[display]
    config = folder / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": display, "x": 0, "y": 0, "width": width,
        "height": height - round(TASKBAR * scale), "logicalDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
           "QT_SCALE_FACTOR": str(scale),
           # one moment: the clocks' texts are the same on every run
           "FIELDAPP_TEST_MOMENT": os.environ.get("FIELDAPP_TEST_MOMENT") or "wednesday"}
    output = folder / "output.txt"  # a file, not a pipe: the runs never wait on a reader
    with output.open("wb") as out:
        run = subprocess.Popen(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rN",
             "--tb=short", "tests/ui/layout_screens.py"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return run, output


class LayoutRuns:
    """The runs of layout_screens.py, one per display. Where this file's tests all run in
    this process (no xdist, or `--dist loadfile` as ./scripts/test runs it), every display
    the session tests starts with the first: two minutes each, one after the other they
    kept a CI worker busy four."""

    def __init__(self, request: pytest.FixtureRequest,
                 folders: pytest.TempPathFactory) -> None:
        self.folders = folders
        self.runs: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}
        worker = getattr(request.config, "workerinput", None)  # an xdist worker's: its argv
        whole_file = worker is None or any(
            arg.removeprefix("--dist=") in ("loadfile", "loadscope")
            for arg in worker.get("mainargv", []))
        self.together = [str(item.callspec.params["display"]) for item in request.session.items
                         if whole_file and isinstance(item, pytest.Function)
                         and item.name.startswith("test_every_screen_fits[")]

    def run(self, display: str) -> tuple[subprocess.Popen[bytes], Path]:
        for name in dict.fromkeys([display, *self.together]):
            if name not in self.runs:
                self.runs[name] = _start(name, self.folders.mktemp("layout"))
        return self.runs[display]

    def close(self) -> None:
        for run, _ in self.runs.values():
            if run.poll() is None:
                run.kill()
            run.wait()


@pytest.fixture(scope="module")
def layout_runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[LayoutRuns]:
    runs = LayoutRuns(request, tmp_path_factory)
    yield runs
    runs.close()


@pytest.mark.parametrize("display", list(DISPLAYS))
def test_every_screen_fits(display: str, layout_runs: LayoutRuns) -> None:
    run, output = layout_runs.run(display)
    run.wait(timeout=900)
    assert run.returncode == 0, output.read_text(errors="replace")[-8000:]
