"""The start frame as a picture (issue 23 item 1; docs/performance.md, "Start-up").

When a session closes, the frame the next start will show is drawn once, off screen, at
the main window's size, from the snapshot just written, and kept beside it
(`window-start.png`). The next start paints that picture first — one image instead of
~60 widgets styled and laid out, ~45 ms of CPU sooner on screen — and builds the frame's
widgets right after, which take its place pixel for pixel (`StartFrame`). The picture is
used only for exactly the start it was drawn for: the same snapshot, app version and
settings the frame shows (`key`), and, checked when it paints, the same window size and
pixel ratio; anything else and the frame's widgets are built first, as with no picture.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QSize
from PySide6.QtGui import QImage, QImageReader

from fieldapp import __version__
from fieldapp.base.files import write_file
from fieldapp.base.settings import Settings
from ui.shell.snapshot import Snapshot

FILE_NAME = "window-start.png"
TEXT_KEY = "fieldapp-start"  # the PNG text entry that holds the key
# what the frame shows of the settings (the greeting, the toolbar, the tabs, the time)
SHOWN_SETTINGS = ("role", "operator_name", "timezone")


def path_in(folder: Path) -> Path:
    return folder / FILE_NAME


def key(shot: Snapshot, settings: Settings, ratio: float) -> str:
    """What the picture shows, in one line: it is used only where this matches."""
    return "|".join([__version__, shot.saved_at.isoformat(), shot.language, str(shot.mine),
                     *(str(settings.get(name)) for name in SHOWN_SETTINGS), f"{ratio:g}"])


def read(folder: Path, shot: Snapshot, settings: Settings, ratio: float) -> QImage | None:
    """The picture drawn for this start (`key`), or None (none there, another key,
    unreadable). The key is read from the file's header first: the pixels only when they
    are this start's."""
    wanted = key(shot, settings, ratio)
    path = path_in(folder)
    if not path.is_file():
        return None
    reader = QImageReader(str(path), b"png")
    if reader.text(TEXT_KEY) != wanted:
        return None
    image = reader.read()
    if image.isNull():
        return None
    image.setDevicePixelRatio(ratio)  # a PNG keeps pixels, not the ratio
    return image


def draw(settings: Settings, shot: Snapshot, size: QSize) -> QImage:
    """The frame as the next start will show it first: built off screen at `size`."""
    from PySide6.QtCore import Qt

    from ui.kit.app_filters import filters_off
    from ui.shell.start_frame import StartFrame

    # without the app's filters: the window placer would size it as a window of its own
    with filters_off():
        frame = StartFrame(settings, shot)
        frame.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        frame.resize(size)
        frame.show()  # laid out and styled as on screen, never mapped
        image = frame.grab().toImage()
        frame.close()
    frame.deleteLater()
    return image


def write(folder: Path, image: QImage, shot: Snapshot, settings: Settings) -> None:
    """Keep the picture with its key (atomically, as the snapshot)."""
    image.setText(TEXT_KEY, key(shot, settings, image.devicePixelRatio()))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stub says bytes; PySide6 takes only str here
    write_file(path_in(folder), bytes(buffer.data().data()))
