"""Render a service analysis report (服务分析报告) as an A4 PDF.

Same fonts (`fonts.register_cjk_font`, embedded subset), styles, layout constants and
page numbering ("page x of y") as the slips; a report's own page furniture: the company
on the left, the report's title and customer on the right, a rule, and a footer with the
report number. A cover block with the key figures and the written observations comes
first, then one section per subject, each a chart and its table.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
)

import fieldapp
from fieldapp.base.i18n import Language, pick
from fieldapp.base.settings import VERIFY_PATH
from fieldapp.documents.fonts import register_cjk_font
from fieldapp.documents.kit import FlowingTable, bold_text, escape, page, para
from fieldapp.documents.layout import A4_LAYOUT, MUTED_COLOUR, TEXT_COLOUR, fixed_page_height
from fieldapp.documents.model import CompanyInfo
from fieldapp.documents.report_charts import PALETTE, chart_drawing
from fieldapp.documents.report_model import PictureLine, ReportDocument, SectionView, TableView
from fieldapp.documents.styles import Styles, make_styles

ACCENT = PALETTE[0]
HEADER_HEIGHT = 48.0
THUMB_HEIGHT = 40.0  # points: a row of small pictures under a finding
# A picture for a thumbnail by attachment id (small JPEG bytes), None when not at hand
PictureSource = Callable[[str], bytes | None]


def portal_address(company: CompanyInfo) -> str:
    """The portal's public origin, from the verify page's address when it is the portal's
    own (…/portal/verify); "" when not known: records are then named without links."""
    url = company.verify_url.strip().rstrip("/")
    return url[:-len(VERIFY_PATH)] if url.endswith(VERIFY_PATH) else ""


class _Pictures:
    """How picture lines print: links to the portal, thumbnails when pictures are given."""

    def __init__(self, styles: Styles, portal: str, source: PictureSource | None,
                 language: Language) -> None:
        self.styles, self.portal, self.source = styles, portal, source
        self.comma = pick("、", ", ", language)
        self.style = ParagraphStyle("report_pictures", parent=styles.value,
                                    textColor=TEXT_COLOUR, spaceBefore=2)

    def flowables(self, line: PictureLine, style: ParagraphStyle | None = None
                  ) -> list[Flowable]:
        links = self.comma.join(self._link(label, path) for label, path in line.links)
        text = escape(line.text)
        if links:
            text += "<br/>" + escape(line.links_label) + links + escape(line.more)
        out: list[Flowable] = [Paragraph(text, style or self.style)]
        row = self._thumbnails(line.thumbnails)
        if row is not None:
            out.append(row)
        return out

    def _link(self, label: str, path: str) -> str:
        if not self.portal:
            return escape(label)
        href = escape(self.portal + path, {'"': "&quot;"})
        return f'<a href="{href}" color="#{ACCENT.hexval()[2:]}"><u>{escape(label)}</u></a>'

    def _thumbnails(self, ids: tuple[str, ...]) -> Table | None:
        if self.source is None:
            return None
        images: list[Flowable] = []
        for attachment_id in ids:
            data = self.source(attachment_id)
            if not data:
                continue
            try:
                image = Image(io.BytesIO(data))
            except OSError:  # not a picture after all: left out
                continue
            ratio = image.imageWidth / image.imageHeight if image.imageHeight else 1
            image.drawHeight, image.drawWidth = THUMB_HEIGHT, THUMB_HEIGHT * ratio
            images.append(image)
        if not images:
            return None
        table = Table([images], hAlign="LEFT")
        table.setStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                        ("TOPPADDING", (0, 0), (-1, -1), 3),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 0)])
        return table


def _page_text(language: Language, page: int, total: int) -> str:
    return pick(f"第 {page} 页，共 {total} 页", f"Page {page} of {total}", language)


class _Furniture:
    def __init__(self, doc: ReportDocument, company: CompanyInfo, styles: Styles,
                 language: Language) -> None:
        self.doc, self.company, self.styles, self.language = doc, company, styles, language

    def page(self, canvas: Canvas, _template: BaseDocTemplate) -> None:
        spec, font = self.styles.layout, self.styles.font
        assert spec.page_height is not None
        top = spec.page_height - spec.margin_top
        left, right = spec.margin_left, spec.page_width - spec.margin_right
        canvas.saveState()
        bold_text(canvas, font, spec.company_font_size, left, top - spec.company_font_size,
                   self.company.name)
        canvas.setFont(font, spec.small_font_size + 0.5)
        canvas.setFillColor(MUTED_COLOUR)
        line = "    ".join(p for p in (self.company.hotline, self.company.address) if p)
        canvas.drawString(left, top - spec.company_font_size - 12, line)
        canvas.setFillColor(TEXT_COLOUR)
        canvas.setFont(font, spec.label_font_size + 1.5)
        canvas.drawRightString(right, top - spec.label_font_size - 1, self.doc.title)
        canvas.setFont(font, spec.small_font_size + 0.5)
        canvas.setFillColor(MUTED_COLOUR)
        canvas.drawRightString(right, top - spec.company_font_size - 12,
                               f"{self.doc.customer}  {self.doc.period}")
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(1.2)
        canvas.line(left, top - HEADER_HEIGHT + 14, right, top - HEADER_HEIGHT + 14)
        canvas.setStrokeColor(spec.rule_colour)
        canvas.setLineWidth(0.5)
        bottom = spec.margin_bottom + 14
        canvas.line(left, bottom, right, bottom)
        canvas.setFont(font, spec.small_font_size)
        canvas.drawString(left, bottom - 10, self.doc.footer)
        canvas.restoreState()

    def number(self, canvas: Canvas, page: int, total: int) -> None:
        spec = self.styles.layout
        canvas.saveState()
        canvas.setFont(self.styles.font, spec.small_font_size)
        canvas.setFillColor(MUTED_COLOUR)
        canvas.drawRightString(spec.page_width - spec.margin_right, spec.margin_bottom + 4,
                               _page_text(self.language, page, total))
        canvas.restoreState()


def _heading(styles: Styles, text: str) -> Paragraph:
    style = ParagraphStyle("report_heading", parent=styles.section, fontSize=11.5, leading=16,
                           textColor=ACCENT, spaceBefore=10, spaceAfter=4)
    return Paragraph(escape(text), style)


def _cover(doc: ReportDocument, styles: Styles, width: float) -> list[Flowable]:
    title = ParagraphStyle("report_title", parent=styles.title, fontSize=20, leading=28)
    sub = ParagraphStyle("report_sub", parent=styles.center, fontSize=10.5, leading=15,
                         textColor=MUTED_COLOUR)
    out: list[Flowable] = [Spacer(1, 4), Paragraph(escape(doc.title), title),
                           Paragraph(escape(f"{doc.customer} · {doc.kind}"), sub),
                           Paragraph(escape(doc.period), sub), Spacer(1, 4),
                           Paragraph(escape(doc.reason), styles.small_center), Spacer(1, 10)]
    boxes = list(doc.key_figures)
    per_row = 4
    value_style = ParagraphStyle("kpi_value", parent=styles.center, fontSize=15, leading=19,
                                 textColor=ACCENT)
    rows = []
    for start in range(0, len(boxes), per_row):
        chunk = boxes[start:start + per_row] + [("", "")] * (per_row - len(boxes[start:]))
        rows.append([Paragraph(escape(value), value_style) for _label, value in chunk[:per_row]])
        rows.append([Paragraph(escape(label), styles.label_center) for label, _v in
                     chunk[:per_row]])
    if rows:
        table = Table(rows, colWidths=[width / per_row] * per_row)
        commands: list[tuple[Any, ...]] = [("FONT", (0, 0), (-1, -1), styles.font),
                                 ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                 ("TOPPADDING", (0, 0), (-1, -1), 3),
                                 ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
        for r in range(0, len(rows), 2):
            commands += [("BACKGROUND", (0, r), (-1, r + 1), styles.layout.label_background),
                         ("LINEBELOW", (0, r + 1), (-1, r + 1), 3, colors.white)]
        commands.append(("LINEAFTER", (0, 0), (-2, -1), 3, colors.white))
        table.setStyle(commands)
        out.append(table)
    return out


def _table(view: TableView, styles: Styles, width: float,
           pictures: _Pictures | None = None) -> FlowingTable:
    right = ParagraphStyle("cell_right", parent=styles.value, alignment=TA_RIGHT)
    head = [Paragraph(escape(h), styles.label) for h in view.header]
    body: list[list[Any]] = [[para(cell, right if i >= view.numeric_from else styles.value)
                              for i, cell in enumerate(row)] for row in view.rows]
    for row, line in zip(body, view.pictures, strict=False):
        if line is not None and pictures is not None:  # under the row's last column
            row[-1] = [row[-1], *pictures.flowables(line)]
    # one ratio per column, whatever the view gave: a column without one would run off
    # the page (ReportLab sizes it on its own)
    ratios = tuple(view.widths[:len(view.header)]) + (1.0,) * (len(view.header)
                                                               - len(view.widths))
    total = sum(ratios)
    if len(view.header) == 2:  # a list of items and counts reads better narrow
        width *= 0.62
    return FlowingTable([head, *body], [width * r / total for r in ratios], styles.grid_commands(
        *styles.shade((0, 0), (-1, 0)),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, styles.layout.rule_colour),
        *[("BACKGROUND", (0, r), (-1, r), colors.HexColor("#F8F9FB"))
          for r in range(2, len(body) + 1, 2)]), repeat_rows=1, h_align="LEFT")


def _section(section: SectionView, styles: Styles, width: float,
             pictures: _Pictures | None = None) -> list[Flowable]:
    head: list[Flowable] = [_heading(styles, section.title)]
    if section.chart is not None:
        head.append(chart_drawing(section.chart, styles.font, width))
        if section.chart.caption:
            head.append(Paragraph(escape(section.chart.caption), styles.small_center))
        head.append(Spacer(1, 4))
    out: list[Flowable] = []
    if section.table is not None and section.table.rows:
        out.append(_table(section.table, styles, width, pictures))
    elif section.empty:
        out.append(Paragraph(escape(section.empty), styles.note))
    note_style = ParagraphStyle("report_note", parent=styles.note, spaceBefore=4)
    out += [Paragraph(escape(note), note_style) for note in section.notes]
    if pictures is not None:
        for line in section.pictures:
            out += pictures.flowables(line, note_style)
    # keep a heading with its chart and the start of its table
    return [KeepTogether([*head, *out[:1]]), *out[1:]]


def render_report_pdf(doc: ReportDocument, company: CompanyInfo, *, language: Language = "zh",
                      font: str | Path | None = None,
                      pictures: PictureSource | None = None) -> bytes:
    """`pictures`: small pictures by attachment id for the thumbnail rows under the
    findings that refer to some; without it the findings name them and link to them."""
    layout = A4_LAYOUT
    styles = make_styles(layout, register_cjk_font(font), language)
    shown = _Pictures(styles, portal_address(company), pictures, language)
    width = layout.frame_width
    height = fixed_page_height(layout)
    furniture = _Furniture(doc, company, styles, language)
    frame = page.body_frame(layout.margin_left, layout.margin_bottom + 22, width,
                            height - layout.margin_top - HEADER_HEIGHT - layout.margin_bottom
                            - 22)
    story: list[Flowable] = _cover(doc, styles, width)
    story.append(_heading(styles, doc.observations_title))
    bullet = ParagraphStyle("observation", parent=styles.text_body, leftIndent=12,
                            bulletIndent=2, spaceAfter=3, fontSize=9.5, leading=14,
                            bulletFontName=styles.font)
    story += [Paragraph(escape(text), bullet, bulletText="•") for text in doc.observations]
    for section in doc.sections:
        story += _section(section, styles, width, shown)
    meta = {"title": f"{doc.title} {doc.customer} {doc.period}", "author": company.name,
            "subject": f"fieldapp-report:{doc.number}",
            "keywords": f"fieldapp-report:{doc.number}",
            "creator": f"fieldapp {fieldapp.__version__}",
            "lang": "zh-CN" if language == "zh" else "en", "initialFontName": styles.font}
    buffer = io.BytesIO()
    page.build_pages(buffer, story, layout, height, frame, furniture.page, meta,
                     page_number=furniture.number)
    return buffer.getvalue()
