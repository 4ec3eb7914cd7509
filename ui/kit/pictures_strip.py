"""The pictures of a slip, a repair order or a complaint: a strip of thumbnails (issue 21).

One row: a title with the count, the add button (file dialog: pictures and PDFs), the
camera button (only where Qt Multimedia and a camera exist: ui.kit.camera), then the
thumbnails (a horizontal list; kinetic under a finger like every list, ui.kit.touch;
each cell well over 44 px). Files dropped anywhere on the strip are added the same way.
A tap on a thumbnail opens the full view (ui.kit.picture_view: zoom, caption, kind,
remove). When the record is locked (a signed or sealed slip) the strip says why instead
of offering the buttons; on a sealed slip adding means an amendment (the editor's).

Every cell has the same size, the picture centred in a square of `THUMB`, so the kind
labels under pictures of any shape stand on one line.

A pulled record's picture whose file is not on this laptop (files do not come down with
the records) shows a "图片未下载 / Not downloaded" tile and is fetched from the archive
while the strip shows it (fieldapp.services.picture_files, on a worker: `Ops.run`); when
that cannot be done (offline, no archive) one line says why and the tile stays. Each file
is tried once per record shown; opening it in the full view tries again.

Everything goes through fieldapp.services.attachments on the writer/readers (`Ops.call`);
the thumbnails are decoded on a worker (`Ops.run`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.services import attachments as service
from fieldapp.services import picture_files
from fieldapp.store import Store
from ui.kit import i18n
from ui.kit.camera import CameraDialog, camera_available
from ui.kit.fields import error_label, show_error
from ui.kit.ops import Ops
from ui.kit.picture_view import PictureDialog, message_of

THUMB = 64  # px: the picture; the cell adds its kind below (≥ 44 px targets)
FILE_FILTER = "*.jpg *.jpeg *.png *.bmp *.tif *.tiff *.gif *.pdf"


def _square(image: QImage) -> QImage:
    """The picture scaled into a THUMB × THUMB square, centred on a clear ground: every
    cell's icon has one size, so the labels under them align."""
    scaled = image.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                          Qt.TransformationMode.SmoothTransformation)
    cell = QImage(THUMB, THUMB, QImage.Format.Format_ARGB32_Premultiplied)
    cell.fill(Qt.GlobalColor.transparent)
    painter = QPainter(cell)
    painter.drawImage((THUMB - scaled.width()) // 2, (THUMB - scaled.height()) // 2, scaled)
    painter.end()
    return cell


def _thumbnails(items: tuple[service.AttachmentView, ...]) -> dict[uuid.UUID, QImage]:
    """On a worker: each picture decoded and scaled (QImage is safe off the GUI thread)."""
    out: dict[uuid.UUID, QImage] = {}
    for item in items:
        if item.is_image and item.path is not None:
            image = QImage(str(item.path))
            if not image.isNull():
                out[item.id] = _square(image)
    return out


def _fetch(store: Store, shas: list[str]) -> tuple[list[str], Exception | None]:
    """On a worker: bring these pictures down from the archive, one after the other;
    (fetched, the first failure). Offline, no archive, not joined: the rest is not tried."""
    fetched: list[str] = []
    failure: Exception | None = None
    for sha in shas:
        try:
            picture_files.fetch(store, sha)
        except picture_files.PictureNotFetched as exc:
            failure = failure or exc
            if exc.reason in ("offline", "local", "login"):
                break
            continue
        fetched.append(sha)
    return fetched, failure


def _placeholder(text: str) -> QPixmap:
    """A document's (or a not-yet-synced picture's) tile: its type in a grey square."""
    pixmap = QPixmap(THUMB, THUMB)
    pixmap.fill(QColor("#eceff1"))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#486581"))
    area, flags = pixmap.rect().adjusted(3, 3, -3, -3), (
        Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
    font = painter.font()
    for size in range(12, 7, -1):  # the largest size at which the words fit the tile
        font.setPixelSize(size)
        painter.setFont(font)
        fits = painter.fontMetrics().boundingRect(area, flags, text)
        if fits.width() <= area.width() and fits.height() <= area.height():
            break
    painter.drawText(area, flags, text)
    painter.end()
    return pixmap


def not_downloaded(item: service.AttachmentView) -> bool:
    """A picture of a pulled record whose file is not on this laptop (yet)."""
    return item.is_image and item.path is None


class PicturesStrip(QWidget):
    changed = Signal()  # pictures were added, edited or removed

    def __init__(self, ops: Ops, *, actor_code: Callable[[], str], titled: bool = True,
                 parent: QWidget | None = None) -> None:
        """`titled=False` inside a box that names it already (the repair and complaint
        views)."""
        super().__init__(parent)
        self.setObjectName("pictures_strip")
        self.ops, self.actor_code = ops, actor_code
        self.listing: service.AttachmentList | None = None
        self.owner: tuple[str, uuid.UUID] | None = None
        self._fetch_tried: set[str] = set()  # files asked of the archive for this record
        self.setAcceptDrops(True)
        self.title = QLabel()
        self.title.setProperty("role", "caption")
        self.title.setVisible(titled)
        self.add_button = QPushButton()
        self.camera_button = QPushButton()
        self.camera_button.setVisible(camera_available())
        self.locked = QLabel()
        self.locked.setProperty("role", "notice")
        self.locked.setWordWrap(True)
        self.error = error_label()
        # why pictures of this record could not be fetched: beside the thumbnails, in
        # sight at the foot of a scrolled page (one line, a few when narrow)
        self.fetch_note = QLabel()
        self.fetch_note.setObjectName("fetch_note")
        self.fetch_note.setProperty("role", "notice")
        self.fetch_note.setWordWrap(True)
        self.fetch_note.setMaximumWidth(380)
        self.fetch_note.hide()
        self.list = QListWidget()
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setFlow(QListView.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setGridSize(QSize(THUMB + 36, THUMB + 26))
        self.list.setUniformItemSizes(True)  # one cell size: the labels on one line
        self.list.setFixedHeight(THUMB + 36)
        self.list.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemClicked.connect(self._open)
        self.list.itemActivated.connect(self._open)

        head = QVBoxLayout()
        head.setSpacing(2)
        head.addWidget(self.title)
        head.addWidget(self.add_button)
        head.addWidget(self.camera_button)
        head.addStretch(1)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(head)
        row.addWidget(self.list, 1)
        row.addWidget(self.fetch_note)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.locked)
        layout.addWidget(self.error)
        self.add_button.clicked.connect(self.pick_files)
        self.camera_button.clicked.connect(self.take_picture)
        self.retranslate()
        i18n.connect(self)

    def retranslate(self) -> None:
        count = len(self.listing.items) if self.listing else 0
        self.title.setText(i18n.tr("pictures.title", count=count))
        self.add_button.setText(i18n.tr("pictures.add"))
        self.camera_button.setText(i18n.tr("pictures.camera"))
        self.list.setToolTip(i18n.tr("pictures.drop_hint"))
        if self.listing is not None:
            self._show(self.listing, reload_images=False)

    # -- loading ----------------------------------------------------------------------
    def set_owner(self, owner_kind: str, owner_id: uuid.UUID) -> None:
        if self.owner != (owner_kind, owner_id):
            self._fetch_tried = set()
            self.fetch_note.hide()
        self.owner = (owner_kind, owner_id)
        self.reload()

    def reload(self) -> None:
        if self.owner is None:
            return
        store, (kind, owner_id) = self.ops.store, self.owner
        self.ops.call(lambda: service.listing(store, kind, owner_id), self._show, self._failed)

    def _show(self, listing: service.AttachmentList, reload_images: bool = True) -> None:
        if self.owner != (listing.owner_kind, listing.owner_id):
            return  # an answer for the record shown before
        self.listing = listing
        self.title.setText(i18n.tr("pictures.title", count=len(listing.items)))
        self.add_button.setEnabled(listing.editable)
        self.camera_button.setEnabled(listing.editable)
        self.locked.setVisible(listing.locked is not None)
        self.locked.setText(i18n.pair(listing.locked) if listing.locked else "")
        current = {self.list.item(i).data(Qt.ItemDataRole.UserRole): self.list.item(i).icon()
                   for i in range(self.list.count())}
        self.list.clear()
        for item in listing.items:
            cell = QListWidgetItem(i18n.pair(item.kind_label))
            cell.setData(Qt.ItemDataRole.UserRole, item.id)
            cell.setToolTip(item.caption or item.original_name)
            cell.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            kept = current.get(item.id)
            if not_downloaded(item):
                cell.setIcon(QIcon(_placeholder(i18n.tr("pictures.not_downloaded"))))
                cell.setToolTip(i18n.tr("pictures.not_downloaded_tip"))
            else:
                cell.setIcon(kept if kept is not None and not kept.isNull() else QIcon(
                    _placeholder("PDF" if not item.is_image else "…")))
            self.list.addItem(cell)
        if reload_images:
            items = listing.items
            self.ops.run(lambda: _thumbnails(items), self._thumbs)
            self.fetch_missing()

    # -- pictures not on this laptop ------------------------------------------------------
    def fetch_missing(self) -> None:
        """Ask the archive for the shown record's pictures that are not here (each once)."""
        if self.listing is None:
            return
        shas = list(dict.fromkeys(item.sha256 for item in self.listing.items
                                  if not_downloaded(item)
                                  and item.sha256 not in self._fetch_tried))
        if not shas:
            return
        self._fetch_tried.update(shas)
        store, owner = self.ops.store, self.owner
        self.ops.run(lambda: _fetch(store, shas),
                     lambda outcome: self._fetched(owner, *outcome))

    def _fetched(self, owner: object, fetched: list[str], failure: Exception | None) -> None:
        if owner != self.owner:
            return  # the strip shows another record now
        show_error(self.fetch_note, None, message_of(failure) if failure is not None else "")
        if fetched:
            self.reload()

    def _thumbs(self, images: dict[uuid.UUID, QImage]) -> None:
        for i in range(self.list.count()):
            cell = self.list.item(i)
            image = images.get(cell.data(Qt.ItemDataRole.UserRole))
            if image is not None:
                cell.setIcon(QIcon(QPixmap.fromImage(image)))

    def _failed(self, exc: Exception) -> None:
        show_error(self.error, None, message_of(exc))

    # -- adding ------------------------------------------------------------------------
    def pick_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, i18n.tr("pictures.pick_title"), "",
            f"{i18n.tr('pictures.pick_filter')} ({FILE_FILTER})")
        self.add_paths([Path(n) for n in names])

    def add_paths(self, paths: list[Path]) -> None:
        if not paths or self.owner is None or not (self.listing and self.listing.editable):
            return
        store, (kind, owner_id), code = self.ops.store, self.owner, self.actor_code()
        self.ops.call(lambda: service.add_files(store, kind, owner_id, paths, actor_code=code),
                      self._added, self._failed, write=True)

    def add_bytes(self, data: bytes, name: str) -> None:
        if self.owner is None:
            return
        store, (kind, owner_id), code = self.ops.store, self.owner, self.actor_code()
        self.ops.call(lambda: service.add(store, kind, owner_id, data=data, name=name,
                                          actor_code=code),
                      lambda _view: self._changed(), self._failed, write=True)

    def _added(self, outcome: service.AddOutcome) -> None:
        lines = [f"{name}: {i18n.pair((zh, en))}" for name, zh, en in outcome.refused]
        show_error(self.error, None, "\n".join(lines))
        if outcome.added:
            self._changed()

    def _changed(self) -> None:
        self.reload()
        self.changed.emit()

    def take_picture(self) -> None:
        dialog = CameraDialog(self)
        dialog.taken.connect(lambda data: self.add_bytes(data, "camera.jpg"))
        dialog.open()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and self.listing is not None and self.listing.editable:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        self.add_paths(paths)

    # -- the full view -------------------------------------------------------------------
    def _open(self, cell: QListWidgetItem) -> None:
        if self.listing is None:
            return
        ids = [item.id for item in self.listing.items]
        index = ids.index(cell.data(Qt.ItemDataRole.UserRole))
        self.dialog = PictureDialog(self.ops, self.listing, index,
                                    actor_code=self.actor_code, parent=self.window())
        self.dialog.changed.connect(self._changed)
        self.dialog.fetched.connect(self.reload)
        self.dialog.resize(1100, 640)
        self.dialog.open()
