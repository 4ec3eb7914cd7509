"""The desktop's start, window first (issue 23; docs/performance.md, "Start-up").

`run(data_dir)` is what `fieldapp` with no sub-command calls. Only Qt, the catalogue,
the settings file and the snapshot reader are imported before the first paint: the
frame (`ui.shell.start_frame`) shows the last session's lists (`ui.shell.snapshot`),
marked as not live. After that paint a worker thread imports the core — SQLAlchemy, the
models, the services and the rest of the UI (`ui.shell.app`) — and opens (and migrates)
the store; the GUI thread keeps turning meanwhile. When it is done, `App` builds the
live main window, which takes the frame's place once its first list has arrived, with
what was tapped meanwhile. A first start (no setup yet) shows no frame: the setup
dialog comes when the core is there, as before.
"""

from __future__ import annotations

import builtins
import sys
import threading

# Python's own import, taken before PySide6's __feature__ hook replaces it (the imports
# below): that hook reads the source of every module imported after it, ~20 % of the
# core's import (docs/performance.md, "Start-up"); nothing of ours uses `__feature__`.
from builtins import __import__ as _PLAIN_IMPORT
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

# Our own modules of the first paint come in with the plain import too (~10 ms of CPU
# sooner on screen); the hook is back for everything after them.
_HOOKED_IMPORT = builtins.__import__
builtins.__import__ = _PLAIN_IMPORT
try:
    from fieldapp.base.settings import Settings
    from ui.kit import i18n
    from ui.kit.fit import WindowPlacer
    from ui.kit.style import STYLESHEET
    from ui.shell import snapshot, start_picture
    from ui.shell.start_frame import StartFrame
finally:
    builtins.__import__ = _HOOKED_IMPORT

if TYPE_CHECKING:
    from ui.shell.app import App


class Start(QObject):
    """One start of the app: the frame, the core loading, then the `App`."""

    painted = Signal()  # the frame's first paint (none on a first start)
    ready = Signal(object)  # the App, once its main window (or setup) is shown
    _loaded = Signal(object, object)  # from the loader thread: (store, error)

    def __init__(self, data_dir: Path, language: str | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir, self.language = data_dir, language
        self.settings = Settings.in_dir(data_dir)
        self.app: App | None = None
        self.error: BaseException | None = None
        self.frame: StartFrame | None = None
        # emitted on the loader thread: Qt queues it to this object's (the GUI) thread
        self._loaded.connect(self._core_loaded)

    def begin(self, place: Callable[[QWidget], None] | None = None) -> None:
        """Show the frame (placed and shown by `place`, when given) or, on a first
        start, load the core and show the setup."""
        language = self.language or str(self.settings.get("language"))
        i18n.set_language(language)
        if not self.settings.get("setup_done"):
            # a first start: the setup dialog needs the core's checks, so the core first,
            # as before (the store is opened on a worker thread while this one waits)
            from ui.shell.app import App

            self.app = App(self.data_dir, self.language, settings=self.settings)
            self.app.start()
            self.ready.emit(self.app)
            return
        shot = snapshot.read(self.data_dir)
        if shot is not None and (shot.language != language
                                 or shot.mine != (self.settings.get("role") == "engineer")):
            shot = None  # another language or scope than this start's: not what comes next
        picture = None
        if shot is not None:  # the frame as drawn when the last session closed
            screen = QApplication.primaryScreen()
            ratio = screen.devicePixelRatio() if screen is not None else 1.0
            picture = start_picture.read(self.data_dir, shot, self.settings, ratio)
        self.frame = StartFrame(self.settings, shot, picture=picture)
        self.frame.first_painted.connect(self.painted)
        self.frame.built.connect(self._load)  # the paint and the widgets first, then the core
        if place is not None:
            place(self.frame)
        else:
            self.frame.show()

    @property
    def shows_frame(self) -> bool:
        return bool(self.settings.get("setup_done"))

    def _load(self) -> None:
        from ui.kit import collector

        collector.hold()  # the loader thread collects no Qt object (released by _core_loaded)
        threading.Thread(target=self._import_and_open, name="fieldapp-start",
                         daemon=True).start()

    def _import_and_open(self) -> None:
        """On the worker thread: the core's import and the store's opening."""
        hooked = builtins.__import__
        builtins.__import__ = _PLAIN_IMPORT  # for the process, while the core comes in
        try:
            from fieldapp.store import open_store
            from ui.shell import app  # noqa: F401 - the UI's modules, imported here, not on the GUI thread

            builtins.__import__ = hooked
            self._loaded.emit(open_store(self.data_dir), None)
        except BaseException as exc:  # said where `run` returns, in one line
            self._loaded.emit(None, exc)
        finally:
            builtins.__import__ = hooked

    def _core_loaded(self, store: Any, error: BaseException | None) -> None:
        from ui.kit import collector

        try:
            self._take_over(store, error)
        finally:
            collector.release()  # `App` holds it from here

    def _take_over(self, store: Any, error: BaseException | None) -> None:
        if error is not None:
            self.error = error
            if self.frame is not None:
                self.frame.hide()
            QApplication.exit(1)
            return
        from ui.shell.app import App

        self.app = App(self.data_dir, self.language, store=store, settings=self.settings)
        self.app.start(frame=self.frame)
        self.frame = None
        self.ready.emit(self.app)


def install_desktop(qt_app: QApplication, settings: Settings | None) -> list[QObject]:
    """What every window gets without code of its own: finger scrolling and touch-sized
    popups (`ui.kit.touch`), fitting the screen and opening where it was left (`ui.kit.fit`).
    Returns the filters, for `uninstall_desktop`."""
    from ui.kit import app_filters
    from ui.kit.touch import TouchFilter

    filters: list[QObject] = [TouchFilter(qt_app), WindowPlacer(settings, qt_app)]
    app_filters.install(qt_app, filters)
    return filters


def uninstall_desktop(qt_app: QApplication, filters: list[QObject]) -> None:
    from ui.kit import app_filters

    app_filters.remove(qt_app, filters)


def run(data_dir: Path, language: str | None = None) -> int:
    """The desktop app on the store in `data_dir`; `language` (zh/en, from `fieldapp
    --lang`) overrides the saved one for this session without saving it. What opening
    the store refuses is raised here, after the event loop, as the caller words it."""
    qt_app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(qt_app, QApplication)
    qt_app.setApplicationName("fieldapp")
    qt_app.setStyleSheet(STYLESHEET)
    start = begin(qt_app, data_dir, language)
    try:
        status = qt_app.exec()
    finally:
        if start.app is not None:
            start.app.close()
        # the session's filters go with it: a second `run` in this process (the tests
        # run it many times) starts without the first one's
        from ui.kit import app_filters

        app_filters.uninstall_all(qt_app)
    if start.error is not None:
        raise start.error
    return status


def begin(qt_app: QApplication, data_dir: Path, language: str | None = None) -> Start:
    """The start up to the event loop: the frame shown (or, first, the setup)."""
    start = Start(data_dir, language)
    if start.shows_frame:
        # The app-wide filters see every event in Python: installed after the frame's
        # first paint (~0.1 s of CPU sooner on screen), the frame placed by hand meanwhile.
        # Its own widgets go without the touch filter's preparation for those seconds.
        # The touch filter is made then too: made now, it would name every field of the
        # frame on the language set below (~6 ms before the paint); its module, with the
        # first use of PySide6's `Qt` namespace (~20 ms), comes in then as well. In the
        # next turn of the event loop: the loader thread is started first.
        placer = WindowPlacer(start.settings, qt_app)

        def install() -> None:
            from ui.kit import app_filters
            from ui.kit.touch import TouchFilter

            app_filters.install(qt_app, [TouchFilter(qt_app), placer])

        start.painted.connect(lambda: QTimer.singleShot(0, install))
        start.begin(place=lambda frame: placer.place(frame, show=True))
    else:
        install_desktop(qt_app, start.settings)
        start.begin()
    return start
