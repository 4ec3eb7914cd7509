"""Starting the desktop app: `run(data_dir)` is what `fieldapp` with no command calls."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from fieldapp.base.settings import Settings
from fieldapp.records import reference  # noqa: F401
from fieldapp.services import lists, requests, setup, sync_status, visit  # noqa: F401
from fieldapp.store import open_store
from fieldapp.sync import rounds, status  # noqa: F401

# The core comes before Qt on purpose: once PySide6 is imported, its __feature__ import
# hook reads the source of every module imported after it, ~90 ms of start-up for
# SQLAlchemy and the models (docs/performance.md, "Start-up").

# isort: split
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from ui.kit import i18n
from ui.kit.fit import WindowPlacer
from ui.kit.ops import Ops, wait_for
from ui.kit.style import STYLESHEET
from ui.kit.touch import TouchFilter
from ui.shell.main_window import MainWindow
from ui.shell.setup_dialog import SetupDialog
from ui.sync.sync_service import SyncService


class App:
    """Owns the store, the background ops and the windows; no global references."""

    def __init__(self, data_dir: Path, language: str | None = None) -> None:
        self.data_dir = data_dir
        # `fieldapp --lang en`: this session's language; the saved setting is not changed
        self.language = language
        self.settings = Settings.in_dir(data_dir)
        # opening migrates the schema: on a worker thread, like every other SQL
        self.store = wait_for(lambda: open_store(data_dir))
        self.ops = Ops(self.store)
        self.sync = SyncService(self.store, self.settings, data_dir)
        self.window: MainWindow | None = None
        self.setup_dialog: SetupDialog | None = None

    def start(self) -> None:
        i18n.set_language(self.language or str(self.settings.get("language")))
        if self.settings.get("setup_done"):
            self.show_main()
        else:
            self.open_setup(first_start=True)

    def open_setup(self, *, first_start: bool) -> None:
        dialog = SetupDialog(self.settings, first_start=first_start, parent=self.window)
        dialog.accepted.connect(lambda: self._setup_done(dialog))
        if first_start:
            # The dialog is the only window: closing it would end the app (Qt quits when
            # the last window closes) before the main window is there.
            QApplication.setQuitOnLastWindowClosed(False)
            dialog.rejected.connect(QApplication.quit)
        self.setup_dialog = dialog
        dialog.open()

    def _setup_done(self, dialog: SetupDialog) -> None:
        settings, wants_demo = self.settings, dialog.wants_demo
        first_start = self.window is None
        if first_start:
            self.show_main()  # at once: the lists fill when the setup work is done
            assert self.window is not None
            if wants_demo:
                self.window.status.setText(i18n.tr("setup.loading_demo"))

        store = self.store
        code, name = str(settings.get("operator_code")), str(settings.get("operator_name"))
        self.ops.call(lambda: setup.prepare_store(store, code, name, demo_data=wants_demo),
                      lambda _r: self._after_setup(first_start, demo_loaded=wants_demo),
                      write=True)

    def _after_setup(self, first_start: bool, *, demo_loaded: bool = False) -> None:
        assert self.window is not None
        if demo_loaded:  # the demo's work is its own engineers': show everyone's
            self.window.set_mine(False)
        self.window.refresh()
        if not first_start:
            self.window.retranslate()
            self.sync.sync_now("settings")  # the archive address may have changed

    def show_main(self) -> None:
        window = MainWindow(self.ops, self.settings, sync=self.sync)
        window.language_toggled.connect(self.toggle_language)
        window.settings_requested.connect(lambda: self.open_setup(first_start=False))
        self.window = window
        window.show()
        QApplication.setQuitOnLastWindowClosed(True)
        # What start-up made lives as long as the app: leave it out of the garbage
        # collector's full passes, which otherwise scan it all and, holding the GIL on the
        # sync thread, stalled the window ~200 ms during a large push (bench_responsive).
        gc.freeze()
        self.sync.start()  # at start: push what waits, pull what was assigned meanwhile

    def toggle_language(self) -> None:
        language = "en" if i18n.current() == "zh" else "zh"
        i18n.set_language(language)
        self.settings.set("language", language)
        self.settings.save()

    def close(self) -> None:
        self.sync.stop()
        self.ops.wait_done()
        self.store.close()


def install_desktop(qt_app: QApplication, settings: Settings | None) -> list[QObject]:
    """What every window gets without code of its own: finger scrolling and touch-sized
    popups (`ui.kit.touch`), fitting the screen and opening where it was left (`ui.kit.fit`).
    Returns the filters, for `uninstall_desktop`."""
    filters: list[QObject] = [TouchFilter(qt_app), WindowPlacer(settings, qt_app)]
    for f in filters:
        qt_app.installEventFilter(f)
    return filters


def uninstall_desktop(qt_app: QApplication, filters: list[QObject]) -> None:
    for f in filters:
        qt_app.removeEventFilter(f)
        f.deleteLater()


def run(data_dir: Path, language: str | None = None) -> int:
    """The desktop app on the store in `data_dir`; `language` (zh/en, from `fieldapp
    --lang`) overrides the saved one for this session without saving it."""
    qt_app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(qt_app, QApplication)
    qt_app.setApplicationName("fieldapp")
    qt_app.setStyleSheet(STYLESHEET)
    app = App(data_dir, language)
    install_desktop(qt_app, app.settings)
    app.start()
    try:
        return qt_app.exec()
    finally:
        app.close()
