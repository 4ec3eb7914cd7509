"""The engineer sees what the laptop set aside of what the archive sent (issue 19): the
待同步 tab lists a parked record after the refused ones — its kind, its number and why
— the status line and the strip count it, and "retry set-aside records" syncs and tries
them again after the pull; `fieldapp sync --retry-parked` does the same on the command
line. Real archive on loopback, two real laptop stores of E01, the real main window.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from PySide6.QtCore import Qt
from sqlalchemy import select

from fieldapp.base.timeutil import utcnow
from fieldapp.cli import cli
from fieldapp.records.reference import engineer_by_code
from fieldapp.services import sync_status
from fieldapp.store.models import ServiceRequest
from fieldapp.sync.rounds import run_sync_round
from tests.archive.servers import sqlite_url
from tests.archive.test_number_clashes import ready, take_in_the_first_laptops_block, take_on_site
from tests.archive.work import on_the_command_line, on_the_desktop, seal_slip_in
from tests.ui.layout_check import problems
from ui.kit import i18n
from ui.kit.ops import Ops
from ui.kit.style import STYLESHEET
from ui.shell.main_window import MainWindow
from ui.sync.sync_service import SyncService

ROUND_MS = 30_000
SHOTS = os.environ.get("FIELDAPP_SYNC_SHOTS", "")  # a folder: the tab's screenshots go there


@pytest.fixture
def db_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    return sqlite_url(tmp_path)  # what is shown does not depend on the archive's database


@pytest.fixture
def spare(archive, laptops):  # type: ignore[no-untyped-def]
    """E01's second laptop after a sync that parked the archive's request R (its number is
    held here by a signed request of this laptop's, refused by the archive in turn)."""
    first, spare = ready(archive, laptops, "first", "spare")
    with first.store.write() as session:
        taken = take_on_site(session, "E01", utcnow()).number
    assert run_sync_round(first.store, None, first.client).ok
    request_id = take_in_the_first_laptops_block(spare).id
    with spare.store.write() as session:  # signed: the request keeps its number
        seal_slip_in(session, session.get_one(ServiceRequest, request_id),
                     engineer_by_code(session, "E01"), utcnow())
    report = run_sync_round(spare.store, None, spare.client)
    assert report.parked_total == 1 and report.refused_total >= 1, report
    spare.taken = taken
    return spare


@pytest.fixture
def desk(qapp, qtbot, archive, spare) -> Iterator:  # type: ignore[no-untyped-def]
    i18n.set_language("zh")
    qapp.setStyleSheet(STYLESHEET)  # the app's look: finger-sized targets
    settings = on_the_desktop(spare.folder, archive.url, spare.client.token)
    ops = Ops(spare.store)
    sync = SyncService(spare.store, settings, spare.folder, period_s=3600)
    window = MainWindow(ops, settings, sync=sync)
    qtbot.addWidget(window)
    window.resize(1280, 680)
    window.show()
    with qtbot.waitSignal(sync.round_finished, timeout=ROUND_MS):
        sync.start()
    yield spare, sync, window
    sync.stop()
    qtbot.waitUntil(lambda: ops.pending == 0, timeout=20_000)
    ops.wait_done()
    qapp.setStyleSheet("")


def _shot(window, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        window.grab().save(str(Path(SHOTS) / f"{name}.png"))


def test_the_waiting_tab_shows_a_parked_record_with_its_number_and_reason(qtbot, desk):
    spare, _sync, window = desk
    page = window.waiting_page
    window.show_waiting()
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() >= 2 and page.parked_button.isVisible())

    rows = [page.model.row_at(i) for i in range(page.model.rowCount())]
    states = [r.state for r in rows]
    assert states.index("refused") < states.index(sync_status.PARKED)  # refused first
    parked = rows[states.index(sync_status.PARKED)]
    at = states.index(sync_status.PARKED)
    cells = [page.model.data(page.model.index(at, c)) for c in range(page.model.columnCount())]
    assert cells[:3] == ["服务请求", spare.taken, "暂存"]
    assert spare.taken in cells[3] and "编号相同" in cells[3]
    assert parked.label == spare.taken
    qtbot.waitUntil(lambda: "暂存 1 条" in window.sync_status.text())
    assert "1 条从档案下载的记录暂未存入本机" in window.message_strip.text
    assert "1 条从档案下载的记录暂未存入本机" in window.sync_badge.toolTip()

    tap(qtbot, page, at)  # a finger has no tooltip: the whole reason shows under the list
    assert page.detail.isVisible()
    assert page.detail.text() == f"服务请求 {spare.taken}（暂存）：{parked.reason_zh}"
    assert [p for p in problems(window) if not p.startswith("window ")] == []
    _shot(window, "waiting-parked-zh")

    i18n.set_language("en")
    qtbot.wait(50)  # the window lays itself out in English
    cells = [page.model.data(page.model.index(at, c)) for c in range(page.model.columnCount())]
    assert cells[:3] == ["Service request", spare.taken, "Set aside"]
    assert "has the number of another" in cells[3]
    assert page.detail.text().startswith(f"Service request {spare.taken} (Set aside): The")
    assert "1 set aside" in window.sync_status.text()
    assert page.parked_button.text() == "Retry set-aside records"
    assert [p for p in problems(window) if not p.startswith("window ")] == []
    _shot(window, "waiting-parked-en")


def tap(qtbot, page, row: int) -> None:  # type: ignore[no-untyped-def]
    rect = page.view.visualRect(page.model.index(row, 3))
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.wait(50)  # the layout makes room for the lines of the reason


def test_retry_set_aside_records_syncs_then_tries_them_and_says_how_it_went(qtbot, desk):
    _spare, sync, window = desk
    page = window.waiting_page
    window.show_waiting()
    page.refresh()
    qtbot.waitUntil(page.parked_button.isVisible)

    with qtbot.waitSignal(sync.parked_retried, timeout=ROUND_MS) as retried, \
            qtbot.waitSignal(sync.round_finished, timeout=ROUND_MS):
        page.parked_button.click()

    assert retried.args[0] == sync_status.ParkedRetry(stored=0, left=1)  # still held up
    qtbot.waitUntil(lambda: "0 条已存入本机，1 条仍暂存" in page.summary.text())
    assert page.parked_button.isVisible()  # still one set aside: still offered


def test_fieldapp_sync_retry_parked_says_how_many_were_stored(archive, spare):
    on_the_command_line(spare, archive.url)
    args = ["--data-dir", str(spare.folder), "--lang", "en", "sync", "--retry-parked"]

    text = CliRunner().invoke(cli, args)
    answer = CliRunner().invoke(cli, [*args, "--json"])

    assert "Set-aside records tried again: 0 stored here, 1 still set aside." in text.output
    assert "IntegrityError" not in text.output
    assert json.loads(answer.stdout)["parked_stored"] == 0
    with spare.store.read() as session:
        assert session.scalar(select(ServiceRequest.id).where(
            ServiceRequest.number == spare.taken)) is not None  # ours, kept
