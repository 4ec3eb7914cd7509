"""The CJK font: found in the documented order, embedded, and a clear error when missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from fieldapp.documents import (
    ENV_FONT,
    DocumentError,
    FontError,
    find_cjk_font,
    register_cjk_font,
    render_slip_pdf,
)
from fieldapp.documents.sample import sample_company, sample_slip

from .conftest import require_tool

DROID = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")


@pytest.fixture(autouse=True)
def _no_font_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_FONT, raising=False)


def test_no_font_anywhere_raises_a_bilingual_error_naming_what_to_install(
    tmp_path: Path,
) -> None:
    with pytest.raises(FontError) as info:
        find_cjk_font(bundled_dir=tmp_path, system_paths=())
    error = info.value
    assert isinstance(error, DocumentError)
    assert "apt install fonts-wqy-microhei" in error.message("zh")
    assert "apt install fonts-wqy-microhei" in error.message("en")
    assert ENV_FONT in error.message("en")
    assert "字体" in error.message("zh")


def test_missing_explicit_font_file_is_an_error_not_a_silent_fallback(tmp_path: Path) -> None:
    with pytest.raises(FontError) as info:
        find_cjk_font(tmp_path / "nowhere.ttf")
    assert "does not exist" in info.value.message("en")
    assert "nowhere.ttf" in info.value.message("zh")


def test_env_variable_pointing_nowhere_stops_rendering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_FONT, str(tmp_path / "missing.ttc"))
    with pytest.raises(DocumentError):
        render_slip_pdf(sample_slip(), sample_company())


def test_a_file_that_is_not_a_font_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "fake.ttf"
    fake.write_bytes(b"not a font at all" * 10)
    with pytest.raises(FontError) as info:
        find_cjk_font(fake)
    assert "TrueType" in info.value.message("en")


def test_bundled_font_comes_before_system_fonts(cjk_font: Path, tmp_path: Path) -> None:
    bundled = tmp_path / "bundled.ttc"
    shutil.copy(cjk_font, bundled)
    choice = find_cjk_font(bundled_dir=tmp_path, system_paths=(cjk_font,))
    assert choice.path == bundled


def test_env_variable_selects_the_font(cjk_font: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_FONT, str(cjk_font))
    assert find_cjk_font(bundled_dir=Path("/nonexistent"), system_paths=()).path == cjk_font


@pytest.mark.skipif(not DROID.exists(), reason="Droid Sans Fallback not installed")
def test_droid_sans_fallback_is_refused_because_it_has_no_digits() -> None:
    with pytest.raises(FontError):
        find_cjk_font(DROID)
    with pytest.raises(FontError):
        find_cjk_font(bundled_dir=Path("/nonexistent"), system_paths=(DROID,))


def test_registration_is_cached(cjk_font: Path) -> None:
    assert register_cjk_font(cjk_font) == register_cjk_font(cjk_font)


def test_cjk_font_is_embedded_as_a_subset_and_nothing_else_is_used(
    a4_pdf: bytes, tmp_path: Path
) -> None:
    require_tool("pdffonts")
    path = tmp_path / "copy.pdf"
    path.write_bytes(a4_pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]
    assert rows, out.stdout
    for row in rows:
        name, emb, sub = row[0], row[-5], row[-4]
        assert "+" in name, f"{name} is not a subset"
        assert (emb, sub) == ("yes", "yes"), out.stdout
        assert "STSong" not in name
        assert "TrueType" in out.stdout
