"""The frozen bundle (build_installer.spec) works on its own: built with the documented
command, copied to a folder outside the source tree and run with an empty environment
(no virtualenv, no source tree on any path), it passes its self-test, prints its
version, creates its data folder and upgrades a store of the previous version.

Builds dist/fieldapp with ./scripts/build-installer unless it is newer than every source
(about a minute on 2 cores); `pytest -m "not installer"` leaves this out. In CI (env CI
set) a missing PyInstaller is a failure, not a skip.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine

import fieldapp
from fieldapp.store import DB_FILENAME
from fieldapp.store.migrate import current_revision, head_revision, upgrade

pytestmark = [
    pytest.mark.installer,
    pytest.mark.skipif(sys.platform != "linux",
                       reason="the Windows bundle is built and checked on Windows "
                              "(docs/install.md)"),
]

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist" / "fieldapp"
SOURCES = ("fieldapp", "ui", "resources", "packaging", "build_installer.spec",
           "pyproject.toml", "scripts/build-installer")


def _newest_source() -> float:
    newest = 0.0
    for name in SOURCES:
        path = ROOT / name
        files = [path] if path.is_file() else path.rglob("*") if path.is_dir() else []
        newest = max([newest, *(f.stat().st_mtime for f in files
                                if f.is_file() and "__pycache__" not in f.parts)])
    return newest


def _budget_bytes() -> int:
    script = (ROOT / "scripts" / "build-installer").read_text()
    budget = re.search(r"BUDGET_MB=\$\{FIELDAPP_BUNDLE_BUDGET_MB:-(\d+)\}", script)
    assert budget, "scripts/build-installer no longer states its budget"
    return int(budget.group(1)) * 1_000_000


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the built bundle in a temporary folder, outside the source tree."""
    if importlib.util.find_spec("PyInstaller") is None:
        message = "PyInstaller is not installed: pip install -e '.[installer]'"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    executable = DIST / "fieldapp"
    if not executable.exists() or executable.stat().st_mtime < _newest_source():
        subprocess.run([str(ROOT / "scripts" / "build-installer")], cwd=ROOT, check=True,
                       env={**os.environ, "FIELDAPP_BUILD_PYTHON": sys.executable},
                       timeout=900)
    copy = tmp_path_factory.mktemp("bundle") / "fieldapp"
    shutil.copytree(DIST, copy, symlinks=True)
    assert ROOT not in copy.parents
    return copy


def _run(bundle: Path, *args: str, home: Path) -> subprocess.CompletedProcess:
    """The bundle's program with a minimal environment, in a folder of its own."""
    home.mkdir(parents=True, exist_ok=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([str(bundle / "fieldapp"), *args], cwd=home, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=180,
                          check=False)


def test_the_bundle_is_within_its_size_budget(bundle: Path):
    size = sum(f.lstat().st_size for f in bundle.rglob("*"))
    assert size <= _budget_bytes(), f"{size / 1e6:.1f} MB"


def test_the_bundle_carries_the_font_with_its_licence_and_leaves_out_unused_qt(bundle: Path):
    fonts = bundle / "_internal" / "fieldapp" / "documents" / "resources" / "fonts"
    assert (fonts / "wqy-microhei.ttc").is_file()
    assert "Apache License" in (fonts / "wqy-microhei-LICENSE.txt").read_text()
    assert (bundle / "_internal" / "resources" / "icons" / "fieldapp.svg").is_file()
    assert (bundle / "_internal" / "fieldapp" / "store" / "migrations" / "env.py").is_file()
    names = {p.name for p in bundle.rglob("*")}
    for unused in ("libQt6Qml.so.6", "libQt6Quick.so.6", "libQt6WebEngineCore.so.6",
                   "libQt6Network.so.6", "libqwayland.so", "libqgtk3.so", "libcups.so.2"):
        assert unused not in names
    qt_translations = {p.name for p in bundle.rglob("translations/*.qm")}
    assert "qtbase_zh_CN.qm" in qt_translations and "qtbase_de.qm" not in qt_translations


def test_the_frozen_program_prints_its_version(bundle: Path, tmp_path: Path):
    done = _run(bundle, "--version", home=tmp_path)
    assert (done.returncode, done.stdout) == (0, f"fieldapp {fieldapp.__version__}\n")


def test_the_frozen_self_test_passes_without_the_source_tree(bundle: Path, tmp_path: Path):
    done = _run(bundle, "--self-test", home=tmp_path)
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "自检（打包版）" in done.stdout and "✗" not in done.stdout
    assert "wqy-microhei.ttc (随程序附带)" in done.stdout  # the bundled font, not the system's
    assert "offscreen" in done.stdout
    english = _run(bundle, "--lang", "en", "--self-test", home=tmp_path)
    assert english.stdout.splitlines()[-1] == "Self-test passed (7/7)", english.stdout


def test_first_start_creates_the_data_folder(bundle: Path, tmp_path: Path):
    done = _run(bundle, "slips", "list", home=tmp_path)
    assert done.returncode == 0, done.stderr
    store = tmp_path / ".local" / "share" / "fieldapp" / DB_FILENAME
    assert store.is_file()
    engine = create_engine(f"sqlite:///{store}")
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_a_store_of_the_previous_version_is_upgraded(bundle: Path, tmp_path: Path):
    data = tmp_path / "old-data"
    data.mkdir()
    engine = create_engine(f"sqlite:///{data / DB_FILENAME}")
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    done = _run(bundle, "--data-dir", str(data), "slips", "list", home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert current_revision(engine) == head_revision() != "0001"
    engine.dispose()
