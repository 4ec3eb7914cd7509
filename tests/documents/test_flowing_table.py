"""`FlowingTable`: ReportLab's Table when it fits, split across pages only when it must."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table

from fieldapp.documents.kit import Command, FlowingTable

from .conftest import pdf_text

STYLE = ParagraphStyle("t", fontName="Helvetica", fontSize=9, leading=11)
PAGE = (300.0, 300.0)  # a small page: about 17 rows of one line each fit in its frame
WIDTHS = [60.0, 90.0, 90.0]
GRID: list[Command] = [("GRID", (0, 0), (-1, -1), 0.5, "black"),
                       ("SPAN", (0, 0), (0, -1)),  # the section's name beside every row
                       ("BACKGROUND", (1, 0), (-1, 0), "lightgrey")]


def rows(count: int, text: str = "value") -> list[list[object]]:
    body = [["Section" if i == 0 else "", Paragraph(f"label {i}", STYLE),
             Paragraph(f"{text} {i}", STYLE)] for i in range(count)]
    body[0][1:] = [Paragraph("Header A", STYLE), Paragraph("Header B", STYLE)]
    return body


def build(*story: Flowable) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=PAGE, leftMargin=20, rightMargin=20, topMargin=20,
                      bottomMargin=20, invariant=1).build(list(story))
    return buffer.getvalue()


def section(count: int, text: str = "value") -> FlowingTable:
    return FlowingTable(rows(count, text), WIDTHS, GRID, repeat_rows=1, section_column=True)


def test_a_table_that_fits_is_drawn_exactly_as_reportlab_draws_it() -> None:
    plain = Table(rows(8), colWidths=WIDTHS, style=GRID)
    assert build(section(8)) == build(plain)


def test_a_table_that_fits_on_the_next_page_moves_there_whole(tmp_path: Path) -> None:
    pdf = build(Spacer(1, 200), section(8))
    assert "label" not in pdf_text(pdf, tmp_path, page=1)
    assert "value7" in pdf_text(pdf, tmp_path, page=2)


def test_a_table_taller_than_a_page_splits_between_rows_repeating_header_and_section(
        tmp_path: Path) -> None:
    pdf = build(section(60))
    pages = [pdf_text(pdf, tmp_path, page=n + 1) for n in range(len(pdfium.PdfDocument(pdf)))]
    assert len(pages) > 2
    for text in pages:
        assert text.startswith("Section") or "HeaderAHeaderB" in text
        assert "HeaderAHeaderB" in text
    assert "value59" in pages[-1]
    assert all(f"value{i}" in "".join(pages) for i in range(1, 60))


def test_a_row_taller_than_a_page_continues_inside_its_cell_on_the_next_page(
        tmp_path: Path) -> None:
    long_text = " ".join(f"word{i}" for i in range(400)) + " THE-END"
    table = FlowingTable([["Section", Paragraph("Text", STYLE), Paragraph(long_text, STYLE)]],
                         WIDTHS, GRID, section_column=True)
    pdf = build(table)
    assert len(pdfium.PdfDocument(pdf)) > 2
    text = pdf_text(pdf, tmp_path)
    assert "THE-END" in text
    assert all(f"word{i}" in text for i in range(400))
