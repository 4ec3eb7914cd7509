"""`fieldapp pdf` writes the customer copy of a stored slip; `verify` accepts the PDF."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from fieldapp.cli import cli

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext missing (apt install poppler-utils)")


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()
    data = ["--data-dir", str(tmp_path / "data")]
    assert runner.invoke(cli, [*data, "demo", "--requests", "8"]).exit_code == 0
    return lambda *args: runner.invoke(cli, [*data, *args])


def sealed_number(run) -> str:
    return json.loads(run("slips", "list", "--status", "sealed", "--json").output)[0]["number"]


def text_of(path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         check=True)
    return "".join(out.stdout.decode("utf-8").split())


@pytest.mark.parametrize("layout", ["a4", "receipt"])
def test_pdf_of_a_stored_slip_has_its_content(run, tmp_path, layout):
    number = sealed_number(run)
    out = tmp_path / f"{layout}.pdf"
    result = run("pdf", number, "-o", str(out), "--layout", layout)
    assert result.exit_code == 0, result.output
    shown = json.loads(run("slips", "show", number, "--json").output)
    text = text_of(out)
    for expected in ("服务单据", "客户联", number, shown["customer"], shown["fault_found"]):
        assert "".join(expected.split()) in text


def test_company_copy_is_marked(run, tmp_path):
    out = tmp_path / "company.pdf"
    assert run("pdf", sealed_number(run), "-o", str(out), "--copy", "company").exit_code == 0
    assert "存根联" in text_of(out)


def test_verify_accepts_the_pdf_and_catches_a_seal_that_differs(run, tmp_path):
    number = sealed_number(run)
    out = tmp_path / "copy.pdf"
    run("pdf", number, "-o", str(out))
    assert run("verify", str(out)).exit_code == 0
    other = json.loads(run("slips", "list", "--status", "sealed", "--json").output)[1]["number"]
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(out.read_bytes().replace(number.encode(), other.encode()))
    result = run("verify", str(forged))
    assert result.exit_code == 1 and "封存码与存档不符" in result.output


def test_pdf_of_an_unknown_slip_fails_cleanly(run, tmp_path):
    result = run("pdf", "S-X-20260101-001", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and "找不到服务单" in result.output
    assert not (tmp_path / "x.pdf").exists()
