"""The document preview: pages rasterised off the GUI thread; save and print in the
background, their failures said in one line, nothing counted."""

from __future__ import annotations

import io

from reportlab.pdfgen import canvas

from ui.visit.preview import PdfPreview
from ui.visit.preview_dialog import PreviewDialog, customer_copy


def _pdf(pages: int) -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    for i in range(pages):
        c.drawString(72, 720, f"page {i + 1}")
        c.showPage()
    c.save()
    return buffer.getvalue()


def test_pdf_pages_are_rasterised_into_a_scrollable_view(qtbot, ops):  # type: ignore[no-untyped-def]
    preview = PdfPreview(ops)
    qtbot.addWidget(preview)
    preview.resize(700, 500)
    preview.show_pdf(_pdf(2))
    qtbot.waitUntil(lambda: len(preview.pages) == 2)
    assert preview.pages[0].pixmap().width() >= 600
    assert not preview.notice.isVisibleTo(preview)


def test_the_customer_copy_is_drawn_and_may_then_be_printed(qtbot, ops, settings,
                                                            store):  # type: ignore[no-untyped-def]
    from fieldapp.reads.queries import list_slips

    with store.read() as session:
        slip_id = list_slips(session, limit=1)[0].id
    dialog = PreviewDialog(ops, customer_copy(ops.store, settings, slip_id))
    qtbot.addWidget(dialog)
    assert not dialog.print_button.isEnabled()  # nothing to print yet
    assert "正在生成客户联" in dialog.preview.notice.text()
    qtbot.waitUntil(lambda: bool(dialog.preview.pages), timeout=15_000)
    assert dialog.print_button.isEnabled()


def test_saving_into_a_missing_folder_says_so_and_counts_no_copy(
        qtbot, ops, settings, store, tmp_path):  # type: ignore[no-untyped-def]
    from fieldapp.reads.queries import SlipFilter, list_slips
    from fieldapp.records.slips import get_slip, print_count

    with store.read() as session:
        slip_id = list_slips(session, SlipFilter(status="sealed"), limit=1)[0].id
    dialog = PreviewDialog(ops, customer_copy(ops.store, settings, slip_id))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(dialog.preview.pages), timeout=15_000)
    target = tmp_path / "missing" / "copy.pdf"
    dialog.save_to(target)
    qtbot.waitUntil(lambda: ops.pending == 0, timeout=15_000)
    assert dialog.preview.notice.isVisibleTo(dialog.preview)
    assert str(target) in dialog.preview.notice.text() and "不存在" in dialog.preview.notice.text()
    assert not target.parent.exists()
    qtbot.waitUntil(lambda: ops.pending == 0, timeout=15_000)
    with store.read() as session:
        assert print_count(session, get_slip(session, slip_id)) == 0


def _sealed_dialog(qtbot, ops, settings, store):  # type: ignore[no-untyped-def]
    from fieldapp.reads.queries import SlipFilter, list_slips

    with store.read() as session:
        slip_id = list_slips(session, SlipFilter(status="sealed"), limit=1)[0].id
    dialog = PreviewDialog(ops, customer_copy(ops.store, settings, slip_id))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.pdf is not None, timeout=15_000)
    return dialog, slip_id


def test_a_printed_copy_is_counted_with_its_print_job(qtbot, ops, settings, store,
                                                      monkeypatch):  # type: ignore[no-untyped-def]
    import threading

    from fieldapp.records.slips import get_slip, print_count
    from fieldapp.services import documents

    printed_on: list[str] = []

    def fake_print(pdf, *, printer, copies, title):  # type: ignore[no-untyped-def]
        printed_on.append(threading.current_thread().name)
        return "office-42"

    monkeypatch.setattr(documents, "print_document", fake_print)
    dialog, slip_id = _sealed_dialog(qtbot, ops, settings, store)
    with qtbot.waitSignal(dialog.printed, timeout=15_000):
        dialog.print_to("office", 2)
    assert printed_on and printed_on[0] != threading.main_thread().name
    with store.read() as session:
        assert print_count(session, get_slip(session, slip_id)) == 2


def test_a_printer_that_refuses_is_said_in_one_line_and_nothing_is_counted(
        qtbot, ops, settings, store, monkeypatch):  # type: ignore[no-untyped-def]
    from fieldapp.documents.errors import PrintError
    from fieldapp.records.slips import get_slip, print_count
    from fieldapp.services import documents

    def refused(pdf, *, printer, copies, title):  # type: ignore[no-untyped-def]
        raise PrintError("打印系统无响应（lp 超过 30 秒）。", "The print system did not answer.")

    monkeypatch.setattr(documents, "print_document", refused)
    dialog, slip_id = _sealed_dialog(qtbot, ops, settings, store)
    dialog.show()
    dialog.print_to(None, 1)
    qtbot.waitUntil(lambda: "打印系统无响应" in dialog.preview.notice.text(), timeout=15_000)
    qtbot.waitUntil(lambda: ops.pending == 0, timeout=15_000)
    with store.read() as session:
        assert print_count(session, get_slip(session, slip_id)) == 0
