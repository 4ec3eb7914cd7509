"""Handwritten signatures drawn as vector lines from their recorded strokes.

Pad coordinates (0..pad_width, 0..pad_height, y downwards) are scaled uniformly into the
box and centred; the PDF's y axis grows upwards, so y is flipped. Line width follows the
pen pressure (0..1000), quantised into a few levels so that consecutive segments of equal
width share one path: a signature of a few hundred points costs a few dozen path ops.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from fieldapp.documents.layout import STROKE_WIDTH_LEVELS, STROKE_WIDTH_MAX, STROKE_WIDTH_MIN
from fieldapp.documents.model import SignatureView, Stroke

REFERENCE_BOX_HEIGHT = 68.0  # points (24 mm): the box height the stroke widths are for


def stroke_width(pressure: int, box_height: float) -> float:
    level = round(max(0, min(1000, pressure)) / 1000 * (STROKE_WIDTH_LEVELS - 1))
    fraction = level / (STROKE_WIDTH_LEVELS - 1)
    width = STROKE_WIDTH_MIN + (STROKE_WIDTH_MAX - STROKE_WIDTH_MIN) * fraction
    return round(width * min(1.0, box_height / REFERENCE_BOX_HEIGHT), 3)


def draw_signature(
    canvas: Canvas,
    signature: SignatureView,
    x: float,
    y: float,
    width: float,
    height: float,
    colour: Color,
) -> int:
    """Draw the strokes inside the box (lower-left x, y); return the number of paths."""
    if not signature.strokes or signature.pad_width <= 0 or signature.pad_height <= 0:
        return 0
    scale = min(width / signature.pad_width, height / signature.pad_height)
    offset_x = x + (width - signature.pad_width * scale) / 2
    offset_y = y + (height - signature.pad_height * scale) / 2

    def point(px: int, py: int) -> tuple[float, float]:
        return offset_x + px * scale, offset_y + (signature.pad_height - py) * scale

    canvas.saveState()
    canvas.setStrokeColor(colour)
    canvas.setFillColor(colour)
    canvas.setLineCap(1)
    canvas.setLineJoin(1)
    paths = 0
    for stroke in signature.strokes:
        paths += _draw_stroke(canvas, stroke, point, height)
    canvas.restoreState()
    return paths


def _draw_stroke(
    canvas: Canvas,
    stroke: Stroke,
    point: Callable[[int, int], tuple[float, float]],
    box_height: float,
) -> int:
    if len(stroke) == 1:  # a dot
        px, py, _t, pressure = stroke[0]
        cx, cy = point(px, py)
        canvas.circle(cx, cy, stroke_width(pressure, box_height) / 2, stroke=0, fill=1)
        return 1
    paths = 0
    path = None
    current_width = None
    for previous, here in pairwise(stroke):
        width = stroke_width((previous[3] + here[3]) // 2, box_height)
        if width != current_width:
            if path is not None:
                canvas.drawPath(path, stroke=1, fill=0)
                paths += 1
            canvas.setLineWidth(width)
            current_width = width
            path = canvas.beginPath()
            path.moveTo(*point(previous[0], previous[1]))
        assert path is not None
        path.lineTo(*point(here[0], here[1]))
    if path is not None:
        canvas.drawPath(path, stroke=1, fill=0)
        paths += 1
    return paths


class SignatureFlowable(Flowable):
    """A signature box: the strokes, or nothing when the party has not signed yet."""

    def __init__(
        self, signature: SignatureView | None, width: float, height: float, colour: Color
    ) -> None:
        super().__init__()
        self.signature = signature
        self.width = width
        self.height = height
        self.colour = colour

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = min(self.width, aw)
        return self.width, self.height

    def draw(self) -> None:
        if self.signature is not None:
            draw_signature(self.canv, self.signature, 0, 0, self.width, self.height, self.colour)
