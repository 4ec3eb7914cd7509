"""Render a service slip (服务单据) as a PDF: A4 portrait or an 80 mm receipt roll.

The A4 copy repeats its header (company, title, copy mark, numbers, "第 x 页 / 共 y 页")
and footer (how to complain, R5) on every page; long fault and handling texts flow onto
further pages. The receipt is one long page as tall as its content. An unsealed slip
carries a 草稿/DRAFT mark and no QR code. See docs/documents.md.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer

import fieldapp
from fieldapp.documents import slip_blocks as blocks
from fieldapp.documents.errors import DocumentError
from fieldapp.documents.fonts import register_cjk_font
from fieldapp.documents.layout import (
    COPY_MARK_COLOUR,
    DRAFT_COLOUR,
    LAYOUTS,
    MAX_PAGE_HEIGHT,
    MUTED_COLOUR,
    TEXT_COLOUR,
    Layout,
)
from fieldapp.documents.model import CompanyInfo, SlipDocument
from fieldapp.documents.payload import pdf_keywords, pdf_subject, stamp_digest
from fieldapp.documents.slip_blocks import SlipContext
from fieldapp.documents.styles import make_styles
from fieldapp.i18n import Language

log = logging.getLogger("fieldapp.documents")

LayoutName = Literal["a4", "receipt"]
CopyName = Literal["customer", "company"]


def render_slip_pdf(
    doc: SlipDocument,
    company: CompanyInfo,
    *,
    layout: LayoutName = "a4",
    copy: CopyName = "customer",
    language: Language = "zh",
    font: str | Path | None = None,
) -> bytes:
    """The slip as PDF bytes. `font` overrides the font search (see fonts.py)."""
    if layout not in LAYOUTS:
        raise DocumentError(f"未知的版式：{layout}", f"Unknown layout: {layout}")
    if copy not in ("customer", "company"):
        raise DocumentError(f"未知的联次：{copy}", f"Unknown copy: {copy}")
    if language not in ("zh", "en"):
        raise DocumentError(f"不支持的语言：{language}", f"Unsupported language: {language}")
    spec = LAYOUTS[layout]
    styles = make_styles(spec, register_cjk_font(font), language)
    ctx = SlipContext(doc=doc, company=company, styles=styles, language=language, copy=copy)
    story = _story(ctx)
    buffer = io.BytesIO()
    metadata = {
        "title": f"{ctx.t('title')} {doc.slip_number}（{blocks.copy_label(ctx)}）"
        if language == "zh"
        else f"{ctx.t('title')} {doc.slip_number} ({blocks.copy_label(ctx)})",
        "author": company.name,
        "subject": pdf_subject(doc.slip_number, doc.seal),
        "keywords": pdf_keywords(doc.slip_number, doc.seal),
        "creator": f"fieldapp {fieldapp.__version__}",
        "lang": "zh-CN" if language == "zh" else "en",
        # Else every page names Helvetica (never embedded) as its starting font.
        "initialFontName": styles.font,
        "initialFontSize": spec.font_size,
    }
    if spec.page_height is None:
        _build_receipt(buffer, ctx, story, metadata)
    else:
        _build_a4(buffer, ctx, story, metadata)
    return stamp_digest(buffer.getvalue())


def _story(ctx: SlipContext) -> list[Flowable]:
    gap = ctx.styles.layout.section_gap
    parts: list[list[Flowable]] = []
    if ctx.receipt:
        parts.append(blocks.receipt_header(ctx))
    parts += [
        blocks.customer_block(ctx),
        blocks.device_block(ctx),
        blocks.times_block(ctx),
        blocks.texts_block(ctx),
        blocks.fees_block(ctx),
        blocks.signatures_block(ctx),
        blocks.seal_block(ctx),
    ]
    if ctx.receipt:
        parts.append(blocks.receipt_footer(ctx))
    story: list[Flowable] = []
    for part in parts:
        if story:
            story.append(Spacer(1, gap))
        story += part
    return story


# --- A4: header and footer on every page, page x of y -------------------------------
# The workflow documents (workflow_pdf.py) build with the same furniture: their context
# answers title, subtitle, numbers, draft, copy, company and styles like SlipContext.


def _build_a4(buffer: io.BytesIO, ctx: SlipContext, story: list[Flowable], meta: dict) -> None:
    spec = ctx.styles.layout
    assert spec.page_height is not None
    frame = Frame(
        spec.margin_left,
        spec.margin_bottom + spec.footer_height,
        spec.frame_width,
        spec.page_height
        - spec.margin_top
        - spec.header_height
        - spec.margin_bottom
        - spec.footer_height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )

    def on_page(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        _draw_a4_header(canvas, ctx)
        _draw_a4_footer(canvas, ctx)
        if ctx.draft:
            _draw_draft_mark(canvas, ctx)

    template = BaseDocTemplate(
        buffer,
        pagesize=(spec.page_width, spec.page_height),
        leftMargin=spec.margin_left,
        rightMargin=spec.margin_right,
        topMargin=spec.margin_top,
        bottomMargin=spec.margin_bottom,
        **meta,
    )
    template.addPageTemplates([PageTemplate(id="slip", frames=[frame], onPage=on_page)])
    template.build(
        story, canvasmaker=_numbered_canvas(lambda c, n, t: _draw_page_number(c, ctx, n, t))
    )


def _numbered_canvas(draw: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    """A canvas that holds pages back until the end, so each can say "of N"."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self._held_pages: list[dict] = []

        def showPage(self) -> None:
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held_pages)
            for state in self._held_pages:
                self.__dict__.update(state)
                draw(self, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def _header_layout(ctx: SlipContext) -> tuple[float, float, float]:
    spec = ctx.styles.layout
    assert spec.page_height is not None
    top = spec.page_height - spec.margin_top
    numbers_y = top - spec.header_height + 4.2 * 2.8346
    return top, numbers_y, spec.page_width - spec.margin_right


def _draw_a4_header(canvas: Canvas, ctx: SlipContext) -> None:
    spec, font, company = ctx.styles.layout, ctx.styles.font, ctx.company
    top, numbers_y, right = _header_layout(ctx)
    left = spec.margin_left
    canvas.saveState()
    text_left = left
    if company.logo_path:
        text_left = _draw_logo(canvas, company.logo_path, left, top - spec.logo_height, spec)
    # Company block, left.
    _bold_text(
        canvas, font, spec.company_font_size, text_left, top - spec.company_font_size, company.name
    )
    canvas.setFillColor(MUTED_COLOUR)
    canvas.setFont(font, spec.small_font_size + 0.5)
    lines = []
    if company.hotline:
        lines.append(f"{ctx.t('hotline')}{ctx.colon}{company.hotline}")
    if company.address:
        lines.append(company.address)
    y = top - spec.company_font_size - spec.small_font_size - 5
    for line in lines:
        canvas.drawString(text_left, y, line)
        y -= spec.small_font_size + 3
    # Title and copy mark, right.
    copy_text = blocks.copy_label(ctx)
    mark_size = spec.label_font_size + 2
    mark_w = canvas.stringWidth(copy_text, font, mark_size) + 10
    mark_h = mark_size + 7
    mark_x = right - mark_w
    mark_y = top - mark_h + 1
    canvas.setStrokeColor(COPY_MARK_COLOUR)
    canvas.setFillColor(COPY_MARK_COLOUR)
    canvas.setLineWidth(1.1)
    canvas.roundRect(mark_x, mark_y, mark_w, mark_h, 2, stroke=1, fill=0)
    canvas.setFont(font, mark_size)
    canvas.drawCentredString(mark_x + mark_w / 2, mark_y + 4.6, copy_text)
    title_right = mark_x - 8
    _bold_text(
        canvas,
        font,
        spec.title_font_size,
        title_right - canvas.stringWidth(ctx.title, font, spec.title_font_size),
        top - spec.title_font_size + 1,
        ctx.title,
    )
    canvas.setFillColor(MUTED_COLOUR)
    canvas.setFont(font, spec.small_font_size)
    canvas.drawRightString(title_right, top - spec.title_font_size - 9, ctx.subtitle)
    # Numbers line and rule.
    canvas.setFillColor(TEXT_COLOUR)
    canvas.setFont(font, spec.font_size)
    canvas.drawString(left, numbers_y, ctx.numbers)
    canvas.setStrokeColor(spec.rule_colour)
    canvas.setLineWidth(1.2)
    canvas.line(left, numbers_y - 5, right, numbers_y - 5)
    canvas.restoreState()


def _draw_page_number(canvas: Canvas, ctx: SlipContext, page: int, total: int) -> None:
    spec = ctx.styles.layout
    _top, numbers_y, right = _header_layout(ctx)
    canvas.saveState()
    canvas.setFont(ctx.styles.font, spec.font_size)
    canvas.setFillColor(TEXT_COLOUR)
    canvas.drawRightString(right, numbers_y, ctx.t("page", page=str(page), total=str(total)))
    canvas.restoreState()


def _draw_a4_footer(canvas: Canvas, ctx: SlipContext) -> None:
    spec, s = ctx.styles.layout, ctx.styles
    keep = ctx.t("keep_copy" if ctx.copy == "customer" else "keep_stub")
    text = Paragraph(blocks.escape(f"{blocks.complaint_text(ctx)} {keep}"), s.note)
    _w, h = text.wrap(spec.frame_width, spec.footer_height)
    top = spec.margin_bottom + spec.footer_height - 6
    canvas.saveState()
    canvas.setStrokeColor(spec.rule_colour)
    canvas.setLineWidth(0.6)
    canvas.line(spec.margin_left, top, spec.page_width - spec.margin_right, top)
    canvas.restoreState()
    text.drawOn(canvas, spec.margin_left, top - 3 - h)


def _draw_logo(canvas: Canvas, path: str, x: float, y: float, spec: Layout) -> float:
    """Draw the logo; return where the text beside it starts."""
    try:
        image = ImageReader(path)
        width, height = image.getSize()
    except (OSError, ValueError) as exc:  # a broken logo must not stop a copy printing
        log.warning("logo %s not drawn: %s", path, exc)
        return x
    draw_w = spec.logo_height * width / height
    canvas.drawImage(image, x, y, draw_w, spec.logo_height, mask="auto")
    return x + draw_w + 6


def _bold_text(canvas: Canvas, font: str, size: float, x: float, y: float, text: str) -> None:
    """CJK fonts ship one weight: thicken by stroking the outline as well as filling."""
    canvas.saveState()
    canvas.setFillColor(TEXT_COLOUR)
    canvas.setStrokeColor(TEXT_COLOUR)
    canvas.setLineWidth(size / 40)
    obj = canvas.beginText(x, y)
    obj.setFont(font, size)
    obj.setTextRenderMode(2)
    obj.textOut(text)
    canvas.drawText(obj)
    canvas.restoreState()


def _draw_draft_mark(canvas: Canvas, ctx: SlipContext) -> None:
    spec = ctx.styles.layout
    width = spec.page_width
    height = canvas._pagesize[1]
    size = 96 if spec.two_columns else 40
    canvas.saveState()
    canvas.setFillColor(DRAFT_COLOUR)
    canvas.setFont(ctx.styles.font, size)
    canvas.translate(width / 2, min(height / 2, 260))
    canvas.rotate(35 if spec.two_columns else 20)
    canvas.drawCentredString(
        0, -size / 3, f"{ctx.t('draft')} {'DRAFT' if ctx.language == 'zh' else ''}".strip()
    )
    canvas.restoreState()


# --- receipt: one page as tall as the content -------------------------------------


def _build_receipt(buffer: io.BytesIO, ctx: SlipContext, story: list[Flowable], meta: dict) -> None:
    spec = ctx.styles.layout
    width = spec.frame_width
    measuring = Canvas(io.BytesIO(), pagesize=(spec.page_width, MAX_PAGE_HEIGHT))
    content = 0.0
    for index, flowable in enumerate(story):
        _w, h = flowable.wrapOn(measuring, width, MAX_PAGE_HEIGHT)
        content += h + flowable.getSpaceAfter() + (flowable.getSpaceBefore() if index else 0)
    slack = 6.0
    page_height = min(
        MAX_PAGE_HEIGHT, math.ceil(content + spec.margin_top + spec.margin_bottom + slack)
    )
    frame = Frame(
        spec.margin_left,
        spec.margin_bottom,
        width,
        page_height - spec.margin_top - spec.margin_bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="roll",
    )

    def on_page(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        if ctx.draft:
            _draw_draft_mark(canvas, ctx)

    template = BaseDocTemplate(
        buffer,
        pagesize=(spec.page_width, page_height),
        leftMargin=spec.margin_left,
        rightMargin=spec.margin_right,
        topMargin=spec.margin_top,
        bottomMargin=spec.margin_bottom,
        **meta,
    )
    template.addPageTemplates([PageTemplate(id="roll", frames=[frame], onPage=on_page)])
    template.build(story)


build_a4 = _build_a4
build_receipt = _build_receipt
