"""Page layout: the A4 page with its furniture on every page, and the receipt roll.

A4: header (company, title, copy mark, the numbers line and "page x of y"), the how-to-
complain footer, the draft mark; the body flows through the frame between them. Receipt:
one page as tall as its content (a longer one continues on a page of the same width).
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer

import fieldapp
from fieldapp.documents.kit.context import DocumentContext
from fieldapp.documents.kit.text import bold_text, escape
from fieldapp.documents.layout import (
    COPY_MARK_COLOUR,
    DRAFT_COLOUR,
    MAX_PAGE_HEIGHT,
    MUTED_COLOUR,
    TEXT_COLOUR,
    Layout,
)

log = logging.getLogger("fieldapp.documents")

Metadata = dict[str, Any]  # BaseDocTemplate's keyword arguments: title, author, …
PageDraw = Callable[[Canvas, BaseDocTemplate], None]  # a page's furniture
PageNumberDraw = Callable[[Canvas, int, int], None]  # (canvas, page, total pages)


def join_blocks(ctx: DocumentContext, blocks: Sequence[Sequence[Flowable]]) -> list[Flowable]:
    """The blocks one after another, a section gap between them."""
    story: list[Flowable] = []
    for block in blocks:
        if story:
            story.append(Spacer(1, ctx.styles.layout.section_gap))
        story += block
    return story


def metadata(ctx: DocumentContext, number: str, *, subject: str, keywords: str) -> Metadata:
    copy = ctx.copy_label
    return {
        "title": f"{ctx.title} {number}（{copy}）" if ctx.language == "zh"
        else f"{ctx.title} {number} ({copy})",
        "author": ctx.company.name,
        "subject": subject,
        "keywords": keywords,
        "creator": f"fieldapp {fieldapp.__version__}",
        "lang": "zh-CN" if ctx.language == "zh" else "en",
        # Else every page names Helvetica (never embedded) as its starting font.
        "initialFontName": ctx.styles.font,
        "initialFontSize": ctx.styles.layout.font_size,
    }


def render(ctx: DocumentContext, story: list[Flowable], meta: Metadata) -> bytes:
    """The story on A4 pages or the receipt roll, as the context's layout says."""
    buffer = io.BytesIO()
    if ctx.receipt:
        build_receipt(buffer, ctx, story, meta)
    else:
        build_a4(buffer, ctx, story, meta)
    return buffer.getvalue()


# --- A4: header and footer on every page, page x of y -------------------------------


def build_a4(buffer: io.BytesIO, ctx: DocumentContext, story: list[Flowable],
             meta: Metadata) -> None:
    spec = ctx.styles.layout
    height = page_height(spec)
    frame = body_frame(
        spec.margin_left,
        spec.margin_bottom + spec.footer_height,
        spec.frame_width,
        height - spec.margin_top - spec.header_height - spec.margin_bottom - spec.footer_height,
    )

    def on_page(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        draw_a4_header(canvas, ctx)
        draw_a4_footer(canvas, ctx)
        if ctx.draft:
            draw_draft_mark(canvas, ctx, height)

    build_pages(buffer, story, spec, height, frame, on_page, meta,
                page_number=lambda c, n, t: draw_page_number(c, ctx, n, t))


def body_frame(x: float, y: float, width: float, height: float) -> Frame:
    """Where the story flows: no padding, so the blocks' own rules sit on the margins."""
    return Frame(x, y, width, height, leftPadding=0, rightPadding=0, topPadding=0,
                 bottomPadding=0, id="body")


def build_pages(buffer: io.BytesIO, story: list[Flowable], spec: Layout, height: float,
                frame: Frame, on_page: PageDraw, meta: Metadata, *,
                page_number: PageNumberDraw | None = None) -> None:
    """The story through `frame` on pages `spec.page_width` × `height`; `on_page` draws
    each page's furniture, `page_number` (when given) "page x of y" once the count is known."""
    template = BaseDocTemplate(
        buffer,
        pagesize=(spec.page_width, height),
        leftMargin=spec.margin_left,
        rightMargin=spec.margin_right,
        topMargin=spec.margin_top,
        bottomMargin=spec.margin_bottom,
        **meta,
    )
    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page)])
    if page_number is None:
        template.build(story)
    else:
        template.build(story, canvasmaker=numbered_canvas(page_number))


def page_height(spec: Layout) -> float:
    """The fixed page height of a layout (A4); the receipt's is set per document."""
    if spec.page_height is None:
        raise ValueError(f"layout {spec.name} has no fixed page height")
    return spec.page_height


def numbered_canvas(draw: PageNumberDraw) -> type[Canvas]:
    """A canvas that holds pages back until the end, so each can say "of N"."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held_pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # ReportLab's, not in its stubs

        def save(self) -> None:
            total = len(self._held_pages)
            for state in self._held_pages:
                self.__dict__.update(state)
                draw(self, self.getPageNumber(), total)
                super().showPage()
            super().save()

    return NumberedCanvas


def _header_layout(ctx: DocumentContext) -> tuple[float, float, float]:
    spec = ctx.styles.layout
    top = page_height(spec) - spec.margin_top
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


# --- receipt: one page as tall as the content -------------------------------------


def build_receipt(buffer: io.BytesIO, ctx: DocumentContext, story: list[Flowable],
                  meta: Metadata) -> None:
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
    frame = body_frame(spec.margin_left, spec.margin_bottom, width,
                       page_height - spec.margin_top - spec.margin_bottom)

    def on_page(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        if ctx.draft:
            draw_draft_mark(canvas, ctx, page_height)

    build_pages(buffer, story, spec, page_height, frame, on_page, meta)


__all__ = [
    "Metadata",
    "PageDraw",
    "PageNumberDraw",
    "body_frame",
    "build_a4",
    "build_pages",
    "build_receipt",
    "draw_a4_footer",
    "draw_a4_header",
    "draw_draft_mark",
    "draw_page_number",
    "join_blocks",
    "metadata",
    "numbered_canvas",
    "page_height",
    "render",
]
