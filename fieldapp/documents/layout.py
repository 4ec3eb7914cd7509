"""Every size, margin and colour of the printed slip, in one place.

Two layouts share one set of blocks: A4 portrait (filed, posted, printed in the office)
and an 80 mm receipt roll (portable thermal printers: 72 mm printable, black only,
variable page height). Lengths are ReportLab points unless the name says mm.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

# PDF viewers refuse pages longer than 200 inches; a longer receipt continues on a
# second page of the same width.
MAX_PAGE_HEIGHT = 14_400.0


@dataclass(frozen=True)
class Layout:
    name: str
    page_width: float
    page_height: float | None  # None: as tall as the content (receipt roll)
    margin_left: float
    margin_right: float
    margin_top: float
    margin_bottom: float
    header_height: float  # drawn on every page (A4) above the frame; 0 when in-flow
    footer_height: float
    font_size: float
    small_font_size: float
    label_font_size: float
    title_font_size: float
    company_font_size: float
    leading_ratio: float
    section_gap: float
    cell_padding: float
    label_background: colors.Color | None  # None on thermal paper
    rule_colour: colors.Color
    signature_box_height: float
    qr_size: float
    logo_height: float
    two_columns: bool  # info and signatures side by side

    @property
    def frame_width(self) -> float:
        return self.page_width - self.margin_left - self.margin_right

    def leading(self, size: float) -> float:
        return round(size * self.leading_ratio, 1)


def fixed_page_height(spec: Layout) -> float:
    """The page height of a layout with fixed pages (A4); a receipt's is set per copy."""
    if spec.page_height is None:
        raise ValueError(f"layout {spec.name} has no fixed page height")
    return spec.page_height


A4_LAYOUT = Layout(
    name="a4",
    page_width=A4[0],
    page_height=A4[1],
    margin_left=16 * mm,
    margin_right=16 * mm,
    margin_top=12 * mm,
    margin_bottom=12 * mm,
    header_height=23 * mm,
    footer_height=12 * mm,
    font_size=9,
    small_font_size=7.2,
    label_font_size=8.2,
    title_font_size=17,
    company_font_size=13,
    leading_ratio=1.4,
    section_gap=2.6 * mm,
    cell_padding=2.2,
    label_background=colors.HexColor("#EEF1F5"),
    rule_colour=colors.HexColor("#5B6B7F"),
    signature_box_height=19 * mm,
    qr_size=27 * mm,
    logo_height=12 * mm,
    two_columns=True,
)

RECEIPT_LAYOUT = Layout(
    name="receipt",
    page_width=80 * mm,
    page_height=None,
    margin_left=4 * mm,
    margin_right=4 * mm,
    margin_top=4 * mm,
    margin_bottom=8 * mm,  # the tear-off edge
    header_height=0,
    footer_height=0,
    font_size=8,
    small_font_size=6.8,
    label_font_size=7.5,
    title_font_size=13,
    company_font_size=10.5,
    leading_ratio=1.35,
    section_gap=2.2 * mm,
    cell_padding=1.6,
    label_background=None,
    rule_colour=colors.black,
    signature_box_height=20 * mm,
    qr_size=36 * mm,
    logo_height=9 * mm,
    two_columns=False,
)

LAYOUTS = {layout.name: layout for layout in (A4_LAYOUT, RECEIPT_LAYOUT)}

TEXT_COLOUR = colors.black
MUTED_COLOUR = colors.HexColor("#444444")
DRAFT_COLOUR = colors.Color(0.85, 0.1, 0.1, alpha=0.16)
DRAFT_TEXT_COLOUR = colors.HexColor("#C62828")
COPY_MARK_COLOUR = colors.HexColor("#B71C1C")
STROKE_COLOUR = colors.HexColor("#10206B")  # ink blue on A4; receipts print black

# Signature strokes: line width in points at pressure 0 and at pressure 1000 (per
# millimetre of the box height 24 mm; scaled with the box).
STROKE_WIDTH_MIN = 0.45
STROKE_WIDTH_MAX = 1.9
STROKE_WIDTH_LEVELS = 8  # widths are quantised so consecutive segments share one path

SEAL_GROUP = 4  # hex characters per group when printing the seal
SEAL_GROUPS_PER_LINE = 8
QR_QUIET_ZONE = 2  # modules; the box around the QR adds white space as well
QR_ERROR_LEVEL = "m"
