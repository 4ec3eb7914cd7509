"""One attachment in full: zoom by pinching (QPinchGesture, two fingers on the picture; a
touchpad's pinch comes as a native zoom gesture) or with the buttons, drag to pan
(kinetic under a finger, like every scroll area: ui.kit.touch), and its caption and
kind edited below it. A PDF shows its name and opens in the system viewer.

The picture is read and decoded on a worker (`Ops.run`); saving and removing go through
fieldapp.services.attachments on the writer (`Ops.call`). A picture whose file is not on
this laptop (a pulled record's) is fetched from the archive when it is shown
(fieldapp.services.picture_files, on a worker); until then, or when that fails (one line
says why: offline, no archive), the view says "图片未下载 / Not downloaded".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QNativeGestureEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGestureEvent,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPinchGesture,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.errors import FieldappError
from fieldapp.base.timeutil import format_local
from fieldapp.services import attachments as service
from fieldapp.services import picture_files
from ui.kit import i18n
from ui.kit.fields import error_label, show_error
from ui.kit.ops import Ops

MIN_ZOOM, MAX_ZOOM = 0.05, 8.0
STEP = 1.25


class ZoomArea(QGraphicsView):
    """A picture that zooms about the fingers' centre or with `zoom_by`, and fits."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.item = QGraphicsPixmapItem()
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self.item)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)
        self.viewport().installEventFilter(self)
        self.zoom = 1.0

    def set_image(self, image: QImage) -> None:
        self.item.setPixmap(QPixmap.fromImage(image))
        self.scene().setSceneRect(self.item.boundingRect())
        self.fit()

    def fit(self) -> None:
        if self.item.pixmap().isNull():
            return
        self.fitInView(self.item, Qt.AspectRatioMode.KeepAspectRatio)
        self.zoom = self.transform().m11()

    def zoom_by(self, factor: float) -> None:
        target = min(MAX_ZOOM, max(MIN_ZOOM, self.zoom * factor))
        if target != self.zoom:
            self.scale(target / self.zoom, target / self.zoom)
            self.zoom = target

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Gesture and isinstance(event, QGestureEvent):
            pinch = event.gesture(Qt.GestureType.PinchGesture)
            if isinstance(pinch, QPinchGesture):
                changed = pinch.changeFlags()
                if changed & QPinchGesture.ChangeFlag.ScaleFactorChanged:
                    self.zoom_by(pinch.scaleFactor())
                event.accept()
                return True
        if (event.type() == QEvent.Type.NativeGesture
                and isinstance(event, QNativeGestureEvent)
                and event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture):
            self.zoom_by(1.0 + event.value())  # value: the change since the last one
            event.accept()
            return True
        return super().eventFilter(watched, event)


def _load(path: str) -> QImage:
    """On a worker: QImage (unlike QPixmap) may be made off the GUI thread."""
    return QImage(path)


class PictureDialog(QDialog):
    """The full view of one attachment of a list, with previous/next."""

    changed = Signal()  # a caption, kind or removal was saved
    fetched = Signal()  # a picture not here was brought down from the archive

    def __init__(self, ops: Ops, listing: service.AttachmentList, index: int, *,
                 actor_code: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("picture_dialog")
        self.ops, self.listing, self.index = ops, listing, index
        self.actor_code = actor_code
        self.view = ZoomArea()
        self.document_label = QLabel()
        self.document_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.document_label.setWordWrap(True)
        self.open_button = QPushButton()
        self.zoom_in, self.zoom_out, self.fit_button = QPushButton(), QPushButton(), QPushButton()
        self.prev_button, self.next_button = QPushButton(), QPushButton()
        self.info = QLabel()
        self.info.setProperty("role", "caption")
        self.caption = QLineEdit()
        self.kind = QComboBox()
        for value, labels in service.KINDS:
            self.kind.addItem(i18n.pair(labels), value)
        self.save_button, self.remove_button, self.close_button = (
            QPushButton(), QPushButton(), QPushButton())
        self.save_button.setProperty("primary", True)
        self.error = error_label()

        tools = QHBoxLayout()
        for button in (self.prev_button, self.next_button, self.zoom_out, self.zoom_in,
                       self.fit_button, self.open_button):
            tools.addWidget(button)
        tools.addWidget(self.info, 1)
        edit = QHBoxLayout()
        self.caption_caption, self.kind_caption = QLabel(), QLabel()
        edit.addWidget(self.kind_caption)
        edit.addWidget(self.kind)
        edit.addWidget(self.caption_caption)
        edit.addWidget(self.caption, 1)
        edit.addWidget(self.save_button)
        edit.addWidget(self.remove_button)
        edit.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.document_label, 1)
        layout.addLayout(tools)
        layout.addLayout(edit)
        layout.addWidget(self.error)

        self.zoom_in.clicked.connect(lambda: self.view.zoom_by(STEP))
        self.zoom_out.clicked.connect(lambda: self.view.zoom_by(1 / STEP))
        self.fit_button.clicked.connect(self.view.fit)
        self.prev_button.clicked.connect(lambda: self.show_index(self.index - 1))
        self.next_button.clicked.connect(lambda: self.show_index(self.index + 1))
        self.open_button.clicked.connect(self._open_outside)
        self.save_button.clicked.connect(self.save)
        self.remove_button.clicked.connect(self.remove)
        self.close_button.clicked.connect(self.accept)
        self.caption.returnPressed.connect(self.save)
        self.retranslate()
        i18n.connect(self)
        self.show_index(index)

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("pictures.view_title"))
        for button, key in ((self.zoom_in, "pictures.zoom_in"),
                            (self.zoom_out, "pictures.zoom_out"),
                            (self.fit_button, "pictures.fit"), (self.prev_button, "pictures.prev"),
                            (self.next_button, "pictures.next"),
                            (self.open_button, "pictures.open_outside"),
                            (self.save_button, "button.save"),
                            (self.remove_button, "pictures.remove"),
                            (self.close_button, "button.close")):
            button.setText(tr(key))
        self.kind_caption.setText(tr("pictures.kind"))
        self.caption_caption.setText(tr("pictures.caption"))
        self.caption.setPlaceholderText(tr("pictures.caption_hint"))
        for row, (_value, labels) in enumerate(service.KINDS):
            self.kind.setItemText(row, i18n.pair(labels))
        if self.listing.items:
            self._show_info(self.listing.items[self.index])

    @property
    def current(self) -> service.AttachmentView:
        return self.listing.items[self.index]

    def show_index(self, index: int) -> None:
        if not self.listing.items:
            self.accept()
            return
        self.index = max(0, min(index, len(self.listing.items) - 1))
        item = self.current
        self.prev_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < len(self.listing.items) - 1)
        self.caption.setText(item.caption)
        self.kind.setCurrentIndex(max(0, self.kind.findData(item.kind)))
        for widget in (self.caption, self.kind, self.save_button, self.remove_button):
            widget.setEnabled(self.listing.editable)
        picture = item.is_image and item.path is not None
        self.view.setVisible(picture)
        for button in (self.zoom_in, self.zoom_out, self.fit_button):
            button.setVisible(picture)
        self.document_label.setVisible(not picture)
        self.open_button.setVisible(not item.is_image and item.path is not None)
        self.error.hide()
        self._show_info(item)
        if picture:
            path, shown = str(item.path), item.id
            self.ops.run(lambda: _load(path),
                         lambda image: self._loaded(shown, image))
        elif item.is_image:  # not on this laptop: ask the archive for it now
            store, sha, shown = self.ops.store, item.sha256, item.id
            self.document_label.setText(i18n.tr("pictures.downloading"))
            self.ops.run(lambda: picture_files.fetch(store, sha),
                         lambda path: self._fetched(shown, path),
                         lambda exc: self._not_fetched(shown, exc))

    def _show_info(self, item: service.AttachmentView) -> None:
        taken = format_local(item.captured_at) if item.captured_at else "—"
        self.info.setText(i18n.tr("pictures.info", n=self.index + 1,
                                  total=len(self.listing.items), taken=taken,
                                  size=f"{item.size / 1024:.0f}",
                                  pixels=f"{item.width}×{item.height}" if item.width else "—"))
        self.document_label.setText(item.original_name or item.media_type)
        if item.path is None:
            self.document_label.setText(i18n.tr(
                "pictures.not_downloaded_view" if item.is_image else "pictures.not_here"))

    def _fetched(self, shown: object, path: Path) -> None:
        items = tuple(replace(i, path=path) if i.id == shown else i for i in self.listing.items)
        self.listing = service.AttachmentList(
            self.listing.owner_kind, self.listing.owner_id, items, self.listing.editable,
            self.listing.locked, self.listing.sealed)
        self.fetched.emit()
        if self.listing.items and self.current.id == shown:
            self.show_index(self.index)

    def _not_fetched(self, shown: object, exc: Exception) -> None:
        if self.listing.items and self.current.id == shown:
            self.document_label.setText(i18n.tr("pictures.not_downloaded_view"))
            show_error(self.error, None, message_of(exc))

    def _loaded(self, shown: object, image: QImage) -> None:
        if self.listing.items and self.current.id == shown:
            self.view.set_image(image)

    def _open_outside(self) -> None:
        if self.current.path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.current.path)))

    def save(self) -> None:
        store, item_id = self.ops.store, self.current.id
        caption, kind = self.caption.text(), str(self.kind.currentData())
        self.ops.call(lambda: service.edit(store, item_id, caption=caption, kind=kind),
                      self._saved, self._failed, write=True)

    def _saved(self, view: service.AttachmentView) -> None:
        items = tuple(view if i.id == view.id else i for i in self.listing.items)
        self.listing = service.AttachmentList(
            self.listing.owner_kind, self.listing.owner_id, items, self.listing.editable,
            self.listing.locked, self.listing.sealed)
        self.changed.emit()

    def remove(self) -> None:
        store, item_id, code = self.ops.store, self.current.id, self.actor_code()
        self.ops.call(lambda: service.remove(store, item_id, actor_code=code),
                      lambda _none: self._removed(item_id), self._failed, write=True)

    def _removed(self, item_id: object) -> None:
        items = tuple(i for i in self.listing.items if i.id != item_id)
        self.listing = service.AttachmentList(
            self.listing.owner_kind, self.listing.owner_id, items, self.listing.editable,
            self.listing.locked, self.listing.sealed)
        self.changed.emit()
        self.show_index(self.index)

    def _failed(self, exc: Exception) -> None:
        show_error(self.error, None, message_of(exc))


def message_of(exc: Exception) -> str:
    return exc.message(i18n.current()) if isinstance(exc, FieldappError) else str(exc)
