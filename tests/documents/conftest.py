"""Fixtures for document tests: a realistic Chinese slip, rendered copies, system tools.

Tests that need a system tool (pdftotext, pdffonts, pdftoppm, zbarimg, cupsd) skip with
the package to install when it is missing; CI installs them (docs/documents.md).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from fieldapp.documents import CompanyInfo, FontError, SlipDocument, find_cjk_font, render_slip_pdf
from fieldapp.documents.sample import sample_company, sample_slip

TOOL_PACKAGES = {
    "pdftotext": "poppler-utils",
    "pdffonts": "poppler-utils",
    "pdftoppm": "poppler-utils",
    "zbarimg": "zbar-tools",
}


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} not installed (apt install {TOOL_PACKAGES.get(name, name)})")
    return path


def pdf_text(
    pdf: bytes | Path, tmp_path: Path, *, page: int | None = None, raw: bool = False
) -> str:
    """pdftotext of the PDF (or one page), whitespace removed for robust matching.

    `raw` keeps content-stream order, which keeps rotated text (the draft mark) whole.
    """
    require_tool("pdftotext")
    path = _as_file(pdf, tmp_path)
    command = ["pdftotext", "-enc", "UTF-8", *(["-raw"] if raw else [])]
    if page is not None:
        command += ["-f", str(page), "-l", str(page)]
    out = subprocess.run([*command, str(path), "-"], capture_output=True, check=True)
    return "".join(out.stdout.decode("utf-8").split())


def _as_file(pdf: bytes | Path, tmp_path: Path) -> Path:
    if isinstance(pdf, Path):
        return pdf
    path = tmp_path / f"doc-{abs(hash(pdf))}.pdf"
    path.write_bytes(pdf)
    return path


@pytest.fixture(scope="session")
def cjk_font() -> Path:
    try:
        return find_cjk_font().path
    except FontError as exc:
        pytest.skip(exc.message("en"))


@pytest.fixture
def company() -> CompanyInfo:
    return sample_company()


@pytest.fixture
def slip() -> SlipDocument:
    return sample_slip()


@pytest.fixture(scope="session")
def a4_pdf(cjk_font: Path) -> bytes:
    return render_slip_pdf(sample_slip(), sample_company())


@pytest.fixture(scope="session")
def receipt_pdf(cjk_font: Path) -> bytes:
    return render_slip_pdf(sample_slip(), sample_company(), layout="receipt")
