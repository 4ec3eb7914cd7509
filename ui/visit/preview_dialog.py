"""Preview, print and save a document: the customer copy (客户联) of a slip, and the
workflow documents (送修单, 备机借用单, 投诉反馈报告). One dialog for all of them.

A `Document` says how the PDF is made (a service call), what the dialog is called and,
for the customer copy, how a copy handed out is counted. Making the PDF, drawing its
pages, printing (`lp`, up to 30 s) and counting run off the GUI thread (`ui.kit.ops`); the
dialog only shows what comes back. Errors are said in one line at the top of the preview;
while the company is not set up, the one line `fieldapp pdf`/print say stands above the
document (`Document.notice`, `services.documents.identity_notice`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.errors import FieldappError
from fieldapp.base.settings import Settings
from fieldapp.services import documents
from fieldapp.store import Store
from ui.kit import i18n
from ui.kit.ops import Ops
from ui.visit.preview import PdfPreview

Render = Callable[[], bytes]  # a service call: the PDF
Count = Callable[[int, str], None]  # a write service: (copies, destination) handed out


@dataclass(frozen=True)
class Document:
    render: Render
    title_key: str
    loading_key: str = "docs.loading"
    failed_key: str = "docs.failed"
    count: Count | None = None  # None: copies of it are not counted
    # (zh, en): the company is not set up (services.documents.identity_notice); None: it is
    notice: tuple[str, str] | None = None


def customer_copy(store: Store, settings: Settings, slip_id: uuid.UUID) -> Document:
    """The slip's customer copy, in the customer's language (not the screen's); each copy
    printed or saved is counted in its print log."""
    layout = str(settings.get("default_layout"))

    def count(copies: int, destination: str) -> None:
        documents.count_copy(store, slip_id, copies=copies, layout=layout,
                             destination=destination)

    return Document(lambda: documents.customer_copy(store, slip_id, settings),
                    "preview.title", "preview.loading", "preview.failed", count,
                    documents.identity_notice(settings))


def _message(exc: Exception) -> str:
    """A known error in its own words; a defect plainly (the log has its details)."""
    return (exc.message(i18n.current()) if isinstance(exc, FieldappError)
            else i18n.tr("status.unexpected"))


class PreviewDialog(QDialog):
    printed = Signal()  # a copy was printed or saved, and counted

    def __init__(self, ops: Ops, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preview_dialog")
        self.ops, self.document = ops, document
        self.pdf: bytes | None = None
        self.preview = PdfPreview(ops)
        self.identity_note = QLabel()  # the company is not set up: what the copy will say
        self.identity_note.setObjectName("identity_note")
        self.identity_note.setProperty("role", "notice")
        self.identity_note.setWordWrap(True)
        self.identity_note.setVisible(document.notice is not None)
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
        layout.addWidget(self.identity_note)
        layout.addWidget(self.preview, 1)
        layout.addLayout(buttons)
        self.close_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save_pdf)
        self.print_button.clicked.connect(self.print_pdf)
        self.resize(900, 680)
        self.retranslate()
        i18n.connect(self)
        self.preview.show_notice(document.loading_key)
        self._render()

    def _render(self) -> None:
        self.ops.call(self.document.render, self._rendered, self._render_failed)

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr(self.document.title_key))
        self.print_button.setText(tr("preview.print"))
        self.save_button.setText(tr("preview.save"))
        self.close_button.setText(tr("button.close"))
        if self.document.notice is not None:
            self.identity_note.setText(i18n.pair(self.document.notice))

    def _render_failed(self, exc: Exception) -> None:
        self.preview.show_notice(self.document.failed_key)
        self.preview.show_error(_message(exc))

    def _rendered(self, pdf: bytes) -> None:
        self.pdf = pdf
        self.preview.show_pdf(pdf)
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)

    def _failed(self, exc: Exception) -> None:
        self.preview.show_error(_message(exc))

    def _handed_out(self, copies: int, destination: str) -> None:
        count = self.document.count
        if count is None:
            return
        self.ops.call(lambda: count(copies, destination), lambda _r: self.printed.emit(),
                      self._failed, write=True)

    def save_pdf(self) -> None:
        if self.pdf is None:
            return
        path, _filter = QFileDialog.getSaveFileName(self, i18n.tr("preview.save"), "",
                                                    "PDF (*.pdf)")
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        """Write the PDF and count it as one copy handed out; a missing folder or a full
        disk is said in one line, and nothing is counted. (Written here, like the file
        dialog that chose the folder: the file is whole or not there once this returns.)"""
        if self.pdf is None:
            return
        try:
            documents.save_document(self.pdf, path)
        except FieldappError as exc:
            self._failed(exc)
            return
        self._handed_out(1, str(path))

    def print_pdf(self) -> None:
        if self.pdf is None:
            return
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer.printerName() or None, printer.copyCount())

    def print_to(self, printer: str | None, copies: int) -> None:
        """Print on `printer` (None: the default one) in the background: `lp` may take
        up to its 30 s timeout, and the window stays responsive meanwhile."""
        pdf, title = self.pdf, i18n.tr(self.document.title_key)
        if pdf is None:
            return
        self.ops.run(
            lambda: documents.print_document(pdf, printer=printer, copies=copies, title=title),
            lambda job: self._handed_out(copies, job or printer or ""), self._failed)
