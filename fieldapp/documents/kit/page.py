"""Page layout: A4 pages with their furniture (`kit.furniture`) on every page, and the
receipt roll; the PDF's metadata; one page builder for every document.

A4: the body flows through the frame between header and footer, "page x of y" is drawn
once the count is known. Receipt: one page as tall as its content (a longer one continues
on a page of the same width).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Spacer

import fieldapp
from fieldapp.base.i18n import pick
from fieldapp.documents.kit.context import DocumentContext
from fieldapp.documents.kit.furniture import (
    draw_a4_footer,
    draw_a4_header,
    draw_draft_mark,
    draw_page_number,
)
from fieldapp.documents.layout import MAX_PAGE_HEIGHT, Layout, fixed_page_height

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
        "title": pick(f"{ctx.title} {number}（{copy}）", f"{ctx.title} {number} ({copy})",
                      ctx.language),
        "author": ctx.issuer_name,
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
    height = fixed_page_height(spec)
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
    "join_blocks",
    "metadata",
    "numbered_canvas",
    "render",
]
