"""Render a service slip (服务单据) as a PDF: A4 portrait or an 80 mm receipt roll.

The A4 copy repeats its header (company, title, copy mark, numbers, "第 x 页 / 共 y 页")
and footer (how to complain, R5) on every page; long fault and handling texts flow onto
further pages. The receipt is one long page as tall as its content. An unsealed slip
carries a 草稿/DRAFT mark and no QR code. The page layout is the toolkit's (`kit.page`);
the blocks are `slip_blocks`. See docs/documents.md.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Flowable

from fieldapp.base.i18n import Language
from fieldapp.documents import slip_blocks as blocks
from fieldapp.documents.kit import blocks as kit
from fieldapp.documents.kit import check_options, page
from fieldapp.documents.model import CompanyInfo, SlipDocument
from fieldapp.documents.payload import pdf_keywords, pdf_subject, stamp_digest
from fieldapp.documents.picture_page import pictures_block
from fieldapp.documents.slip_blocks import SlipContext


def render_slip_pdf(
    doc: SlipDocument,
    company: CompanyInfo,
    *,
    layout: str = "a4",
    copy: str = "customer",
    language: Language = "zh",
    font: str | Path | None = None,
) -> bytes:
    """The slip as PDF bytes. `layout` is a4 or receipt, `copy` customer or company (any
    other name: `DocumentError`); `font` overrides the font search (see fonts.py)."""
    options = check_options(layout=layout, copy=copy, language=language, font=font)
    ctx = blocks.slip_context(doc, company, options)
    meta = page.metadata(ctx, doc.slip_number, subject=pdf_subject(doc.slip_number, doc.seal),
                         keywords=pdf_keywords(doc.slip_number, doc.seal))
    return stamp_digest(page.render(ctx, _story(ctx), meta))


def _story(ctx: SlipContext) -> list[Flowable]:
    parts: list[list[Flowable]] = [
        blocks.customer_block(ctx),
        blocks.device_block(ctx),
        blocks.times_block(ctx),
        blocks.texts_block(ctx),
        blocks.fees_block(ctx),
        blocks.signatures_block(ctx),
        blocks.seal_block(ctx),
        pictures_block(ctx, ctx.doc),  # empty unless the copy carries pictures
    ]
    parts = [part for part in parts if part]
    if ctx.receipt:
        parts = [kit.receipt_header(ctx), *parts, kit.receipt_footer(ctx)]
    return page.join_blocks(ctx, parts)
