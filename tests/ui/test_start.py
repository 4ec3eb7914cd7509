"""Window first (issue 23): the start frame paints the last session's lists from the
snapshot beside the store, the core loads on a worker thread, the live window takes the
frame's place with what was tapped meanwhile. No timings here (tests/benchmarks).
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QPalette
from shiboken6 import Shiboken
from sqlalchemy import Engine, event

from fieldapp.base.settings import Settings
from tests.ui.conftest import wait_idle
from ui.shell import snapshot, start_picture
from ui.shell.app import App
from ui.shell.start import Start
from ui.shell.start_frame import StartFrame


@pytest.fixture
def started(qtbot, data_dir: Path) -> Iterator[list[Start]]:  # type: ignore[no-untyped-def]
    """Starts made by a test, each closed as `run` closes it."""
    starts: list[Start] = []
    yield starts
    for start in starts:
        if start.app is not None:
            wait_idle(qtbot, start.app.ops)
            start.app.close()
            if start.app.window is not None:
                start.app.window.close()
        if start.frame is not None:
            start.frame.close()


def start_app(qtbot, data_dir: Path, starts: list[Start]) -> Start:  # type: ignore[no-untyped-def]
    start = Start(data_dir)
    starts.append(start)
    start.begin()
    return start


def built(qtbot, start: Start) -> StartFrame:  # type: ignore[no-untyped-def]
    """The frame with its widgets: after a picture's first paint they come right after."""
    frame = start.frame
    assert frame is not None
    qtbot.waitUntil(lambda: frame.is_built, timeout=10_000)
    return frame


def live(qtbot, start: Start) -> App:  # type: ignore[no-untyped-def]
    """Wait until the live window has taken the frame's place."""
    qtbot.waitUntil(lambda: start.app is not None and start.app.window is not None
                    and start.app.window.isVisible(), timeout=30_000)
    assert start.app is not None
    return start.app


def run_once(qtbot, data_dir: Path, starts: list[Start]) -> None:  # type: ignore[no-untyped-def]
    """A session: start, the lists arrive (the snapshot is written), close."""
    start = start_app(qtbot, data_dir, starts)
    app = live(qtbot, start)
    qtbot.waitUntil(lambda: snapshot.path_in(data_dir).exists(), timeout=20_000)
    wait_idle(qtbot, app.ops)
    app.close()
    assert app.window is not None
    app.window.close()
    starts.remove(start)


def test_the_snapshot_is_written_when_the_lists_arrive_and_read_at_the_next_start(
        qtbot, data_dir, started):  # type: ignore[no-untyped-def]
    assert snapshot.read(data_dir) is None  # never started: nothing to show yet
    run_once(qtbot, data_dir, started)
    shot = snapshot.read(data_dir)
    assert shot is not None and shot.language == "zh" and shot.mine is False  # staff
    assert set(shot.lists) == {"requests", "slips"}
    for name, body in shot.lists.items():
        assert body.rows and len(body.rows) == len(body.ids) <= snapshot.MAX_ROWS, name
        assert all(len(row) == len(body.headers) == len(body.widths) for row in body.rows)
        uuid.UUID(body.ids[0])
    # only what the list shows: headers, cells, ids — no setting, token or signature
    raw = json.loads(snapshot.path_in(data_dir).read_text(encoding="utf-8"))
    assert set(raw) == {"format", "version", "saved_at", "language", "mine", "lists"}
    assert "天津信达信息技术服务有限公司" not in snapshot.path_in(data_dir).read_text("utf-8")

    start = start_app(qtbot, data_dir, started)
    frame = built(qtbot, start)
    assert isinstance(frame, StartFrame) and frame.isVisible()
    table = frame.tables["requests"]  # the first tab's rows at once, the others' after
    assert table.rowCount() == len(shot.lists["requests"].rows)  # the first paint
    assert table.item(0, 0).text() == shot.lists["requests"].rows[0][0]
    assert "还不是最新的" in frame.strip.text()  # marked as not live, where the eye is
    assert frame.badge.text().startswith("正在打开…") and "离线" in frame.badge.text()
    live(qtbot, start)


def test_the_live_list_replaces_the_snapshot(qtbot, data_dir, started):  # type: ignore[no-untyped-def]
    run_once(qtbot, data_dir, started)
    start = start_app(qtbot, data_dir, started)
    frame = built(qtbot, start)
    assert frame.tables["requests"].rowCount() > 0
    table = frame.tables["requests"]
    table.ensurePolished()  # the snapshot's rows are grey: not live yet
    assert table.palette().color(QPalette.ColorRole.Text).name() == "#6b6b6b"
    assert frame.actions_by_name["new_request"].shortcut().toString() == "Ctrl+N"
    where = frame.geometry()
    app = live(qtbot, start)
    window = app.window
    assert window is not None
    assert not Shiboken.isValid(frame) or not frame.isVisible()  # gone
    assert window.requests_model.rowCount() > 0  # with its first page already there
    assert window.geometry() == where  # where the frame was


CORRUPT = [
    b"", b"{not json", b"\xff\xfe\x00", b"[]", b'{"format": "fieldapp-window-snapshot"}',
    json.dumps({"format": "fieldapp-window-snapshot", "version": 0, "saved_at":
                "2026-12-06T08:00:00+00:00", "language": "zh", "mine": False,
                "lists": {}}).encode(),  # an older version
    json.dumps({"format": "fieldapp-window-snapshot", "version": 1, "saved_at":
                "2026-12-06T08:00:00+00:00", "language": "zh", "mine": False,
                "lists": {"slips": {"headers": ["单号"], "widths": [0], "rows": [["x"]],
                                    "ids": []}}}).encode(),  # rows without their ids
]


def test_a_corrupt_or_old_snapshot_is_an_empty_frame_that_opens(
        qtbot, data_dir, started):  # type: ignore[no-untyped-def]
    for content in CORRUPT:
        snapshot.path_in(data_dir).write_bytes(content)
        assert snapshot.read(data_dir) is None, content
    start = start_app(qtbot, data_dir, started)
    frame = start.frame
    assert frame is not None and frame.isVisible() and frame.tables == {}
    assert frame.strip.text() == "正在打开本机数据…"
    assert frame.status.text() == "正在读取…"
    live(qtbot, start)
    assert start.error is None


def test_a_snapshot_too_large_or_missing_reads_as_none(tmp_path):  # type: ignore[no-untyped-def]
    assert snapshot.read(tmp_path / "nowhere") is None
    snapshot.path_in(tmp_path).write_bytes(b" " * (snapshot.MAX_BYTES + 1))
    assert snapshot.read(tmp_path) is None


def test_a_snapshot_round_trips_and_is_cut_to_its_limits(tmp_path):  # type: ignore[no-untyped-def]
    when = datetime(2026, 12, 6, 8, 30, tzinfo=UTC)
    rows = [[f"S{i}", "x" * 500] for i in range(50)]
    shot = snapshot.make("en", True, {
        "slips": (["No.", "Fault"], [120, 0], rows, [str(uuid.uuid4()) for _ in rows]),
        "drafts": (["No."], [0], [], [])}, when)  # only the lists the frame shows
    snapshot.write(tmp_path, shot)
    again = snapshot.read(tmp_path)
    assert again == shot and set(again.lists) == {"slips"}
    assert len(again.lists["slips"].rows) == snapshot.MAX_ROWS
    assert len(again.lists["slips"].rows[0][1]) == snapshot.MAX_CELL


def test_taps_while_opening_are_done_once_the_store_is_open(qtbot, data_dir, started):  # type: ignore[no-untyped-def]
    """A row opened, a search typed and a tab chosen in the frame are not lost."""
    run_once(qtbot, data_dir, started)
    start = Start(data_dir)
    started.append(start)
    start.begin()  # the frame is up; the core loads after its first paint
    frame = built(qtbot, start)
    table = frame.tables["requests"]
    table.selectRow(1)
    frame.actions_by_name["open"].trigger()  # 打开 on the selected row
    shot = snapshot.read(data_dir)
    assert shot is not None
    request_id = uuid.UUID(shot.lists["requests"].ids[1])
    assert frame.strip.text().endswith(f"打开后接着执行：打开 {shot.lists['requests'].rows[1][0]}")
    assert not frame.actions_by_name["print"].isEnabled()  # needs the live list's row
    frame.tabs.setCurrentIndex(2)  # and a look at the drafts meanwhile
    app = live(qtbot, start)
    window = app.window
    assert window is not None
    qtbot.waitUntil(lambda: window.editor.data is not None, timeout=15_000)
    assert window.editor.data.request_id == request_id  # opened: a draft on it
    assert window.stack.currentIndex() == 1
    assert window.tabs.currentIndex() == 2


def test_a_toolbar_tap_and_a_search_while_opening_are_replayed(qtbot, data_dir, started):  # type: ignore[no-untyped-def]
    run_once(qtbot, data_dir, started)
    start = start_app(qtbot, data_dir, started)
    frame = built(qtbot, start)
    frame.search.setText("打印")
    frame.actions_by_name["new_request"].trigger()
    assert frame.strip.text().endswith("打开后接着执行：新建请求")
    window = live(qtbot, start).window
    assert window is not None
    assert window.search.text() == "打印"
    qtbot.waitUntil(lambda: getattr(window, "request_dialog", None) is not None
                    and window.request_dialog.isVisible(), timeout=15_000)
    window.request_dialog.close()


def test_the_start_runs_no_sql_on_the_gui_thread(qtbot, data_dir, started):  # type: ignore[no-untyped-def]
    """As tests/ui/test_gui_thread_io.py asks of every screen: the store is opened, and
    the lists read, on worker threads while the frame is shown."""
    on_gui: list[str] = []

    def on_sql(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if threading.current_thread() is threading.main_thread():
            on_gui.append(statement.split()[0])

    event.listen(Engine, "before_cursor_execute", on_sql)
    try:
        run_once(qtbot, data_dir, started)
        app = live(qtbot, start_app(qtbot, data_dir, started))
        wait_idle(qtbot, app.ops)
    finally:
        event.remove(Engine, "before_cursor_execute", on_sql)
    assert on_gui == []


def test_a_first_start_shows_no_frame_but_the_setup(qtbot, tmp_path, started):  # type: ignore[no-untyped-def]
    start = start_app(qtbot, tmp_path / "new", started)
    assert start.frame is None
    qtbot.waitUntil(lambda: start.app is not None and start.app.setup_dialog is not None
                    and start.app.setup_dialog.isVisible(), timeout=30_000)
    start.app.setup_dialog.close()  # type: ignore[union-attr]


def test_the_desktop_start_imports_no_http_client_or_image_library():
    """httpx (with the CLI tools it pulls in) is ~90 ms of import, Pillow ~20 ms: a sync
    round, a picture added or a signature drawn brings them in, not the start before the
    live window."""
    code = (
        "import sys, ui.shell.start\n"
        "from ui.shell import app\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('httpx', 'rich', 'click', 'PIL')]\n"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60,
                   env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def test_a_closed_session_leaves_a_picture_that_the_frame_replaces_pixel_for_pixel(
        qtbot, data_dir, started):  # type: ignore[no-untyped-def]
    """The next start paints the picture first; the widgets built right after look the
    same, so nothing moves when they take its place."""
    run_once(qtbot, data_dir, started)
    assert start_picture.path_in(data_dir).is_file()
    start = Start(data_dir)
    started.append(start)
    start._load = lambda: None  # type: ignore[method-assign]  # the frame stays: compared below
    start.begin()
    frame = start.frame
    assert frame is not None and frame.picture is not None and not frame.is_built
    picture = frame.picture.pixmap.toImage()
    painted: list[bool] = []
    start.painted.connect(lambda: painted.append(frame.is_built))
    frame = built(qtbot, start)
    assert painted == [False]  # the first paint was the picture's
    assert frame.picture is None and frame.tables["requests"].rowCount() > 0
    now = frame.grab().toImage().convertToFormat(picture.format())
    assert now.size() == picture.size()
    differ = sum(now.pixel(x, y) != picture.pixel(x, y)
                 for y in range(0, now.height(), 2) for x in range(0, now.width(), 2))
    assert differ <= now.width() * now.height() // 4 // 1000  # a few pixels at most
    Start._load(start)  # and now the core
    live(qtbot, start)


def test_a_picture_for_other_settings_or_another_size_is_not_painted(
        qtbot, data_dir, started):  # type: ignore[no-untyped-def]
    run_once(qtbot, data_dir, started)
    settings = Settings.in_dir(data_dir)
    settings.set("operator_name", "另一位工程师")  # the greeting would be wrong
    settings.save()
    start = start_app(qtbot, data_dir, started)
    assert start.frame is not None and start.frame.is_built  # widgets first, as without
    live(qtbot, start).close()
    assert start.app is not None and start.app.window is not None
    start.app.window.close()
    started.remove(start)

    shot = snapshot.read(data_dir)  # drawn for this start, but at another size
    assert shot is not None
    image = start_picture.draw(Settings.in_dir(data_dir), shot, QSize(300, 200))
    start_picture.write(data_dir, image, shot, Settings.in_dir(data_dir))
    start = start_app(qtbot, data_dir, started)
    frame = start.frame
    assert frame is not None and frame.picture is not None  # read, and checked at its paint
    painted: list[bool] = []
    start.painted.connect(lambda: painted.append(frame.is_built))
    built(qtbot, start)
    qtbot.waitUntil(lambda: bool(painted), timeout=10_000)
    assert painted == [True]  # the widgets were built first: no picture of the wrong size
    live(qtbot, start)


def test_an_unreadable_picture_is_not_used(tmp_path):  # type: ignore[no-untyped-def]
    start_picture.path_in(tmp_path).write_bytes(b"\x89PNG not really")
    shot = snapshot.make("zh", True, {})
    settings = Settings.in_dir(tmp_path)
    assert start_picture.read(tmp_path, shot, settings, 1.0) is None
    assert start_picture.read(tmp_path / "nowhere", shot, settings, 1.0) is None


def test_the_quick_start_runs_without_the_collector_and_the_live_window_on_the_gui_thread(
        qtbot, data_dir, started, monkeypatch):  # type: ignore[no-untyped-def]
    import ui.shell.start as start_module
    from fieldapp.cli import main
    from ui.kit import collector

    seen: list[bool] = []
    monkeypatch.setattr(start_module, "run", lambda folder, language=None: seen.append(
        gc.isenabled()) or 0)
    monkeypatch.setattr(sys, "argv", ["fieldapp", "--data-dir", str(data_dir)])
    try:
        with pytest.raises(SystemExit):
            main()
        assert seen == [False]  # the whole start ran without it

        live(qtbot, start_app(qtbot, data_dir, started))

        # with the main window up, start-up is frozen out of the collector's passes and
        # the collector runs on the GUI thread's timer (ui.kit.collector), never by itself
        assert gc.get_freeze_count() > 0 and collector.is_held() and not gc.isenabled()
    finally:
        gc.enable()
