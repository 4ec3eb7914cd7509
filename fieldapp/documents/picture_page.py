"""The customer copy's pictures page (issue 21): each attachment of the slip with its kind,
caption and capture time, three to a row, on a page of its own after the seal.

Optional (setting `copy_pictures`, off by default: many customers want one sheet). A4
only; the 80 mm receipt lists how many pictures the slip has instead. Each picture is
embedded as a small JPEG (at most 600 px), so a copy with thirty pictures stays a few
hundred kilobytes; the full pictures are the archive's and the portal's.
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer
from reportlab.platypus import Image as PdfImage

from fieldapp.base.i18n import pick
from fieldapp.documents.kit import Cell, DocumentContext, escape, para
from fieldapp.documents.kit import blocks as kit
from fieldapp.documents.model import PictureView, SlipDocument
from fieldapp.records.attachments import attachments_of
from fieldapp.store.attachment_models import KIND_LABELS, OwnerKind
from fieldapp.store.blobs import BlobStore

PER_ROW = 3
THUMB_PX = 600
BOX_HEIGHT = 52 * mm


def picture_views(session: Any, slip_id: Any, blobs: BlobStore | None
                  ) -> tuple[PictureView, ...]:
    """The slip's attachments for the page, each picture as a small JPEG."""
    views = []
    for row in attachments_of(session, OwnerKind.SLIP, slip_id):
        zh, en = KIND_LABELS.get(row.kind, (row.kind, row.kind))
        jpeg = None
        if row.media_type.startswith("image/") and blobs is not None and blobs.has(row.sha256):
            with Image.open(blobs.path_for(row.sha256)) as image:
                image.draft("RGB", (THUMB_PX, THUMB_PX))
                image.thumbnail((THUMB_PX, THUMB_PX))
                out = io.BytesIO()
                image.convert("RGB").save(out, "JPEG", quality=80)
                jpeg = out.getvalue()
        views.append(PictureView(zh, en, row.caption, row.captured_at, row.original_name,
                                 jpeg))
    return tuple(views)


def _cell(ctx: DocumentContext, picture: PictureView, width: float) -> list[Flowable]:
    s = ctx.styles
    out: list[Flowable] = []
    if picture.jpeg is not None:
        image = PdfImage(io.BytesIO(picture.jpeg))
        scale = min(width / image.imageWidth, BOX_HEIGHT / image.imageHeight)
        image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
        out += [image, Spacer(1, BOX_HEIGHT - image.drawHeight + 1 * mm)]  # captions align
    else:
        out.append(para(f"PDF · {picture.name}" if picture.name else "PDF", s.small))
    kind = pick(picture.kind_zh, picture.kind_en, ctx.language)
    out.append(Paragraph(f"<b>{escape(kind)}</b>", s.small))
    if picture.caption:
        out.append(para(picture.caption, s.small))
    if picture.captured_at is not None:
        out.append(para(f"{ctx.t('picture_taken')}{ctx.colon}{ctx.time(picture.captured_at)}",
                        s.note))
    return out


def pictures_block(ctx: DocumentContext, doc: SlipDocument) -> list[Flowable]:
    """The page itself (A4), or one line naming how many (receipt)."""
    if not doc.pictures:
        return []
    s = ctx.styles
    if ctx.receipt:
        return [para(ctx.t("pictures_count", count=str(len(doc.pictures))), s.small)]
    width = kit.body_width(ctx) / PER_ROW
    inner = width - 2 * kit.cell_padding(ctx)
    cells: list[Cell] = [_cell(ctx, p, inner) for p in doc.pictures]
    rows: list[list[Cell]] = [cells[i:i + PER_ROW] for i in range(0, len(cells), PER_ROW)]
    rows[-1] += [""] * (PER_ROW - len(rows[-1]))
    table = kit.sectioned(ctx, ctx.t("section_pictures"), rows, [width] * PER_ROW,
                          [("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("ALIGN", (0, 0), (-1, -1), "CENTER")])
    return [PageBreak(), Paragraph(escape(ctx.t("pictures_heading")), s.text_heading),
            Spacer(1, 2 * mm), table]
