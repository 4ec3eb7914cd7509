"""`scripts/desktop-packages`, run by `./scripts/run` before the window opens, names the
Debian packages of exactly the libraries Qt's platform plugin cannot find (as `ldd` reports
them), and a missing Chinese font. Here `ldd` and `fc-list` are stand-ins on PATH."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
FOUND = "\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f)\n"


def check(tmp_path: Path, ldd_says: str, fonts: str = "Noto Sans CJK SC\n"
          ) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("ldd", ldd_says), ("fc-list", fonts)):
        (bin_dir / name).write_text(f"#!/bin/sh\nprintf '%s' '{text}'\n")
        (bin_dir / name).chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}",
           "FIELDAPP_SYSTEM_INSTALL": "no", "DISPLAY": ":99"}
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(["bash", "scripts/desktop-packages", sys.executable], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)


def test_a_machine_with_everything_says_nothing(tmp_path: Path) -> None:
    done = check(tmp_path, FOUND)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_missing_xcb_libraries_are_named_with_their_packages(tmp_path: Path) -> None:
    done = check(tmp_path, FOUND + "\tlibxcb-icccm.so.4 => not found\n"
                                   "\tlibxcb-keysyms.so.1 => not found\n")
    assert done.returncode == 1
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in done.stderr
    assert "libxcb-cursor0" not in done.stderr  # Qt's own hint guessed this one wrongly


def test_a_library_without_a_known_package_is_named_as_is(tmp_path: Path) -> None:
    done = check(tmp_path, FOUND + "\tlibxcb-brandnew.so.2 => not found\n")
    assert done.returncode == 1
    assert "libxcb-brandnew.so.2" in done.stderr


def test_no_chinese_font_is_a_warning_with_the_package_to_install(tmp_path: Path) -> None:
    done = check(tmp_path, FOUND, fonts="")
    assert done.returncode == 0
    assert "fonts-noto-cjk" in done.stderr and "方框" in done.stderr


def test_no_display_is_said_before_qt_aborts(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM",
                                                            "WAYLAND_DISPLAY")}
    done = subprocess.run(["bash", "scripts/desktop-packages", sys.executable], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "DISPLAY" in done.stderr
