"""The customer copy preview: rasterised pages, or a clear message while documents are missing."""

from __future__ import annotations

import io

from reportlab.pdfgen import canvas

from ui.preview import PdfPreview, documents_api
from ui.preview_dialog import PreviewDialog


def _pdf(pages: int) -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    for i in range(pages):
        c.drawString(72, 720, f"page {i + 1}")
        c.showPage()
    c.save()
    return buffer.getvalue()


def test_pdf_pages_are_rasterised_into_a_scrollable_view(qtbot):  # type: ignore[no-untyped-def]
    preview = PdfPreview()
    qtbot.addWidget(preview)
    preview.resize(700, 500)
    preview.show_pdf(_pdf(2))
    assert len(preview.pages) == 2
    assert preview.pages[0].pixmap().width() >= 600
    assert not preview.notice.isVisibleTo(preview)


def test_preview_says_plainly_when_documents_are_not_available(qtbot, ops, settings,
                                                               store):  # type: ignore[no-untyped-def]
    from fieldapp.queries import list_slips

    with store.read() as session:
        slip_id = list_slips(session, limit=1)[0].id
    dialog = PreviewDialog(ops, settings, slip_id)
    qtbot.addWidget(dialog)
    if documents_api() is None:
        assert "尚未安装" in dialog.preview.notice.text()
        assert not dialog.print_button.isEnabled()
    else:
        qtbot.waitUntil(lambda: bool(dialog.preview.pages), timeout=15_000)
        assert dialog.print_button.isEnabled()


def test_saving_into_a_missing_folder_says_so_and_counts_no_copy(
        qtbot, ops, settings, store, tmp_path):  # type: ignore[no-untyped-def]
    from fieldapp.queries import SlipFilter, list_slips
    from fieldapp.slips import get_slip, print_count

    with store.read() as session:
        slip_id = list_slips(session, SlipFilter(status="sealed"), limit=1)[0].id
    dialog = PreviewDialog(ops, settings, slip_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(dialog.preview.pages), timeout=15_000)
    target = tmp_path / "missing" / "copy.pdf"
    dialog.save_to(target)
    assert dialog.preview.notice.isVisibleTo(dialog.preview)
    assert str(target) in dialog.preview.notice.text() and "不存在" in dialog.preview.notice.text()
    assert not target.parent.exists()
    qtbot.waitUntil(lambda: ops.pending == 0, timeout=15_000)
    with store.read() as session:
        assert print_count(session, get_slip(session, slip_id)) == 0
