"""Whose language: the screen's is the engineer's (`fieldapp --lang en` for one session),
a document's is the customer's, whatever the screen shows."""

from __future__ import annotations

from click.testing import CliRunner
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from fieldapp.base.settings import Settings
from fieldapp.cli import cli
from fieldapp.documents.payload import read_pdf_text
from fieldapp.store.models import Customer, Slip
from ui.kit import app_filters, i18n
from ui.shell.main_window import MainWindow
from ui.visit.preview_dialog import PreviewDialog, customer_copy


def pdf_text(pdf: bytes) -> str:
    # through the core's reader: it holds PDFIUM_LOCK while a preview rasterises
    return read_pdf_text(pdf).replace("\n", "")


def test_fieldapp_lang_en_opens_the_desktop_in_english_for_this_session_only(
        qtbot, data_dir, monkeypatch):  # type: ignore[no-untyped-def]
    seen: dict[str, str] = {}

    def live_window() -> MainWindow | None:
        return next((w for w in QApplication.topLevelWidgets()
                     if isinstance(w, MainWindow) and w.isVisible()), None)

    def look_instead_of_running(_app=None) -> int:  # type: ignore[no-untyped-def]
        # the start frame paints first; the live window takes its place once the store is open
        qtbot.waitUntil(lambda: live_window() is not None, timeout=30_000)
        window = live_window()
        assert window is not None
        seen.update(title=window.windowTitle(), tab=window.tabs.tabText(0),
                    badge=window.sync_badge.text().split("\n")[0], language=i18n.current())
        window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", look_instead_of_running)

    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "--lang", "en"])

    assert result.exit_code == 0, result.output
    assert seen == {"title": "fieldapp Field Service", "tab": "Open requests",
                    "badge": "This laptop only", "language": "en"}
    assert Settings.in_dir(data_dir).get("language") == "zh"  # the saved choice stays


def test_without_lang_the_desktop_opens_in_the_saved_language(
        qtbot, data_dir, monkeypatch):  # type: ignore[no-untyped-def]
    settings = Settings.in_dir(data_dir)
    settings.set("language", "en")
    settings.save()
    seen: list[str] = []

    def look_instead_of_running(_app=None) -> int:  # type: ignore[no-untyped-def]
        seen.append(i18n.current())
        for window in QApplication.topLevelWidgets():
            window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", look_instead_of_running)
    assert CliRunner().invoke(cli, ["--data-dir", str(data_dir)]).exit_code == 0
    assert seen == ["en"]
    # the session's app-wide filters went with it (left on, a later window in this process
    # was sized by the touch filter as it was built, not as the start frame draws it)
    assert app_filters._installed == []


def _copy_text(qtbot, ops, settings, slip_id) -> str:  # type: ignore[no-untyped-def]
    dialog = PreviewDialog(ops, customer_copy(ops.store, settings, slip_id))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.pdf is not None, timeout=20_000)
    return pdf_text(dialog.pdf)


def test_the_customer_copy_is_in_the_customers_language_not_the_screens(
        qtbot, ops, store, settings):  # type: ignore[no-untyped-def]
    with store.read() as session:
        slip = session.scalars(select(Slip).where(Slip.status == "sealed")).first()
        slip_id, customer_id = slip.id, slip.request.customer_id

    i18n.set_language("en")  # an English screen, a Chinese customer: a Chinese 客户联
    text = _copy_text(qtbot, ops, settings, slip_id)
    assert "客户联" in text and "Customer copy" not in text

    with store.write() as session:  # a customer who reads English
        session.get_one(Customer, customer_id).document_language = "en"
    i18n.set_language("zh")  # a Chinese screen: still the customer's English copy
    text = _copy_text(qtbot, ops, settings, slip_id)
    assert "Customer copy" in text and "客户联" not in text
