"""What the A4 documents draw on every page around the body: the header (company and
logo, title, copy mark, the numbers line, "page x of y"), the how-to-complain footer, and
the 草稿/DRAFT mark of an unsealed slip (on the receipt too)."""

from __future__ import annotations

import logging

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from fieldapp.documents.kit.context import DocumentContext
from fieldapp.documents.kit.text import bold_text, escape
from fieldapp.documents.layout import (
    COPY_MARK_COLOUR,
    DRAFT_COLOUR,
    DRAFT_TEXT_COLOUR,
    MUTED_COLOUR,
    TEXT_COLOUR,
    Layout,
    fixed_page_height,
)

log = logging.getLogger("fieldapp.documents")


def _header_layout(ctx: DocumentContext) -> tuple[float, float, float]:
    spec = ctx.styles.layout
    top = fixed_page_height(spec) - spec.margin_top
    numbers_y = top - spec.header_height + 4.2 * 2.8346
    return top, numbers_y, spec.page_width - spec.margin_right


def draw_a4_header(canvas: Canvas, ctx: DocumentContext) -> None:
    spec, font, company = ctx.styles.layout, ctx.styles.font, ctx.company
    top, numbers_y, right = _header_layout(ctx)
    left = spec.margin_left
    canvas.saveState()
    text_left = left
    if company.logo_path:
        text_left = _draw_logo(canvas, company.logo_path, left, top - spec.logo_height, spec)
    # Company block, left.
    bold_text(
        canvas, font, spec.company_font_size, text_left, top - spec.company_font_size,
        ctx.issuer_name,
    )
    canvas.setFillColor(MUTED_COLOUR)
    canvas.setFont(font, spec.small_font_size + 0.5)
    lines = []
    if ctx.issuer_notice:  # said on every page, in the draft mark's colour
        canvas.setFillColor(DRAFT_TEXT_COLOUR)
        canvas.drawString(text_left, top - spec.company_font_size - spec.small_font_size - 5,
                          ctx.issuer_notice)
        canvas.setFillColor(MUTED_COLOUR)
        lines.append("")
    if company.hotline:
        lines.append(f"{ctx.t('hotline')}{ctx.colon}{company.hotline}")
    if company.address:
        lines.append(company.address)
    y = top - spec.company_font_size - spec.small_font_size - 5
    for line in lines:
        if line:
            canvas.drawString(text_left, y, line)
        y -= spec.small_font_size + 3
    # Title and copy mark, right.
    copy_text = ctx.copy_label
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
    bold_text(
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


def draw_page_number(canvas: Canvas, ctx: DocumentContext, page: int, total: int) -> None:
    spec = ctx.styles.layout
    _top, numbers_y, right = _header_layout(ctx)
    canvas.saveState()
    canvas.setFont(ctx.styles.font, spec.font_size)
    canvas.setFillColor(TEXT_COLOUR)
    canvas.drawRightString(right, numbers_y, ctx.t("page", page=str(page), total=str(total)))
    canvas.restoreState()


def draw_a4_footer(canvas: Canvas, ctx: DocumentContext) -> None:
    spec, s = ctx.styles.layout, ctx.styles
    text = Paragraph(escape(f"{ctx.complaint_text} {ctx.keep_note}"), s.note)
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


def draw_draft_mark(canvas: Canvas, ctx: DocumentContext, page_height: float) -> None:
    spec = ctx.styles.layout
    width = spec.page_width
    size = 96 if spec.two_columns else 40
    canvas.saveState()
    canvas.setFillColor(DRAFT_COLOUR)
    canvas.setFont(ctx.styles.font, size)
    canvas.translate(width / 2, min(page_height / 2, 260))
    canvas.rotate(35 if spec.two_columns else 20)
    canvas.drawCentredString(
        0, -size / 3, f"{ctx.t('draft')} {'DRAFT' if ctx.language == 'zh' else ''}".strip()
    )
    canvas.restoreState()


__all__ = ["draw_a4_footer", "draw_a4_header", "draw_draft_mark", "draw_page_number"]
