"""With the archive down, the window on screen says so: the toolbar badge reads 离线 with
the number of records waiting and the last successful sync, and the message strip stays
quiet (offline is normal in the field). A real archive on loopback, started, synced with,
then stopped; the real main window at 1024 × 768 (offscreen)."""

from __future__ import annotations

from fieldapp.base.settings import Settings
from fieldapp.store import open_store
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.credentials import save_token
from fieldapp.sync.rounds import run_sync_round
from fieldapp.sync.status import overview
from fieldapp.tools.demo import fill_demo
from tests.archive.servers import PASSWORD, run_archive, sqlite_url
from tests.archive.work import assigned_request, dispatch, seal_a_slip
from ui.kit import i18n
from ui.kit.ops import Ops
from ui.shell.main_window import MainWindow
from ui.sync.sync_service import SyncService

ROUND_MS = 30_000


def _round(qtbot, sync: SyncService, start=None):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(sync.round_finished, timeout=ROUND_MS) as blocker:
        (start or (lambda: sync.sync_now("test")))()
    return blocker.args[0]


def test_with_the_archive_stopped_the_toolbar_badge_says_offline_and_what_waits(
        qtbot, tmp_path):  # type: ignore[no-untyped-def]
    i18n.set_language("zh")
    centre_store, e01_store = open_store(tmp_path / "centre"), open_store(tmp_path / "e01")
    sync = ops = None
    try:
        with run_archive(sqlite_url(tmp_path)) as archive:
            archive.add_user("centre", "staff")
            archive.add_user("e01", "engineer", engineer="E01")
            with ArchiveClient(archive.url) as centre:  # the service centre's data, E01's work
                centre.login("centre", PASSWORD, "laptop-centre")
                fill_demo(centre_store, requests=16)
                dispatch(centre_store, "E01")
                assert run_sync_round(centre_store, None, centre).ok
            with ArchiveClient(archive.url) as login:  # what `fieldapp login` leaves behind
                login.login("e01", PASSWORD, "laptop-e01")
                save_token(tmp_path / "e01", archive.url, login.token)
            settings = Settings.in_dir(tmp_path / "e01")
            for key, value in dict(archive_url=archive.url, operator_code="E01",
                                   operator_name="王建国", role="engineer",
                                   setup_done=True).items():
                settings.set(key, value)
            settings.save()
            ops = Ops(e01_store)
            sync = SyncService(e01_store, settings, tmp_path / "e01", period_s=3600)
            window = MainWindow(ops, settings, sync=sync)
            qtbot.addWidget(window)
            window.resize(1024, 768)
            window.show()
            assert _round(qtbot, sync, sync.start).ok  # online: E01's requests come down
            qtbot.waitUntil(lambda: window.sync_badge.text().startswith("已连接"))
        # the archive is stopped; the engineer works on and seals two slips
        for _ in range(2):
            seal_a_slip(e01_store, assigned_request(e01_store, "E01").id, "E01")
        with e01_store.read() as session:
            waiting = overview(session).pending
        assert waiting >= 2

        report = _round(qtbot, sync)

        assert report.error is not None and sync.status.state == "offline"
        state_line, last_line = window.sync_badge.text().split("\n")
        assert state_line == f"离线 · 待上传 {waiting} 条"
        assert last_line.startswith("上次同步 ")
        assert window.sync_badge.isVisible()
        right = window.sync_badge.mapTo(window, window.sync_badge.rect().topRight()).x()
        assert right <= window.width()  # in the toolbar, not in its overflow
        assert "连不上档案服务器" in window.sync_badge.toolTip()
        assert "ConnectError" not in window.sync_badge.toolTip() + window.sync_status.text()
        assert window.message_strip.text == ""  # offline is normal: no strip
        i18n.set_language("en")
        assert window.sync_badge.text().split("\n")[0] == f"Offline · {waiting} waiting"
    finally:
        if sync is not None:
            sync.stop()
        if ops is not None:
            qtbot.waitUntil(lambda: ops.pending == 0, timeout=20_000)
            ops.wait_done()
        centre_store.close()
        e01_store.close()
