"""The sync state is always on screen: a badge first in the toolbar, a strip under it.

Every state in words (and colour), the waiting count and the last sync; what needs the
user in the strip, in the app's terms — never the command line's `fieldapp login`, an
exception's class or an English code. (With a real archive stopped:
tests/archive/test_desktop_badge.py.)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from fieldapp.base.errors import ValidationError
from fieldapp.sync.status import SyncOverview
from tests.ui.test_no_latin import Checker
from tests.ui.workflow_helpers import main_window
from ui.kit import i18n
from ui.shell.main_window import MainWindow
from ui.sync.sync_service import SyncService, SyncStatus
from ui.workflows.workflow_widgets import message

LAST = datetime(2026, 12, 2, 6, 30, tzinfo=UTC)  # 14:30 in Tianjin
WAITING = SyncOverview(pending=3, refused=0, last_success_at=LAST, clock_skew_seconds=0)
# what the core says, in the command line's terms; the desktop must not repeat it
CLI_LOGIN = ("尚未登录档案服务器，请先运行 fieldapp login。",
             "Not logged in to the archive; run fieldapp login first.")


@pytest.fixture
def window_with_sync(qtbot, ops, store, settings):  # type: ignore[no-untyped-def]
    settings.set("archive_url", "http://127.0.0.1:9")
    sync = SyncService(store, settings, settings.path.parent, period_s=3600)
    window = MainWindow(ops, settings, sync=sync)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: ops.pending == 0)
    yield window, sync
    sync.stop()


def publish(sync: SyncService, status: SyncStatus) -> None:
    sync.status = status
    sync.changed.emit(status)


STATES = {
    "ok": (SyncStatus("ok", WAITING), "已连接", ""),
    "syncing": (SyncStatus("syncing", WAITING), "正在同步…", ""),
    "offline": (SyncStatus("offline", WAITING, "无法连接档案服务器（ConnectError）", "x",
                           problem="offline"), "离线", ""),
    "login": (SyncStatus("login", WAITING, *CLI_LOGIN, problem="login"), "未接入档案",
              "请服务中心为这台电脑接入档案"),
    "join": (SyncStatus("error", WAITING, "请重新运行 fieldapp login 并加 --keep-local", "x",
                        problem="join"), "同步未完成", "请服务中心处理这台电脑的接入"),
    "archive": (SyncStatus("error", WAITING, "档案服务器维护中，请稍后再试。", "x",
                           problem="archive"), "同步未完成", "档案服务器维护中"),
    "defect": (SyncStatus("error", WAITING, "同步出错：KeyError('x')", "x", problem="defect"),
               "同步未完成", "程序错误"),
}


@pytest.mark.parametrize("name", list(STATES))
def test_each_sync_state_is_said_in_chinese_where_the_user_looks(
        qtbot, window_with_sync, store, name):  # type: ignore[no-untyped-def]
    window, sync = window_with_sync
    status, word, strip = STATES[name]

    publish(sync, status)

    state_line, last = window.sync_badge.text().split("\n")
    assert state_line == f"{word} · 待上传 3 条"
    assert last in ("上次同步 12-02 14:30", "上次同步 14:30")
    assert (strip in window.message_strip.text) if strip else window.message_strip.text == ""
    checker = Checker(store)
    checker.scan(window.sync_badge, "badge")
    checker.scan(window.message_strip, "strip")
    checker.scan(window.statusBar(), "status bar")
    assert not checker.found, "\n".join(checker.report())
    assert "fieldapp login" not in window.sync_badge.toolTip() + window.message_strip.text


def test_without_an_archive_the_badge_says_local_mode_calmly(qtbot, ops, settings):  # type: ignore[no-untyped-def]
    window = main_window(qtbot, ops, settings)  # no archive set: no sync service at all
    assert window.sync_badge.text().split("\n") == ["本机模式", "数据保存在本机"]
    assert "设置" in window.sync_badge.toolTip()  # where the archive address goes
    assert window.message_strip.text == ""  # nothing to act on: no strip


def test_refused_records_and_a_wrong_clock_are_in_the_strip_until_dismissed(
        qtbot, window_with_sync):  # type: ignore[no-untyped-def]
    window, sync = window_with_sync
    counts = replace(WAITING, refused=2, clock_skew_seconds=900)
    publish(sync, SyncStatus("ok", counts, clock_skew_flagged=True))
    assert "2 条记录被档案拒收" in window.sync_badge.toolTip()
    assert "2 条记录被档案拒收" in window.message_strip.text
    assert "900 秒" in window.message_strip.text
    window.message_strip.waiting_button.click()
    assert window.tabs.currentWidget() is window.waiting_page
    window.message_strip.dismiss_button.click()
    assert window.message_strip.text == ""
    publish(sync, SyncStatus("ok", replace(counts, refused=3), clock_skew_flagged=True))
    assert "3 条记录被档案拒收" in window.message_strip.text  # something new: shown again


def test_a_failed_operation_is_told_in_the_strip_without_its_class_name(
        qtbot, ops, settings):  # type: ignore[no-untyped-def]
    window = main_window(qtbot, ops, settings)
    ops.failed.emit(KeyError("cost_fen"))  # a defect
    assert "程序错误" in window.message_strip.text
    assert message(KeyError("cost_fen")) == window.message_strip.text.removeprefix("出错：")
    assert "KeyError" not in window.message_strip.text
    assert "cost_fen" not in window.message_strip.text
    from fieldapp.base.errors import FieldIssue

    ops.failed.emit(ValidationError([FieldIssue("x", "required", "请填写确认人。", "Enter x.")]))
    assert "请填写确认人。" in window.message_strip.text
    i18n.set_language("en")
    assert "Enter x." in window.message_strip.text  # the language follows


def test_the_badge_is_on_screen_at_1024_by_768(qtbot, window_with_sync):  # type: ignore[no-untyped-def]
    window, sync = window_with_sync
    publish(sync, STATES["offline"][0])
    for language in ("zh", "en"):
        i18n.set_language(language)
        window.resize(1024, 768)
        qtbot.waitUntil(lambda: window.width() == 1024)
        badge = window.sync_badge
        assert badge.isVisible()
        right = badge.mapTo(window, badge.rect().topRight()).x()
        assert 0 <= right <= window.width()  # not pushed into the toolbar's overflow
        assert badge.mapTo(window, badge.rect().bottomLeft()).y() < 120  # at the top
