"""Signatures as vector strokes: exact to hash, redrawable at any resolution.

A signature is a list of strokes; a stroke is a list of integer points
``[x, y, t, p]``: x and y in pad units (0..width, 0..height, y downwards), t in
milliseconds since the signature began, p the pressure 0..1000 (a mouse draws at 500).
Integers only, so the canonical JSON (and hence the seal) is exact on every machine.
"""

from __future__ import annotations

import functools
import io
import itertools
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import orjson  # parses strokes' integer arrays ~3.5x faster than json

from fieldapp.base.errors import FieldIssue

if TYPE_CHECKING:
    from PIL import Image

Point = Sequence[int]
Strokes = Sequence[Sequence[Point]]

# json_value: a run of 19 ASCII digits may be an integer beyond what orjson reads as one.
# Found by marking the digits (bytes.translate) and looking for 19 marks in a row: ~15x
# cheaper than the regex `\d{19}`, which retried at every digit of a signature's text.
_DIGIT_MARKS = bytes(49 if 48 <= b <= 57 else 0 for b in range(256))  # "1" per digit
_LONG_RUN = b"1" * 19
MIN_POINTS = 8  # fewer points than this is a tap, not a signature
MAX_POINTS = 20_000
MOUSE_PRESSURE = 500


def strokes_to_json(strokes: Strokes) -> str:
    return json.dumps(
        [[[int(v) for v in point] for point in stroke] for stroke in strokes],
        separators=(",", ":"),
    )


def json_value(text: Any) -> Any:
    """`json.loads(text)`, the same value, through orjson where it can: the archive
    parses every pushed signature's strokes (~1,000 points) and the seal document that
    repeats them. What orjson refuses and json takes (NaN, a lone surrogate) goes to
    json, so either way the value (or the ValueError) is json's; orjson reads an integer
    beyond 64 bits as a float, so text with a run of 19 digits goes to json as well."""
    if isinstance(text, str):
        try:
            data: bytes | bytearray = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, which orjson refuses
            return json.loads(text)
    elif isinstance(text, bytes | bytearray):
        data = text
    else:  # not text: json's TypeError
        return json.loads(text)
    if data.translate(_DIGIT_MARKS).find(_LONG_RUN) < 0:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


def strokes_from_json(text: str) -> list[list[list[int]]]:
    data = json_value(text)
    # Stored strokes are lists of lists of integers already: checked a level at a time
    # in C (map, chain), they are returned as parsed. Anything else (floats, a damaged
    # shape) takes the per-value walk, whose conversions and errors stay as they were.
    # A list page checks 400 signatures of ~1,000 points each: 130 µs → ~25 µs apiece.
    if type(data) is list:
        points = list(itertools.chain.from_iterable(data)) \
            if set(map(type, data)) <= {list} else None
        if points is not None and set(map(type, points)) <= {list} and set(
                map(type, itertools.chain.from_iterable(points))) <= {int}:
            return data
    return [[[int(v) for v in point] for point in stroke] for stroke in data]


def stroke_issues(strokes: Strokes, width: int, height: int, field: str) -> list[FieldIssue]:
    """What is wrong with these strokes as a signature (empty list: nothing)."""
    if width <= 0 or height <= 0:
        return [FieldIssue(field, "pad_size", "签名板尺寸无效。", "The pad size is invalid.")]
    points = list(itertools.chain.from_iterable(strokes))
    if len(points) < MIN_POINTS:
        return [FieldIssue(field, "signature_empty", "请先签名。", "Please sign first.")]
    if len(points) > MAX_POINTS:
        return [
            FieldIssue(field, "signature_too_long", "签名数据过大，请清除后重签。",
                       "The signature is too large; clear it and sign again.")
        ]
    # Whole columns at a time, in C (map, zip, min, max), no Python loop per value: the
    # archive checks every pushed signature (~1000 points, 4,000 values).
    if set(map(len, points)) != {4} or not set(
            map(type, itertools.chain.from_iterable(points))) <= {int}:
        return [FieldIssue(field, "signature_format", "签名数据格式错误。",
                           "The signature data is malformed.")]
    xs, ys, ts, ps = zip(*points, strict=True)
    if not (min(xs) >= 0 and max(xs) <= width and min(ys) >= 0 and max(ys) <= height
            and min(ts) >= 0 and min(ps) >= 0 and max(ps) <= 1000):
        return [FieldIssue(field, "signature_format", "签名数据超出签名板范围。",
                           "The signature data lies outside the pad.")]
    return []


def line_width(pressure: int, base: float) -> float:
    """Pen width for a pressure: a light touch draws at half, a firm one at 1.5x."""
    return base * (0.5 + pressure / 1000)


def render_png(strokes: Strokes, width: int, height: int, *, scale: float = 1.0) -> bytes:
    """Draw the strokes black on white (a PNG the screen and the archive can show)."""
    return render_png_of_json(strokes_to_json(strokes), width, height, scale=scale)


@functools.lru_cache(maxsize=256)
def render_png_of_json(strokes_json: str, width: int, height: int, *,
                       scale: float = 1.0) -> bytes:
    """`render_png` keyed on the canonical strokes JSON, cached.

    Rendering (PNG compression with optimize=True) costs about 2.5 ms; the same strokes
    always give the same bytes, so a repeated signature (the demo's pool, a re-sign after
    clearing) is drawn once. Bytes are immutable, so sharing them is safe.
    """
    buffer = io.BytesIO()
    _draw(strokes_json, width, height, scale).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def image_shows_strokes(png: bytes, strokes_json: str, width: int, height: int, *,
                        scale: float = 0.5) -> bool:
    """Does the stored signature image show exactly these strokes? Pixels are compared,
    not PNG bytes, so another PNG encoder (a Pillow upgrade) does not raise an alarm."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(png)) as stored:
            pixels = stored.convert("L").tobytes()
        return pixels == _pixels(strokes_json, width, height, scale)
    except (OSError, ValueError, SyntaxError):  # not a readable PNG any more
        return False


@functools.lru_cache(maxsize=256)
def _pixels(strokes_json: str, width: int, height: int, scale: float) -> bytes:
    return _draw(strokes_json, width, height, scale).tobytes()


def _draw(strokes_json: str, width: int, height: int, scale: float) -> Image.Image:
    # Pillow here, not at import: ~20 ms the desktop's start does without
    from PIL import Image, ImageDraw

    strokes = strokes_from_json(strokes_json)
    w, h = max(1, round(width * scale)), max(1, round(height * scale))
    image = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(image)
    base = max(1.5, 3.0 * scale * width / 1000)
    for stroke in strokes:
        pts = [(x * scale, y * scale, p) for x, y, _t, p in stroke]
        if len(pts) == 1:
            x, y, p = pts[0]
            r = line_width(p, base) / 2
            draw.ellipse((x - r, y - r, x + r, y + r), fill=0)
        for (x0, y0, p0), (x1, y1, p1) in itertools.pairwise(pts):
            wdt = max(1, round(line_width((p0 + p1) // 2, base)))
            draw.line((x0, y0, x1, y1), fill=0, width=wdt, joint="curve")
    return image
