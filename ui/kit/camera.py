"""The laptop's camera, when there is one and Qt Multimedia is installed.

PySide6-Essentials (the app's dependency) has no QtMultimedia; it comes with
PySide6-Addons, which the bundle leaves out for its size (docs/desktop.md, "Pictures").
`camera_available()` says whether the module imports and a camera is attached; the
pictures strip shows its camera button only then. `CameraDialog` shows the live picture
and hands back one still as JPEG bytes (`taken`), which go through the same service as a
picked file (downscaled, EXIF stripped).
"""

from __future__ import annotations

import importlib
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ui.kit import i18n

_multimedia: Any = None
_checked = False


def _module() -> Any:
    """QtMultimedia, or None (not installed, or its libraries fail to load)."""
    global _multimedia, _checked
    if not _checked:
        _checked = True
        try:
            _multimedia = importlib.import_module("PySide6.QtMultimedia")
        except ImportError:
            _multimedia = None
    return _multimedia


def camera_available() -> bool:
    module = _module()
    if module is None:
        return False
    try:
        return bool(module.QMediaDevices.videoInputs())
    except RuntimeError:
        return False


def jpeg_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, b"JPEG", quality=92)
    buffer.close()
    return bytes(data.data())


class CameraDialog(QDialog):
    """Live view and one button: the still is `taken` (JPEG bytes), then the dialog closes."""

    taken = Signal(bytes)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        module = _module()
        widgets = importlib.import_module("PySide6.QtMultimediaWidgets")
        self.camera = module.QCamera(module.QMediaDevices.defaultVideoInput())
        self.capture = module.QImageCapture()
        self.session = module.QMediaCaptureSession()
        self.session.setCamera(self.camera)
        self.session.setImageCapture(self.capture)
        self.viewfinder = widgets.QVideoWidget()
        self.viewfinder.setMinimumSize(640, 400)
        self.session.setVideoOutput(self.viewfinder)
        self.shoot_button = QPushButton()
        self.shoot_button.setProperty("primary", True)
        self.cancel_button = QPushButton()
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.shoot_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.viewfinder, 1)
        layout.addLayout(row)
        self.shoot_button.clicked.connect(self.capture.capture)
        self.cancel_button.clicked.connect(self.reject)
        self.capture.imageCaptured.connect(self._captured)
        self.retranslate()
        i18n.connect(self)
        self.camera.start()

    def retranslate(self) -> None:
        self.setWindowTitle(i18n.tr("pictures.camera_title"))
        self.shoot_button.setText(i18n.tr("pictures.shoot"))
        self.cancel_button.setText(i18n.tr("button.cancel"))

    def _captured(self, _id: int, image: QImage) -> None:
        self.camera.stop()
        self.taken.emit(jpeg_bytes(image))
        self.accept()

    def done(self, result: int) -> None:
        self.camera.stop()
        super().done(result)
