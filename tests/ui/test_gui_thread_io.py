"""The GUI thread never waits on the disk's database, a subprocess or the network.

Every blocking call goes through the background-ops helper (`ui.kit.ops`): SQL through
`Ops.call` (services), printing (`lp`, up to 30 s) and rasterising through `Ops.run`,
sync rounds on the sync thread. A guard records any SQL statement, subprocess or socket
connection made on the main thread while the screens are used as an engineer does.
"""

from __future__ import annotations

import socket
import subprocess
import threading
import traceback
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QInputDialog
from sqlalchemy import event

from fieldapp.services import documents
from tests.ui.conftest import wait_idle
from ui.shell.main_window import MainWindow
from ui.sync.sync_service import SyncService


class GuiThreadGuard:
    """What was called on the main thread that should not have been: (what, where)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def check(self, what: str) -> None:
        if threading.current_thread() is threading.main_thread():
            where = "".join(traceback.format_stack(limit=8)[:-2])
            self.calls.append((what, where))

    def report(self) -> str:
        return "\n\n".join(f"{what} on the GUI thread:\n{where}" for what, where in self.calls)


@pytest.fixture
def guard(store, ops, monkeypatch) -> Iterator[GuiThreadGuard]:  # type: ignore[no-untyped-def]
    """Installed once the store is open (opening it is the app's start, before any
    window): from here on the main thread runs no SQL, no subprocess, no connection."""
    watch = GuiThreadGuard()

    def on_sql(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        watch.check(f"SQL {statement.split()[0]}")

    event.listen(store.engine, "before_cursor_execute", on_sql)
    real_run, real_popen = subprocess.run, subprocess.Popen.__init__
    real_connect = socket.socket.connect

    def run(*args, **kwargs):  # type: ignore[no-untyped-def]
        watch.check(f"subprocess.run {args[0]!r}")
        return real_run(*args, **kwargs)

    def popen(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        watch.check(f"subprocess.Popen {args[0]!r}")
        return real_popen(self, *args, **kwargs)

    def connect(self, address):  # type: ignore[no-untyped-def]
        watch.check(f"socket connect {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(subprocess, "run", run)
    monkeypatch.setattr(subprocess.Popen, "__init__", popen)
    monkeypatch.setattr(socket.socket, "connect", connect)
    yield watch
    event.remove(store.engine, "before_cursor_execute", on_sql)


def test_the_guard_sees_blocking_calls_on_the_gui_thread(guard, store):  # type: ignore[no-untyped-def]
    """The guard itself: a read on the main thread and a subprocess are both caught, the
    same calls on a worker thread are not."""
    from fieldapp.services import sync_status

    worker = threading.Thread(target=lambda: (sync_status.overview(store),
                                              subprocess.run(["true"], check=True)))
    worker.start()
    worker.join()
    assert guard.calls == []
    sync_status.overview(store)
    subprocess.run(["true"], check=True)
    caught = {what.split()[0] for what, _ in guard.calls}
    assert caught == {"SQL", "subprocess.run", "subprocess.Popen"}


def test_using_the_screens_runs_no_sql_subprocess_or_network_on_the_gui_thread(
        qtbot, guard, ops, settings, monkeypatch):  # type: ignore[no-untyped-def]
    printed: list[str] = []

    def print_with_lp(pdf, *, printer, copies, title):  # type: ignore[no-untyped-def]
        subprocess.run(["true"], check=True)  # stands in for `lp`: it blocks the caller
        printed.append(threading.current_thread().name)
        return "office-1"

    monkeypatch.setattr(documents, "print_document", print_with_lp)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("E07 刘洋", True))
    sync = SyncService(ops.store, settings, settings.path.parent, period_s=3600)
    window = MainWindow(ops, settings, sync=sync)
    qtbot.addWidget(window)
    window.show()
    sync.start()
    try:
        qtbot.waitUntil(lambda: window.requests_model.rowCount() > 0, timeout=15_000)
        wait_idle(qtbot, ops)
        for index in range(window.tabs.count()):  # every list and workflow tab loads
            window.tabs.setCurrentIndex(index)
            wait_idle(qtbot, ops)
        window.tabs.setCurrentIndex(0)
        window.search.setText("打印")
        window.apply_filters()
        wait_idle(qtbot, ops)
        window.search.clear()
        window.apply_filters()
        wait_idle(qtbot, ops)

        window.requests_view.selectRow(0)
        window.assign_selected()  # staff: pick an engineer, assign
        wait_idle(qtbot, ops)

        window.new_request()
        dialog = window.request_dialog
        qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=15_000)
        dialog.fault.setPlainText("机房交换机端口指示灯不亮")
        dialog.contact_name.setText("孙丽")
        with qtbot.waitSignal(dialog.created, timeout=15_000):
            dialog.save()
        wait_idle(qtbot, ops)

        request_id = window.requests_model.row_at(0).id
        window.open_request(request_id)
        qtbot.waitUntil(lambda: window.editor.data is not None, timeout=15_000)
        wait_idle(qtbot, ops)
        window.show_lists()
        wait_idle(qtbot, ops)

        window.tabs.setCurrentIndex(3)
        slip_id = window.slips_model.row_at(0).id
        window.open_preview(slip_id)
        preview = window.preview
        assert preview is not None
        qtbot.waitUntil(lambda: bool(preview.preview.pages), timeout=20_000)
        with qtbot.waitSignal(preview.printed, timeout=15_000):
            preview.print_to("office", 1)
        preview.close()

        window.show_waiting()
        wait_idle(qtbot, ops)
        window.waiting_page.retry_refused()
        wait_idle(qtbot, ops)
    finally:
        sync.stop()
    assert printed and printed[0] != threading.main_thread().name
    assert guard.calls == [], guard.report()


def test_opening_the_store_at_start_runs_no_sql_on_the_gui_thread(qapp, tmp_path):  # type: ignore[no-untyped-def]
    """The app's start creates and migrates the store on a worker thread (`ops.wait_for`)
    while the GUI thread waits; what opening refuses is raised as before."""
    from sqlalchemy import Engine

    from fieldapp.base.errors import PathError
    from ui.shell.app import App

    watch = GuiThreadGuard()

    def on_sql(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        watch.check(f"SQL {statement.split()[0]}")

    event.listen(Engine, "before_cursor_execute", on_sql)  # every engine, the new one too
    try:
        app = App(tmp_path / "data", language="zh")
        try:
            assert app.store.path is not None and app.store.path.exists()
        finally:
            app.close()
    finally:
        event.remove(Engine, "before_cursor_execute", on_sql)
    assert watch.calls == [], watch.report()
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(PathError):
        App(tmp_path / "file" / "data")
