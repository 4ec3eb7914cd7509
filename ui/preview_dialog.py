"""The customer copy (客户联): preview inside the app, print, save as PDF, count copies."""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from fieldapp import slips
from fieldapp.errors import FieldappError
from fieldapp.files import write_file
from fieldapp.settings import Settings
from ui import i18n
from ui.ops import Ops
from ui.preview import PdfPreview, documents_api


def render_customer_copy(session: Session, slip_id: uuid.UUID, settings: Settings,
                         language: str | None = None) -> bytes:
    """The customer copy, in the customer's language (not the screen's) unless `language`."""
    from fieldapp.documents import render_slip_pdf
    from fieldapp.documents.language import customer_language
    from fieldapp.documents.views import company_info, slip_document

    slip = slips.get_slip(session, slip_id)
    return render_slip_pdf(slip_document(slip, timezone=str(settings.get("timezone"))),
                           company_info(settings), layout=str(settings.get("default_layout")),
                           copy="customer",
                           language=language or customer_language(slip.request.customer))  # type: ignore[arg-type]


class PreviewDialog(QDialog):
    printed = Signal()

    def __init__(self, ops: Ops, settings: Settings, slip_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preview_dialog")
        self.ops, self.settings, self.slip_id = ops, settings, slip_id
        self.pdf: bytes | None = None
        self.preview = PdfPreview()
        self.print_button = QPushButton()
        self.print_button.setProperty("primary", True)
        self.save_button = QPushButton()
        self.close_button = QPushButton()
        for button in (self.print_button, self.save_button):
            button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.close_button, self.save_button, self.print_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addLayout(buttons)
        self.close_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save_pdf)
        self.print_button.clicked.connect(self.print_pdf)
        self.resize(900, 680)
        self.retranslate()
        i18n.connect(self)
        if documents_api() is None:
            self.preview.show_notice("preview.unavailable")
        else:
            self.preview.show_notice("preview.loading")
            # the customer's language, whatever the screen's (fieldapp.documents.language)
            self.ops.read(lambda s: render_customer_copy(s, slip_id, settings),
                          self._rendered, self._render_failed)

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("preview.title"))
        self.print_button.setText(tr("preview.print"))
        self.save_button.setText(tr("preview.save"))
        self.close_button.setText(tr("button.close"))

    def _render_failed(self, exc: Exception) -> None:
        self.preview.show_notice("preview.failed")
        if isinstance(exc, FieldappError):
            self.preview.show_error(exc.message(i18n.current()))

    def _rendered(self, pdf: bytes) -> None:
        self.pdf = pdf
        self.preview.show_pdf(pdf)
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)

    def _record(self, copies: int, destination: str) -> None:
        slip_id, layout = self.slip_id, str(self.settings.get("default_layout"))

        def work(session: Session) -> None:
            slips.record_print(session, slips.get_slip(session, slip_id), copies=copies,
                               copy_kind="customer", layout=layout, destination=destination)

        self.ops.write(work, lambda _r: self.printed.emit())

    def save_pdf(self) -> None:
        if self.pdf is None:
            return
        path, _filter = QFileDialog.getSaveFileName(self, i18n.tr("preview.save"), "",
                                                    "PDF (*.pdf)")
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        """Write the customer copy as PDF and count it as one copy handed out."""
        if self.pdf is None:
            return
        try:
            write_file(path, self.pdf)
        except FieldappError as exc:  # a missing folder, a full disk: said, nothing counted
            self.preview.show_error(exc.message(i18n.current()))
            return
        self._record(1, str(path))

    def print_pdf(self) -> None:
        if self.pdf is None:
            return
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        from fieldapp.documents import print_pdf

        try:
            destination = print_pdf(self.pdf, printer=printer.printerName() or None,
                                    copies=printer.copyCount(), title=i18n.tr("preview.title"))
        except FieldappError as exc:
            self.preview.show_error(exc.message(i18n.current()))
            return
        self._record(printer.copyCount(), destination or printer.printerName())
