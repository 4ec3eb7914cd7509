"""Preview, print and save a workflow document (repair intake/return copy, loaner record,
complaint feedback report).

The PDFs come from `fieldapp.documents.workflow_views` and its renderers (branch flow2);
`ui.workflow_documents` knows their names. Without them the dialog says so plainly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from fieldapp.errors import FieldappError
from fieldapp.files import write_file
from ui import i18n
from ui.ops import Ops
from ui.preview import PdfPreview
from ui.workflow_widgets import button, message

Render = Callable[[Session], bytes]


class DocumentPreviewDialog(QDialog):
    def __init__(self, ops: Ops, title_key: str, render: Render | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("document_preview")
        self.title_key = title_key
        self.pdf: bytes | None = None
        self.preview = PdfPreview()
        self.print_button, self.save_button = button(primary=True), button()
        self.close_button = button()
        for b in (self.print_button, self.save_button):
            b.setEnabled(False)
        row = QHBoxLayout()
        row.addStretch(1)
        for b in (self.close_button, self.save_button, self.print_button):
            row.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addLayout(row)
        self.close_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save_pdf)
        self.print_button.clicked.connect(self.print_pdf)
        self.resize(900, 680)
        self.retranslate()
        i18n.connect(self)
        if render is None:
            self.preview.show_notice("docs.unavailable")
        else:
            self.preview.show_notice("docs.loading")
            ops.read(render, self._rendered, self._failed)

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr(self.title_key))
        self.print_button.setText(tr("preview.print"))
        self.save_button.setText(tr("preview.save"))
        self.close_button.setText(tr("button.close"))

    def _failed(self, exc: Exception) -> None:
        self.preview.show_notice("docs.failed")
        self.preview.show_error(message(exc))

    def _rendered(self, pdf: bytes) -> None:
        self.pdf = pdf
        self.preview.show_pdf(pdf)
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)

    def save_pdf(self) -> None:
        if self.pdf is None:
            return
        path, _f = QFileDialog.getSaveFileName(self, i18n.tr("preview.save"), "", "PDF (*.pdf)")
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        if self.pdf is None:
            return
        try:
            write_file(path, self.pdf)
        except FieldappError as exc:  # a missing folder, a full disk: said in one line
            self.preview.show_error(exc.message(i18n.current()))

    def print_pdf(self) -> None:
        if self.pdf is None:
            return
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
            return
        from fieldapp.documents import print_pdf

        try:
            print_pdf(self.pdf, printer=printer.printerName() or None,
                      copies=printer.copyCount(), title=i18n.tr(self.title_key))
        except Exception as exc:
            self.preview.show_error(message(exc))
