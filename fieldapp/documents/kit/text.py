"""Text as the documents print it: escaped paragraphs, bold CJK headings, seal groups."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from fieldapp.documents.layout import SEAL_GROUP, SEAL_GROUPS_PER_LINE, TEXT_COLOUR


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of typed data: escaped, line breaks kept."""
    return Paragraph(escape(text).replace("\n", "<br/>") or "—", style)


def bold_text(canvas: Canvas, font: str, size: float, x: float, y: float, text: str) -> None:
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


def seal_lines(seal: str) -> list[str]:
    """The seal in groups of four hex digits, eight groups a line."""
    groups = [seal[i : i + SEAL_GROUP] for i in range(0, len(seal), SEAL_GROUP)]
    return [
        " ".join(groups[i : i + SEAL_GROUPS_PER_LINE])
        for i in range(0, len(groups), SEAL_GROUPS_PER_LINE)
    ]


__all__ = ["bold_text", "escape", "para", "seal_lines"]
