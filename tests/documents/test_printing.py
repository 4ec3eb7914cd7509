"""Printing through CUPS: a real, private cupsd (tests/private_cups.py) whose queue writes
the PDF to a file, read back with pdftotext."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldapp.documents import PrintError, default_printer, list_printers, print_pdf
from tests.private_cups import QUEUE, Cups, private_cups

from .conftest import pdf_text


@pytest.fixture(scope="module")
def cups() -> Iterator[Cups]:
    with private_cups() as server:
        yield server


@pytest.fixture
def use_cups(cups: Cups, monkeypatch: pytest.MonkeyPatch) -> Cups:
    monkeypatch.setenv("CUPS_SERVER", str(cups.socket))
    monkeypatch.delenv("LPDEST", raising=False)
    monkeypatch.delenv("PRINTER", raising=False)
    cups.empty_output()
    return cups


def test_printed_copy_keeps_its_chinese_text(use_cups: Cups, a4_pdf: bytes, tmp_path: Path) -> None:
    assert QUEUE in list_printers()
    job = print_pdf(a4_pdf, printer=QUEUE, title="服务单据 S-E07-20261125-003")
    assert job.startswith(QUEUE)
    use_cups.wait_for_jobs()
    text = pdf_text(use_cups.output, tmp_path)
    for expected in ("服务单据", "客户联", "天津滨海新区港航物流有限公司", "叁佰伍拾元整"):
        assert expected in text


def test_printing_a_pdf_file_by_path(use_cups: Cups, a4_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "copy.pdf"
    path.write_bytes(a4_pdf)
    print_pdf(path, printer=QUEUE, title="copy")
    use_cups.wait_for_jobs()
    assert "故障现象" in pdf_text(use_cups.output, tmp_path)


def test_default_printer_is_used_when_none_is_named(
    use_cups: Cups, a4_pdf: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LPDEST", QUEUE)
    assert default_printer() == QUEUE
    assert print_pdf(a4_pdf, printer=None, title="copy").startswith(QUEUE)
    use_cups.wait_for_jobs()


def test_unknown_printer_is_named_in_the_error(use_cups: Cups, a4_pdf: bytes) -> None:
    with pytest.raises(PrintError) as info:
        print_pdf(a4_pdf, printer="no_such_printer", title="copy")
    assert "no_such_printer" in info.value.message("zh")
    assert QUEUE in info.value.message("en")  # lists what is available


def test_no_printer_at_all_is_a_clear_error(use_cups: Cups, a4_pdf: bytes) -> None:
    assert default_printer() is None
    with pytest.raises(PrintError) as info:
        print_pdf(a4_pdf, printer=None, title="copy")
    assert "No printer" in info.value.message("en")


def test_refused_job_is_reported(use_cups: Cups, a4_pdf: bytes) -> None:
    assert use_cups.run("cupsreject", QUEUE).returncode == 0
    try:
        with pytest.raises(PrintError) as info:
            print_pdf(a4_pdf, printer=QUEUE, title="copy")
        assert "refused" in info.value.message("en")
    finally:
        use_cups.run("cupsaccept", QUEUE)


def test_missing_lp_is_a_clear_error(
    a4_pdf: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PrintError) as info:
        print_pdf(a4_pdf, printer="any", title="copy")
    assert "cups-client" in info.value.message("en")
    assert list_printers() == []


def test_copies_must_be_positive(a4_pdf: bytes) -> None:
    with pytest.raises(PrintError):
        print_pdf(a4_pdf, printer="any", copies=0, title="copy")


def test_fieldapp_print_sends_a_stored_slip_through_cups_and_counts_it(
    use_cups: Cups, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from fieldapp.cli import cli

    runner = CliRunner()
    data = ["--data-dir", str(tmp_path / "data")]
    assert runner.invoke(cli, [*data, "demo", "--requests", "8"]).exit_code == 0
    listed = runner.invoke(cli, [*data, "slips", "list", "--status", "sealed", "--json"])
    number = json.loads(listed.output)[0]["number"]
    result = runner.invoke(cli, [*data, "print", number, "--printer", QUEUE, "--copies", "2"])
    assert result.exit_code == 0, result.output
    use_cups.wait_for_jobs()
    text = pdf_text(use_cups.output, tmp_path)
    assert "服务单据" in text and number in text and "客户联" in text
    shown = json.loads(runner.invoke(cli, [*data, "slips", "show", number, "--json"]).output)
    assert shown["copies_printed"] == 2
