"""How long a customer copy takes to render (not collected by pytest).

Part of the suite (``python -m tests.benchmarks``); alone:

    .venv/bin/python -m tests.benchmarks.bench_documents [--runs N]

Prints the median time per A4 copy (and per receipt) against a bare ReportLab page
holding the same text in the same font, and the time per QR code drawn with segno
rectangles against ReportLab's own QR widget.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import io
import itertools

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from fieldapp.documents import qr_payload, register_cjk_font, render_slip_pdf
from fieldapp.documents.qr import draw_qr
from fieldapp.documents.sample import SAMPLE_SEAL, sample_company, sample_slip
from tests.benchmarks.common import Row, median_ms


def bare_page(font: str) -> bytes:
    """The slip's text as plain paragraphs on one A4 page: the floor for ReportLab."""
    doc = sample_slip()
    style = ParagraphStyle("b", fontName=font, fontSize=9, leading=12.6, wordWrap="CJK")
    texts = [
        doc.slip_number,
        doc.request_number,
        doc.customer_name,
        doc.contact_name,
        doc.contact_phone,
        doc.site_name,
        doc.site_address,
        doc.device.model,
        doc.fault_reported,
        doc.fault_found,
        doc.handling,
        *(line.description for line in doc.fee_lines),
        SAMPLE_SEAL,
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build([Paragraph(t, style) for t in texts])
    return buffer.getvalue()


def qr_segno() -> None:
    canvas = Canvas(io.BytesIO())
    draw_qr(
        canvas, qr_payload("S-E07-20261125-003", SAMPLE_SEAL, "https://fw.example.cn/v"), 0, 0, 80
    )
    canvas.save()


def qr_reportlab() -> None:
    canvas = Canvas(io.BytesIO())
    widget = QrCodeWidget(qr_payload("S-E07-20261125-003", SAMPLE_SEAL, "https://fw.example.cn/v"))
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(80, 80, transform=[80 / (x2 - x1), 0, 0, 80 / (y2 - y1), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, 0, 0)
    canvas.save()


def run(runs: int = 30) -> list[Row]:
    """The A4 customer copy (two signatures, QR) against a bare page with the same text."""
    font = register_cjk_font()
    doc, company = sample_slip(), sample_company()
    signatures = len(doc.signatures)
    seals = (hashlib.sha256(str(i).encode()).hexdigest() for i in itertools.count())
    # a new seal (so a new QR code) every time: the first render of a slip, not a cached one
    a4 = median_ms(lambda: render_slip_pdf(dataclasses.replace(doc, seal=next(seals)),
                                           company), runs)
    bare = median_ms(lambda: bare_page(font), runs)
    receipt = median_ms(lambda: render_slip_pdf(dataclasses.replace(doc, seal=next(seals)),
                                                company, layout="receipt"), runs)
    note = f"sample slip, {signatures} signatures, QR"
    return [
        Row("render customer copy (A4)", None, a4, "ms", floor=bare,
            floor_name="bare ReportLab page", target=60.0, runs=runs, note=note),
        Row("render receipt copy (80 mm)", None, receipt, "ms", floor=bare,
            floor_name="bare ReportLab page", runs=runs, note="informational"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    font = register_cjk_font()
    doc, company = sample_slip(), sample_company()
    print(f"median of {runs} runs")
    seals = (hashlib.sha256(str(i).encode()).hexdigest() for i in itertools.count())
    # a new seal (so a new QR code) every time: the first render of a slip, not a cached one
    a4 = median_ms(lambda: render_slip_pdf(dataclasses.replace(doc, seal=next(seals)),
                                           company), runs)
    receipt = median_ms(lambda: render_slip_pdf(dataclasses.replace(doc, seal=next(seals)),
                                                company, layout="receipt"), runs)
    bare = median_ms(lambda: bare_page(font), runs)
    print(f"A4 customer copy          {a4:7.1f} ms")
    print(f"80 mm receipt copy        {receipt:7.1f} ms")
    print(f"bare ReportLab page       {bare:7.1f} ms  (same text and font, no layout)")
    segno_ms = median_ms(qr_segno, runs)
    widget_ms = median_ms(qr_reportlab, runs)
    print(f"QR segno rectangles       {segno_ms:7.1f} ms")
    print(f"QR ReportLab widget       {widget_ms:7.1f} ms")


if __name__ == "__main__":
    main()
