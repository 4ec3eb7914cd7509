"""The desktop app syncs by itself, off the GUI thread, and shows how it went.

Real archive on loopback, real laptop stores, the real main window (offscreen).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from fieldapp.base.settings import Settings
from fieldapp.store.models import ServiceRequest, Slip
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import fill_demo
from tests.archive.servers import sqlite_url
from tests.archive.work import assigned_request, dispatch, on_the_desktop, seal_a_slip
from ui.kit import i18n
from ui.kit.ops import Ops
from ui.shell.main_window import MainWindow
from ui.sync.sync_service import SyncService

ROUND_MS = 30_000


@pytest.fixture
def db_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    return sqlite_url(tmp_path)  # the GUI's part does not depend on the archive's database


@pytest.fixture
def centre(archive, laptops):  # type: ignore[no-untyped-def]
    laptop = laptops("centre")
    fill_demo(laptop.store, requests=16)
    dispatch(laptop.store, "E01")
    assert run_sync_round(laptop.store, None, laptop.client).ok
    return laptop


@pytest.fixture
def desk(qtbot, archive, centre, laptops) -> Iterator:  # type: ignore[no-untyped-def]
    """E01's laptop with the desktop app open on it, logged in to the archive."""
    i18n.set_language("zh")
    e01 = laptops("e01")
    settings = on_the_desktop(e01.folder, archive.url, e01.client.token)
    ops = Ops(e01.store)
    sync = SyncService(e01.store, settings, e01.folder, period_s=3600)
    window = MainWindow(ops, settings, sync=sync)
    qtbot.addWidget(window)
    window.show()
    yield e01, sync, window
    sync.stop()
    qtbot.waitUntil(lambda: ops.pending == 0, timeout=20_000)
    ops.wait_done()


def _round(qtbot, sync: SyncService, start=None):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(sync.round_finished, timeout=ROUND_MS) as blocker:
        (start or (lambda: sync.sync_now("test")))()
    return blocker.args[0]


def test_at_start_the_app_pulls_the_requests_assigned_to_its_engineer(qtbot, desk):
    e01, sync, window = desk

    report = _round(qtbot, sync, sync.start)

    assert report.ok and report.pulled > 0
    with e01.store.read() as session:
        assert session.scalars(select(ServiceRequest)).first() is not None
    qtbot.waitUntil(lambda: window.requests_model.rowCount() > 0)
    qtbot.waitUntil(lambda: "已连接" in window.sync_status.text())
    assert "上次成功" in window.sync_status.text()


def test_a_sealed_slip_is_sent_at_once_and_leaves_the_waiting_list(qtbot, archive, desk):
    e01, sync, window = desk
    _round(qtbot, sync, sync.start)
    slip = seal_a_slip(e01.store, assigned_request(e01.store, "E01").id, "E01")
    window.tabs.setCurrentWidget(window.waiting_page)  # the engineer looks at 待同步
    window.waiting_page.refresh()
    qtbot.waitUntil(lambda: window.waiting_page.model.rowCount() == 1)
    assert window.waiting_page.model.row_at(0).label == slip.number

    report = _round(qtbot, sync, lambda: window.editor.sealed.emit(None))

    assert report.ok and report.accepted == 1
    with archive.db.read() as session:
        assert session.get_one(Slip, slip.id).seal == slip.seal
    qtbot.waitUntil(lambda: window.waiting_page.model.rowCount() == 0)


def test_a_refused_record_stays_visible_with_the_reason_and_the_rest_goes(
        qtbot, archive, desk):
    e01, sync, window = desk
    _round(qtbot, sync, sync.start)
    mine = seal_a_slip(e01.store, assigned_request(e01.store, "E01").id, "E01")
    with e01.store.read() as session:
        other = session.scalar(select(ServiceRequest)  # asked long enough ago to be finished
                               .where(ServiceRequest.id != mine.request_id)
                               .order_by(ServiceRequest.requested_at))
    forged = seal_a_slip(e01.store, other.id, "E02")  # signed as E02 on E01's laptop

    report = _round(qtbot, sync)

    assert not report.ok and report.accepted == 1
    page = window.waiting_page
    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    row = page.model.row_at(0)
    assert (row.label, row.state) == (forged.number, "refused")
    assert "本人" in page.model.data(page.model.index(0, 3))
    qtbot.waitUntil(lambda: "被拒收 1 条" in window.sync_status.text())
    i18n.set_language("en")
    assert "own records" in page.model.data(page.model.index(0, 3))
    assert "1 refused" in window.sync_status.text()


def test_offline_the_app_says_so_keeps_the_records_and_tries_again_later(qtbot, laptops):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    laptop = laptops("e01")
    fill_demo(laptop.store, requests=4)
    settings = on_the_desktop(laptop.folder, dead, "a-token")
    sync = SyncService(laptop.store, settings, laptop.folder, period_s=3600)
    try:
        report = _round(qtbot, sync, sync.start)

        assert report.error is not None and not report.ok
        assert sync.status.state == "offline"
        assert sync.status.overview.pending > 0  # nothing was dropped
        assert sync._retry.isActive()  # backoff: the next try is scheduled
    finally:
        sync.stop()


def test_without_an_archive_the_app_works_locally_and_never_tries_the_network(qtbot, laptops):
    laptop = laptops("e01")
    settings = Settings.in_dir(laptop.folder)
    sync = SyncService(laptop.store, settings, laptop.folder, period_s=3600)
    try:
        sync.start()
        assert sync.status.state == "local" and not sync.running
    finally:
        sync.stop()
