"""First start ends in the main window, always: with or without demo data, and with an
operator code the demo also uses. Each run is the real app with its own event loop, in its
own process, because the defect was the loop ending when the setup dialog closed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fieldapp.base.settings import Settings
from fieldapp.records import reference
from fieldapp.store import open_store

DRIVER = Path(__file__).with_name("first_start_driver.py")


def first_start(data_dir: Path, code: str, demo: str) -> str:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, str(DRIVER), str(data_dir), code, demo],
                          capture_output=True, text=True, timeout=120, env=env,
                          cwd=Path(__file__).parents[2])
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.parametrize(("code", "demo"), [("E09", "none"), ("E09", "demo"), ("E01", "demo")])
def test_setup_ends_in_the_main_window(tmp_path: Path, code: str, demo: str) -> None:
    said = first_start(tmp_path, code, demo)
    assert "main window right after start: True" in said
    assert "main window shown with" in said
    assert Settings.in_dir(tmp_path).get("setup_done") is True
    store = open_store(tmp_path)
    try:
        with store.read() as session:
            assert reference.engineer_by_code(session, code).name == "张三"
    finally:
        store.close()
