"""Paragraph and table styles for one layout and one font."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import TableStyle

from fieldapp.documents.layout import MUTED_COLOUR, TEXT_COLOUR, Layout

Alignment = Literal[0, 1, 2, 4]  # TA_LEFT, TA_CENTER, TA_RIGHT, TA_JUSTIFY


@dataclass(frozen=True)
class Styles:
    layout: Layout
    font: str
    body: ParagraphStyle
    value: ParagraphStyle
    value_right: ParagraphStyle
    label: ParagraphStyle
    label_center: ParagraphStyle
    section: ParagraphStyle
    text_heading: ParagraphStyle
    text_body: ParagraphStyle
    small: ParagraphStyle
    small_center: ParagraphStyle
    note: ParagraphStyle  # small running text of labels (wraps by language)
    mono: ParagraphStyle
    center: ParagraphStyle
    title: ParagraphStyle
    company: ParagraphStyle
    warning: ParagraphStyle

    def grid(self, *extra: tuple[Any, ...]) -> TableStyle:
        """The base look of every table: thin rules, label cells shaded on A4."""
        return TableStyle(self.grid_commands(*extra))

    def grid_commands(self, *extra: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        pad = self.layout.cell_padding
        commands: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), self.font, self.layout.font_size),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), pad + 1),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad + 1),
            ("TOPPADDING", (0, 0), (-1, -1), pad),
            ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
            ("GRID", (0, 0), (-1, -1), 0.5, self.layout.rule_colour),
        ]
        commands.extend(extra)
        return commands

    def shade(self, start: tuple[int, int], stop: tuple[int, int]) -> list[tuple[Any, ...]]:
        if self.layout.label_background is None:
            return []
        return [("BACKGROUND", start, stop, self.layout.label_background)]


def make_styles(layout: Layout, font: str, language: str = "zh") -> Styles:
    """Data paragraphs always wrap CJK-style (the data is Chinese); English labels wrap
    at spaces, so "Customer" never breaks inside the word."""
    size = layout.font_size
    label_wrap = "CJK" if language == "zh" else None

    def style(
        name: str,
        font_size: float = size,
        *,
        textColor: Color = TEXT_COLOUR,  # ReportLab's own keyword names
        wordWrap: str | None = "CJK",
        alignment: Alignment = TA_LEFT,
        spaceBefore: float = 0,
        spaceAfter: float = 0,
        leftIndent: float = 0,
        rightIndent: float = 0,
        backColor: Color | None = None,
        borderPadding: float | tuple[float, float, float, float] = 0,
    ) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=font_size,
            leading=layout.leading(font_size),
            textColor=textColor,
            wordWrap=wordWrap,
            alignment=alignment,
            spaceBefore=spaceBefore,
            spaceAfter=spaceAfter,
            leftIndent=leftIndent,
            rightIndent=rightIndent,
            backColor=backColor,
            # The stubs say float; ReportLab also takes (top, right, bottom, left).
            borderPadding=borderPadding,  # type: ignore[arg-type]
        )

    label_size = layout.label_font_size
    return Styles(
        layout=layout,
        font=font,
        body=style("body"),
        value=style("value"),
        value_right=style("value_right", alignment=TA_RIGHT),
        label=style("label", label_size, textColor=MUTED_COLOUR, wordWrap=label_wrap),
        label_center=style(
            "label_center",
            label_size,
            textColor=MUTED_COLOUR,
            alignment=TA_CENTER,
            wordWrap=label_wrap,
        ),
        section=style("section", label_size + 0.5, wordWrap=label_wrap),
        text_heading=style(
            "text_heading",
            label_size + 0.5,
            spaceBefore=layout.section_gap * 0.6,
            spaceAfter=2,
            backColor=layout.label_background,
            borderPadding=(2, 3, 2, 3),
        ),
        text_body=style("text_body", leftIndent=3, rightIndent=3, spaceAfter=2, alignment=TA_LEFT),
        small=style("small", layout.small_font_size, textColor=MUTED_COLOUR),
        small_center=style(
            "small_center", layout.small_font_size, textColor=MUTED_COLOUR, alignment=TA_CENTER
        ),
        note=style("note", layout.small_font_size, textColor=MUTED_COLOUR, wordWrap=label_wrap),
        mono=style("mono", layout.small_font_size + 0.5),
        center=style("center", alignment=TA_CENTER),
        title=style("title", layout.title_font_size, alignment=TA_CENTER),
        company=style("company", layout.company_font_size, alignment=TA_CENTER),
        warning=style("warning", size, textColor=TEXT_COLOUR),
    )
