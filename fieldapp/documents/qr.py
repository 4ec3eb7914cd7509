"""The verification QR code: what it says, reading it back, and drawing it as vectors.

Payload: ``{verify_url}?slip={number}&seal={seal}`` when the company runs the archive's
verify page (a phone camera opens it), else ``fieldapp:verify?slip=...&seal=...``
(read by fieldapp's own scanner, no phone opens it). The seal is the slip's SHA-256, 64
lowercase hex. `verify_address` (fieldapp.base.settings) is the page's address: the
`verify_url` setting, else the archive's own ``{archive_url}/portal/verify`` (the portal's
verify route).

The code is drawn with segno's module matrix as ReportLab rectangles (one per horizontal
run of dark modules): crisp at any printer resolution and ~4x faster than ReportLab's
own QR widget (see tests/benchmarks/bench_documents.py).
"""

from __future__ import annotations

import functools
import re
from urllib.parse import parse_qs, quote, urlsplit

import segno
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from fieldapp.base.settings import VERIFY_PATH, verify_address
from fieldapp.documents.errors import DocumentError
from fieldapp.documents.layout import QR_ERROR_LEVEL, QR_QUIET_ZONE

APP_SCHEME_PREFIX = "fieldapp:verify"
__all__ = ["APP_SCHEME_PREFIX", "VERIFY_PATH", "parse_qr_payload", "qr_payload", "verify_address"]
SEAL_PATTERN = re.compile(r"^[0-9a-f]{64}$")


def qr_payload(slip_number: str, seal: str, verify_url: str = "") -> str:
    if not slip_number.strip():
        raise DocumentError("单据编号为空，无法生成二维码。", "No slip number for the QR code.")
    if not SEAL_PATTERN.match(seal):
        raise DocumentError(
            "校验码必须是 64 位十六进制 SHA-256。", "The seal must be a 64-hex SHA-256."
        )
    query = f"slip={quote(slip_number, safe='-')}&seal={seal}"
    base = verify_url.strip() or APP_SCHEME_PREFIX
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}{query}"


def parse_qr_payload(text: str) -> tuple[str, str]:
    """(slip number, seal) from a scanned payload; DocumentError if it is not ours."""
    parts = urlsplit(text.strip())
    values = parse_qs(parts.query)
    slips, seals = values.get("slip", []), values.get("seal", [])
    ours = parts.scheme in ("http", "https") or text.strip().startswith(APP_SCHEME_PREFIX)
    if not ours or len(slips) != 1 or len(seals) != 1:
        raise DocumentError(
            "这不是 fieldapp 服务单据的二维码。",
            "This is not the QR code of a fieldapp service slip.",
        )
    slip, seal = slips[0].strip(), seals[0].strip().lower()
    if not slip or not SEAL_PATTERN.match(seal):
        raise DocumentError(
            "二维码中的单据编号或校验码无效。",
            "The slip number or seal in the QR code is not valid.",
        )
    return slip, seal


@functools.lru_cache(maxsize=64)
def qr_runs(payload: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The symbol's size in modules (with quiet zone) and its dark runs (row, x, length).

    Cached: choosing the best mask is ~10 ms of pure Python in segno, and a copy is often
    rendered more than once (preview, then print or save)."""
    code = segno.make_qr(payload, error=QR_ERROR_LEVEL)
    runs: list[tuple[int, int, int]] = []
    matrix = code.matrix
    for row_index, row in enumerate(matrix):
        x = 0
        width = len(row)
        while x < width:
            if row[x]:
                start = x
                while x < width and row[x]:
                    x += 1
                runs.append((row_index + QR_QUIET_ZONE, start + QR_QUIET_ZONE, x - start))
            else:
                x += 1
    return len(matrix) + 2 * QR_QUIET_ZONE, tuple(runs)


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """Draw the QR code with its lower-left corner at (x, y), `size` points square."""
    modules, runs = qr_runs(payload)
    unit = size / modules
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    path = canvas.beginPath()
    for row, column, length in runs:
        # Rows count downwards from the top; PDF y grows upwards. A hair of overlap
        # avoids white seams between runs in some viewers.
        path.rect(x + column * unit, y + size - (row + 1) * unit, length * unit, unit * 1.01)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


class QrFlowable(Flowable):
    def __init__(self, payload: str, size: float) -> None:
        super().__init__()
        self.payload = payload
        self.size = size
        self.width = self.height = size

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        draw_qr(self.canv, self.payload, 0, 0, self.size)
