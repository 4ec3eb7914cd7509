"""The app-wide event filters, and building a large window without them.

`TouchFilter` (`ui.kit.touch`) and `WindowPlacer` (`ui.kit.fit`) are Python event filters
on the application: they see every event of every object. Building the main window sends
~20,000 events (children added, and the stylesheet's style, font and palette changes
as each widget finds its parent) through both: ~250 ms of CPU of the ~570 ms the build
took. `built_without_filters` takes them off while a window is built and prepares its
widgets for the finger in one pass after (docs/performance.md, "Start-up").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QWidget

from ui.kit.touch import TouchFilter, prepare

W = TypeVar("W", bound=QWidget)

_installed: list[QObject] = []  # in the order installed


def install(qt_app: QApplication, filters: list[QObject]) -> None:
    for f in filters:
        qt_app.installEventFilter(f)
        _installed.append(f)


def uninstall(qt_app: QApplication, filters: list[QObject]) -> None:
    for f in filters:
        qt_app.removeEventFilter(f)
        if f in _installed:
            _installed.remove(f)


def remove(qt_app: QApplication, filters: list[QObject]) -> None:
    """The filters off and deleted: their session is over."""
    uninstall(qt_app, filters)
    for f in filters:
        f.deleteLater()


def uninstall_all(qt_app: QApplication) -> None:
    """Every filter `install` put on, off and deleted."""
    remove(qt_app, list(_installed))


@contextmanager
def filters_off() -> Iterator[list[QObject]]:
    """The app-wide filters off for the block (and on again after it, in their order:
    the last installed sees events first). Yields the filters that were on."""
    qt_app = QApplication.instance()
    if qt_app is None:
        yield []
        return
    filters = list(_installed)
    for f in filters:
        qt_app.removeEventFilter(f)
    try:
        yield filters
    finally:
        for f in filters:
            qt_app.installEventFilter(f)


def built_without_filters(make: Callable[[], W]) -> W:
    """`make()` with the app-wide filters off, then on again. What Qt polished during the
    build (the touch filter prepares a widget when it is polished) is prepared here; the
    rest is polished, and so prepared, when first shown. Nothing is shown in `make`."""
    with filters_off() as filters:
        widget = make()
    touch = next((f for f in filters if isinstance(f, TouchFilter)), None)
    if touch is not None:
        tree: list[QWidget] = [widget, *widget.findChildren(QWidget)]
        for child in tree:
            if child.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
                prepare(child, touch)
    return widget
