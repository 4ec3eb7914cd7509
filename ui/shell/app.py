"""The desktop app once the core is loaded: `App` owns the store, the ops and the windows.

`ui.shell.start` imports this module on its worker thread after the first paint and
hands `App` the opened store and the start frame (docs/performance.md, "Start-up").
"""

from __future__ import annotations

import contextlib
import gc
import logging
import uuid
from pathlib import Path

from fieldapp.base.errors import PathError
from fieldapp.base.settings import Settings
from fieldapp.records import reference  # noqa: F401
from fieldapp.services import lists, requests, setup, sync_status, visit  # noqa: F401
from fieldapp.store import Store, open_store
from fieldapp.sync import rounds, status  # noqa: F401

# The core before Qt: once PySide6 is imported, its __feature__ import hook reads the
# source of every module imported after it (~90 ms for SQLAlchemy and the models). On the
# app's own start Qt is there already (the frame) and this runs on a worker thread.

# isort: split
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QHeaderView

from ui.kit import app_filters, collector, i18n
from ui.kit.ops import Ops, wait_for
from ui.kit.table_models import PagedModel
from ui.shell import snapshot, start_picture
from ui.shell.main_window import MainWindow
from ui.shell.setup_dialog import SetupDialog
from ui.shell.start import install_desktop, run, uninstall_desktop
from ui.shell.start_frame import StartFrame, StartState
from ui.sync.sync_service import SyncService

__all__ = ["App", "install_desktop", "replay", "run", "take_snapshot", "uninstall_desktop"]
log = logging.getLogger("fieldapp.ui")
HAND_OVER_MS = 3000  # the frame gives way after this even if the first list has not come


class App:
    """Owns the store, the background ops and the windows; no global references."""

    def __init__(self, data_dir: Path, language: str | None = None, *,
                 store: Store | None = None, settings: Settings | None = None) -> None:
        self.data_dir = data_dir
        # `fieldapp --lang en`: this session's language; the saved setting is not changed
        self.language = language
        self.settings = settings or Settings.in_dir(data_dir)
        # opening migrates the schema: on a worker thread, like every other SQL (the
        # start's loader thread opens it; alone, `App` waits for one here)
        # from now until `close`, cyclic garbage is collected on the GUI thread only
        collector.hold()
        self._holds_collector = True
        try:
            self.store = store or wait_for(lambda: open_store(data_dir))
        except BaseException:
            self._release_collector()
            raise
        self.ops = Ops(self.store)
        self.sync = SyncService(self.store, self.settings, data_dir)
        self.window: MainWindow | None = None
        self.setup_dialog: SetupDialog | None = None

    def start(self, frame: StartFrame | None = None) -> None:
        """The main window (taking the start frame's place), or the first start's setup."""
        i18n.set_language(self.language or str(self.settings.get("language")))
        if self.settings.get("setup_done"):
            self.show_main(frame)
        else:
            if frame is not None:
                frame.close()
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

    def show_main(self, frame: StartFrame | None = None) -> None:
        window = app_filters.built_without_filters(
            lambda: MainWindow(self.ops, self.settings, sync=self.sync))
        window.language_toggled.connect(self.toggle_language)
        window.settings_requested.connect(lambda: self.open_setup(first_start=False))
        self.window = window
        self._snapshot_when_loaded(window)
        if frame is None:
            window.show()
        else:  # the frame stays until the live list is there: no empty table between
            handed: list[bool] = []

            def hand_over() -> None:
                if not handed:
                    handed.append(True)
                    self._take_over(frame, window)

            window.requests_model.loaded.connect(hand_over)
            QTimer.singleShot(HAND_OVER_MS, window, hand_over)
            # style every widget now, while the first pages are read on the workers,
            # not after they came (what `show` would do then)
            window.ensurePolished()
        QApplication.setQuitOnLastWindowClosed(True)
        # What start-up made lives as long as the app: leave it out of the garbage
        # collector's full passes, which otherwise scan it all and, holding the GIL on the
        # sync thread, stalled the window ~200 ms during a large push (bench_responsive).
        # The collector itself runs on this thread only (ui.kit.collector, held by `App`).
        gc.freeze()
        self.sync.start()  # at start: push what waits, pull what was assigned meanwhile

    def _take_over(self, frame: StartFrame, window: MainWindow) -> None:
        """The live window where the frame was, then what the engineer did meanwhile."""
        if frame.isMaximized():
            window.setGeometry(frame.normalGeometry())
            window.showMaximized()
        else:
            window.setGeometry(frame.geometry())
            window.show()
        state = frame.state()
        frame.hide()
        frame.deleteLater()
        replay(window, state)

    def _snapshot_when_loaded(self, window: MainWindow) -> None:
        """Write the snapshot once both lists' first pages have come (in the background)."""
        waiting = [window.requests_model, window.slips_model]

        def arrived(model: PagedModel) -> None:
            if model in waiting:
                waiting.remove(model)
                if not waiting:
                    shot = take_snapshot(window, self.language)
                    if shot is not None:
                        folder = self.data_dir
                        self.ops.run(lambda: snapshot.write(folder, shot))

        for model in tuple(waiting):
            model.loaded.connect(lambda m=model: arrived(m))

    def toggle_language(self) -> None:
        language = "en" if i18n.current() == "zh" else "zh"
        i18n.set_language(language)
        self.settings.set("language", language)
        self.settings.save()

    def close(self) -> None:
        self.sync.stop()
        self.ops.wait_done()
        if self.window is not None:  # the lists as they are now, for the next start
            shot = take_snapshot(self.window, self.language)
            if shot is not None:
                # a small file, as settings.json is saved; a refusal costs only the
                # next start's first paint its rows
                with contextlib.suppress(OSError):
                    snapshot.write(self.data_dir, shot)
                self._draw_start_picture(shot)
        self.store.close()
        self._release_collector()

    def _release_collector(self) -> None:
        if self._holds_collector:
            self._holds_collector = False
            collector.release()

    def _draw_start_picture(self, shot: snapshot.Snapshot) -> None:
        """The next start's first paint, drawn now (ui/shell/start_picture.py; ~50 ms at
        the close rather than ~45 ms before the next start's first paint)."""
        assert self.window is not None
        image = start_picture.draw(self.settings, shot, self.window.size())
        try:
            start_picture.write(self.data_dir, image, shot, self.settings)
        except PathError as exc:  # the next start builds its frame first: no harm
            log.warning("start picture not saved (errno %s)", exc.errno)


def replay(window: MainWindow, state: StartState) -> None:
    """What was done in the start frame, done in the live window: the tab, the search,
    the last tap (a row opened, a toolbar action)."""
    window.tabs.setCurrentIndex(state.tab)
    if state.search:
        window.search.setText(state.search)
        window.apply_filters()
    pending = state.pending
    if pending is None:
        return
    if pending.action == "open_row":
        row_id = uuid.UUID(pending.row_id)
        if pending.list_name == "requests":
            window.open_request(row_id)
        else:
            window.open_slip(row_id)
    elif pending.action in window.actions_by_name:
        window.actions_by_name[pending.action].trigger()


def take_snapshot(window: MainWindow, language: str | None) -> snapshot.Snapshot | None:
    """The first rows of the open requests and of all slips, as shown; None unless the
    lists show what the next start shows first (no search or filter, the start's scope,
    both lists read) in the saved language (not a `--lang` session's)."""
    saved_language = str(window.settings.get("language"))
    if language not in (None, saved_language) or not window.shows_first_lists:
        return None
    shown: dict[str, snapshot.Shown] = {}
    for name, view in (("requests", window.requests_view), ("slips", window.slips_view)):
        model = view.model()
        assert isinstance(model, PagedModel)
        if model.loading:
            return None
        rows, columns = min(model.rowCount(), snapshot.MAX_ROWS), model.columnCount()
        header = view.horizontalHeader()
        shown[name] = (
            [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(columns)],
            [0 if header.sectionResizeMode(c) == QHeaderView.ResizeMode.Stretch
             else header.sectionSize(c) for c in range(columns)],
            [[str(model.data(model.index(r, c)) or "") for c in range(columns)]
             for r in range(rows)],
            [str(model.row_at(r).id) for r in range(rows)])
    return snapshot.make(saved_language, window.mine, shown)
