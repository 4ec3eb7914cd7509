"""The customer copy's optional pictures page (issue 21): each picture with its kind,
caption and capture time on a page after the seal; off by default; one line on the
receipt; the copy still verifies as printed."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime

import pypdfium2 as pdfium
from PIL import Image

from fieldapp.documents import render_slip_pdf
from fieldapp.documents.model import PictureView
from fieldapp.documents.sample import sample_company, sample_slip
from tests.documents.conftest import pdf_text


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 400), (20, 120, 160)).save(out, "JPEG")
    return out.getvalue()


PICTURES = (
    PictureView("维修前", "Before", "卡纸位置", datetime(2026, 11, 24, 3, 5, tzinfo=UTC),
                "a.jpg", _jpeg()),
    PictureView("更换部件", "Part", "更换的搓纸轮", None, "b.jpg", _jpeg()),
    PictureView("其他", "Other", "", None, "检测报告.pdf", None),
)


def test_the_pictures_page_lists_each_with_kind_caption_and_time(tmp_path):
    doc = replace(sample_slip(), pictures=PICTURES)
    pdf = render_slip_pdf(doc, sample_company())
    assert len(pdfium.PdfDocument(pdf)) == len(pdfium.PdfDocument(
        render_slip_pdf(sample_slip(), sample_company()))) + 1
    last = pdf_text(pdf, tmp_path, page=len(pdfium.PdfDocument(pdf)))
    for text in ("现场图片", "维修前", "卡纸位置", "拍摄时间：2026-11-2411:05", "更换部件",
                 "检测报告.pdf"):
        assert text in last, text
    english = pdf_text(render_slip_pdf(doc, sample_company(), language="en"), tmp_path)
    assert "Before" in english and "Taken" in english


def test_the_receipt_says_how_many(tmp_path):
    doc = replace(sample_slip(), pictures=PICTURES)
    text = pdf_text(render_slip_pdf(doc, sample_company(), layout="receipt"), tmp_path)
    assert "本单附图片/文件3个" in text
