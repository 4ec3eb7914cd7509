"""Every window fits a small laptop screen, and opens again where the engineer left it.

The smallest screen we promise is 1280×680 logical px: a 1366×768 laptop at 100 %, or
1920×1080 at 150 % (1280×720 logical), less a taskbar. Windows ask for a size within
`BUDGET`; long forms scroll their content (`scroll_body`) with the button row outside.

`WindowPlacer` is an app-wide event filter (`ui.shell.app.install_desktop`), so a new dialog is
covered without code of its own. When one of the app's windows is first shown it gets
the geometry remembered for this window on a screen of this size, else its own size
clamped to the screen; it opens maximised when that size takes 90 % or more of the
screen's available width or height (the main window and the long forms on a 1366×768 or
1280×720 screen). When it hides, its geometry is remembered in the `window_geometry`
setting (docs/desktop.md, "Fit").
"""

from __future__ import annotations

import logging
from typing import TypeGuard

# `QtCore.Qt`, read where used: the first use of PySide6's `Qt` namespace builds all its
# enums (~20 ms), and the start frame is placed by this module before its first paint
from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QRect, QSize, QTimer
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QDialog, QFrame, QMainWindow, QScrollArea, QWidget

from fieldapp.base.errors import FieldappError
from fieldapp.base.settings import Settings

log = logging.getLogger("fieldapp.ui")

BUDGET = QSize(1280, 680)
MAXIMISE_SHARE = 0.9
# A window's size excludes its frame, unknown before it is first shown: room for a title
# bar and borders at 100–150 %.
FRAME = QSize(16, 40)
PLACED = "fit_placed"  # the window's geometry key, set when it is first placed
AS_PLACED = "fit_as_placed"  # its geometry then: only a change the engineer made is kept


class FormScroll(QScrollArea):
    """A long form's scroll area: vertical only, and never narrower than the form needs,
    so nothing is cut off at the right (the window grows to the form's width instead)."""

    def __init__(self, body: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("form_scroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(body)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        body = self.widget()
        if body is None:
            return hint
        width = (body.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
                 + 2 * self.frameWidth())
        return QSize(max(hint.width(), width), hint.height())

    def sizeHint(self) -> QSize:
        """The whole form (the window is then kept within the screen by `WindowPlacer`)."""
        body = self.widget()
        if body is None:
            return super().sizeHint()
        extra = 2 * self.frameWidth()
        return body.sizeHint() + QSize(self.verticalScrollBar().sizeHint().width() + extra,
                                       extra)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the form's width changed (a language switch, say)
        return super().eventFilter(watched, event)


def scroll_body(body: QWidget) -> QScrollArea:
    """`body` in a `FormScroll`: a long form scrolls, the dialog's button row stays below."""
    return FormScroll(body)


def _ours(widget: QObject) -> TypeGuard[QDialog | QMainWindow]:
    """The app's own windows; Qt's standard dialogs (message boxes, file and print
    dialogs) size themselves."""
    return (isinstance(widget, (QDialog, QMainWindow)) and widget.isWindow()
            and type(widget).__module__.startswith("ui."))


def screen_of(window: QWidget) -> QScreen:
    parent = window.parentWidget()
    return (parent.window() if parent is not None else window).screen()


def geometry_key(window: QWidget, screen: QScreen) -> str:
    size = screen.size()
    return f"{window.objectName() or type(window).__name__}@{size.width()}x{size.height()}"


def _state(window: QWidget) -> str:
    maximised = window.isMaximized()
    rect = window.normalGeometry() if maximised else window.geometry()
    return f"{rect.x()},{rect.y()},{rect.width()},{rect.height()},{int(maximised)}"


def _show(window: QWidget, *, maximised: bool, show: bool) -> None:
    if show:
        if maximised:
            window.showMaximized()
        else:
            window.show()
    elif maximised:
        maximise = QtCore.Qt.WindowState.WindowMaximized
        window.setWindowState(window.windowState() | maximise)


def should_maximise(size: QSize, available: QRect) -> bool:
    return (size.width() >= available.width() * MAXIMISE_SHARE
            or size.height() >= available.height() * MAXIMISE_SHARE)


class WindowPlacer(QObject):
    """Sizes, places and remembers the app's windows (see the module's docstring)."""

    def __init__(self, settings: Settings | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Show:
            if _ours(watched) and not watched.property(PLACED):
                self.place(watched)
        elif (kind == QEvent.Type.Hide and isinstance(watched, QWidget)
              and watched.isWindow() and watched.property(PLACED)):
            self.remember(watched)
        return False

    # -- placing -----------------------------------------------------------------------
    def place(self, window: QWidget, *, show: bool = False) -> None:
        """Size and place `window` before it is shown; `show`: show it too (maximised
        by `showMaximized`, which needs no `Qt` enum: the start frame, before its first
        paint)."""
        screen = screen_of(window)
        available = screen.availableGeometry()
        key = geometry_key(window, screen)
        window.setProperty(PLACED, key)
        # once the dialog has centred itself, which follows this Show event
        QTimer.singleShot(0, window, lambda: window.setProperty(AS_PLACED, _state(window)))
        saved = self._saved(key, available)
        if saved is not None:
            rect, maximised = saved
            window.setGeometry(rect)
            _show(window, maximised=maximised, show=show)
            return
        room = available.size() - FRAME
        for area in window.findChildren(FormScroll):
            area.updateGeometry()  # its form's width as of now (the texts were just set)
        minimum, hint = window.minimumSizeHint(), window.sizeHint()
        wanted = window.size().expandedTo(minimum)
        # a side the window never set (resize(640, 0)) comes from its content
        if wanted.width() <= minimum.width():
            wanted.setWidth(max(wanted.width(), hint.width()))
        if wanted.height() <= minimum.height():
            wanted.setHeight(max(wanted.height(), hint.height()))
        window.resize(wanted.boundedTo(BUDGET).boundedTo(room))
        if isinstance(window, QMainWindow):
            frame = QRect(0, 0, window.width(), window.height())
            frame.moveCenter(available.center())
            window.move(frame.topLeft())
        # a dialog centres itself over its parent in its own showEvent, which follows
        _show(window, maximised=should_maximise(wanted, available), show=show)

    def _saved(self, key: str, available: QRect) -> tuple[QRect, bool] | None:
        if self.settings is None:
            return None
        value = self.settings.get("window_geometry").get(key)
        if (not isinstance(value, list) or len(value) != 5
                or not all(isinstance(v, int) for v in value)):
            return None
        x, y, width, height, maximised = value
        rect = QRect(x, y, width, height)
        if width <= 0 or height <= 0 or not available.contains(rect.center()):
            return None  # another arrangement of screens: the defaults instead
        rect.setSize(rect.size().boundedTo(available.size() - FRAME))
        rect.moveLeft(max(available.left(), min(rect.left(), available.right() - rect.width())))
        rect.moveTop(max(available.top(), min(rect.top(), available.bottom() - rect.height())))
        return rect, bool(maximised)

    # -- remembering -------------------------------------------------------------------
    def remember(self, window: QWidget) -> None:
        """Keep the window's geometry when the engineer moved, resized, maximised or
        restored it (a size the app chose is chosen again next time, for the content and
        language of then)."""
        if self.settings is None or _state(window) == window.property(AS_PLACED):
            return
        maximised = window.isMaximized()
        rect = window.normalGeometry() if maximised else window.geometry()
        if not rect.isValid():
            return
        saved = dict(self.settings.get("window_geometry"))
        saved[str(window.property(PLACED))] = [
            rect.x(), rect.y(), rect.width(), rect.height(), int(maximised)]
        self.settings.set("window_geometry", saved)
        try:
            self.settings.save()
        except FieldappError as exc:  # a window's size is not worth an error message
            log.warning("window geometry not saved: %s", exc)
