"""A PDF's pages on screen (rasterised with pypdfium2), as wide as the view.

Rasterising runs off the GUI thread (`Ops.run`); the images come back and are drawn.
Printing hands the PDF itself to the printer (vector text), never these bitmaps.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPixmap, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from ui.kit import i18n
from ui.kit.ops import Ops


def rasterise(pdf: bytes, width_px: int = 800) -> list[QImage]:
    """The pages as images `width_px` wide (QImage, unlike QPixmap, may be made on any
    thread)."""
    import pypdfium2 as pdfium  # on first preview: not part of the app's start-up

    from fieldapp.documents.payload import PDFIUM_LOCK

    images = []
    with PDFIUM_LOCK:  # PDFium is not thread-safe (a crash, not an exception)
        document = pdfium.PdfDocument(pdf)
        try:
            for page in document:
                scale = width_px / page.get_width()
                bitmap = page.render(scale=scale)
                pil = bitmap.to_pil().convert("RGB")
                bitmap.close()
                page.close()
                data = pil.tobytes()
                image = QImage(data, pil.width, pil.height, pil.width * 3,
                               QImage.Format.Format_RGB888)
                images.append(image.copy())  # own the pixels before `data` goes away
        finally:
            document.close()
    return images


class PdfPreview(QScrollArea):
    """The pages of a PDF, one under the other, as wide as the view: scrolled up and
    down, never sideways (drawn again when the window's width changes)."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._drawing = 0  # the latest drawing asked for: older ones are dropped
        self.setWidgetResizable(True)
        self.notice = QLabel()
        self.notice.setProperty("role", "notice")
        self.notice.setWordWrap(True)
        self._body = QWidget()
        self._layout = QVBoxLayout(self._body)
        self._layout.addWidget(self.notice)
        self._layout.addStretch(1)
        self.setWidget(self._body)
        self.pages: list[QLabel] = []
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._pdf: bytes | None = None
        self._drawn_width = 0
        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(150)
        self._redraw.timeout.connect(self._fit_width)
        self._notice_key = "preview.loading"
        self.retranslate()
        i18n.connect(self)

    def retranslate(self) -> None:
        self.notice.setText(i18n.tr(self._notice_key))

    def show_notice(self, key: str) -> None:
        self._notice_key = key
        self.notice.setVisible(True)
        self.retranslate()

    def show_error(self, text: str) -> None:
        """A core error message (already in the user's language) at the top: under the
        notice while there is no copy, alone above the pages once there is one (the notice
        was hidden then, and a failed print or save went unseen)."""
        shown = self._pdf is not None and not self.notice.isVisibleTo(self)
        self.notice.setText(text if shown else f"{self.notice.text()}\n{text}")
        self.notice.setVisible(True)
        self.verticalScrollBar().setValue(0)

    def show_pdf(self, pdf: bytes) -> None:
        """Draw `pdf`'s pages (rasterised in the background; `pages` fills when done)."""
        self._pdf = pdf
        self._drawn_width = width = self._page_width()
        self._drawing += 1
        drawing = self._drawing
        self._ops.run(lambda: rasterise(pdf, width), lambda images: self._draw(drawing, images),
                      lambda exc: self._draw_failed(drawing, exc))

    def _draw_failed(self, drawing: int, _exc: Exception) -> None:
        if drawing == self._drawing:  # a PDF pdfium cannot read: a defect, in the log
            self.show_notice("preview.failed")

    def _draw(self, drawing: int, images: list[QImage]) -> None:
        if drawing != self._drawing:
            return
        for label in self.pages:
            label.deleteLater()
        self.pages = []
        self.notice.setVisible(False)
        for i, image in enumerate(images):
            label = QLabel()
            label.setProperty("data", True)
            label.setPixmap(QPixmap.fromImage(image))
            self._layout.insertWidget(i + 1, label)
            self.pages.append(label)

    def _page_width(self) -> int:
        if not self.isVisible():
            return 600  # not laid out yet: drawn again for the view's width once shown
        return max(200, self.viewport().width() - 40)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._width_changed()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._width_changed()

    def _width_changed(self) -> None:
        if self._pdf is not None and abs(self._page_width() - self._drawn_width) > 8:
            self._redraw.start()

    def _fit_width(self) -> None:
        if self._pdf is not None and self._page_width() != self._drawn_width:
            self.show_pdf(self._pdf)
