"""`fieldapp --self-test` from the source tree: every check passes on a good installation,
a broken piece is a ✗ line and a non-zero exit, and the core process never loads Qt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fieldapp.tools.selftest import CheckResult, run_self_test

EXPECTED_CHECKS = [
    "Store and migrations",
    "Demo data and sealing",
    "Verify the seal",
    "PDF CJK font",
    "Customer copy PDF (font embedded)",
    "Read back slip, seal and version",
    "Qt GUI (offscreen)",
]


def _fieldapp(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fieldapp", *args], capture_output=True,
                          text=True, encoding="utf-8", env={**os.environ, **(env or {})},
                          timeout=120, check=False)


def test_every_check_passes_on_a_working_installation(tmp_path: Path):
    seen: list[CheckResult] = []
    results = run_self_test(tmp_path / "selftest", on_result=seen.append)
    assert [r.name_en for r in results] == EXPECTED_CHECKS
    assert all(r.ok for r in results), [r for r in results if not r.ok]
    assert seen == results
    assert "WenQuanYiMicroHei" in results[4].detail


def test_self_test_prints_a_tick_per_check_in_the_chosen_language(tmp_path: Path):
    done = _fieldapp("--data-dir", str(tmp_path / "data"), "--lang", "en", "--self-test")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("fieldapp ") and "self-test (from source)" in lines[0]
    assert [line.split(":")[0] for line in lines[1:-1]] == [f"✓ {n}" for n in EXPECTED_CHECKS]
    assert lines[-1] == "Self-test passed (7/7)"
    chinese = _fieldapp("--data-dir", str(tmp_path / "data"), "--lang", "zh", "--self-test")
    assert "✓ 数据库与迁移：版本 " in chinese.stdout and "自检通过（7/7）" in chinese.stdout


def test_self_test_never_touches_the_local_store(tmp_path: Path):
    data = tmp_path / "data"
    assert _fieldapp("--data-dir", str(data), "--self-test").returncode == 0
    assert not (data / "fieldapp.db").exists()


def test_a_missing_pdf_font_is_a_failed_check_and_a_non_zero_exit(tmp_path: Path):
    done = _fieldapp("--lang", "en", "--self-test",
                     env={"FIELDAPP_PDF_FONT": str(tmp_path / "no-such-font.ttc")})
    assert done.returncode == 1
    assert "✗ PDF CJK font: FontError" in done.stdout
    assert "✓ Verify the seal" in done.stdout  # the checks before it still ran
    assert "Customer copy PDF" not in done.stdout  # and what needs the font did not
    assert done.stdout.splitlines()[-1] == "Self-test failed (1 of 5 checks)"


def test_the_core_process_stays_free_of_qt_during_the_self_test(tmp_path: Path):
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from fieldapp.tools.selftest import run_self_test\n"
        f"results = run_self_test(Path({str(tmp_path)!r}))\n"
        "assert all(r.ok for r in results), results\n"
        "assert any(r.name_en.startswith('Qt') for r in results)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
