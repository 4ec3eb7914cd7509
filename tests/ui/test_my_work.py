"""My work first: an engineer opens the app on their own requests and slips, today's at the
top, and one tap shows everyone's; staff see everyone's. Every filter narrows every list
tab, the status bar counts the whole list, and the filter combos draw their current item.

The world is built on a Wednesday morning in Tianjin (2026-12-02 10:00) and the clock is
held there (time-machine, ticking), so "today" is that day whenever the test runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from fieldapp.base.settings import Settings
from fieldapp.reads.queries import RequestFilter, count_requests
from fieldapp.records import reference, service_requests, slips
from fieldapp.records.service_requests import OPEN_STATUSES
from fieldapp.rules.validation import FeeLineInput
from fieldapp.store import Store, open_store
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from ui.kit import i18n, table_models
from ui.kit.ops import Ops
from ui.shell.main_window import MainWindow

TIANJIN = ZoneInfo("Asia/Shanghai")
MOMENT = datetime(2026, 12, 2, 10, 0, tzinfo=TIANJIN)  # Wednesday, 10:00 in Tianjin


def local(days_ago: int, hour: int, minute: int = 0) -> datetime:
    day = MOMENT - timedelta(days=days_ago)
    return day.replace(hour=hour, minute=minute).astimezone(UTC)


@pytest.fixture
def wednesday_morning() -> Iterator[None]:
    with time_machine.travel(MOMENT.astimezone(UTC), tick=True):
        yield


# name: (customer, channel, engineer or None, requested (days ago, h, m), fault)
REQUESTS = {
    "mine_today": ("TJPORT", "phone", "E07", (0, 9, 20), "财务室打印机卡纸，无法打印发票"),
    "mine_older": ("NKU", "onsite", "E07", (3, 14, 0), "机房服务器风扇异响"),
    "theirs": ("TJPORT", "onsite", "E15", (0, 9, 40), "三楼交换机端口不通"),
    "waiting": ("NKU", "letter", "E15", (0, 7, 50), "来函：申请增加两台显示器"),
    "unassigned": ("NKU", "remote", None, (0, 8, 30), "邮箱客户端无法登录"),
    "done": ("NKU", "onsite", "E07", (0, 7, 0), "门禁考勤机不能联网"),
}
# name: (request, engineer, started (days ago, h, m)); "done" is sealed at 08:30 today
SLIPS = {
    "mine_today": ("mine_today", "E07", (0, 9, 50)),
    "mine_older": ("mine_older", "E07", (3, 15, 0)),
    "theirs": ("theirs", "E15", (0, 9, 55)),
    "done": ("done", "E07", (0, 7, 30)),
}


def _seal(session, slip, at: datetime) -> None:  # type: ignore[no-untyped-def]
    slips.update_slip(session, slip, {
        "arrived_at": at, "started_at": at + timedelta(minutes=5),
        "solved_at": at + timedelta(minutes=40), "departed_at": at + timedelta(minutes=50),
        "fault_found": "网线水晶头氧化", "handling": "重做水晶头，测试联网正常",
        "result": "solved"}, now=at + timedelta(minutes=55))
    slips.set_fee_lines(session, slip, [FeeLineInput("labour", "上门服务费", Decimal(1),
                                                     Decimal(120))])
    for role, name, seed in (("engineer", "刘洋", 1), ("customer", "高洁", 2)):
        slips.sign_slip(session, slip, role=role, signer_name=name,
                        strokes=signature_strokes(seed), pad_width=PAD_WIDTH,
                        pad_height=PAD_HEIGHT, signed_at=at + timedelta(minutes=55),
                        now=at + timedelta(minutes=56))


@pytest.fixture
def world(tmp_path: Path, wednesday_morning) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Numbers by name: `r:<name>` for requests, `s:<name>` for slips."""
    numbers: dict[str, str] = {}
    store = open_store(tmp_path)
    with store.write() as session:
        customers = {
            "TJPORT": reference.create_customer(session, code="TJPORT", name="天津港信息中心"),
            "NKU": reference.create_customer(session, code="NKU", name="南开大学网络中心")}
        engineers = {code: reference.create_engineer(session, code=code, name=name)
                     for code, name in (("E07", "刘洋"), ("E15", "王磊"))}
        requests = {}
        for name, (customer, channel, engineer, at, fault) in REQUESTS.items():
            requested = local(*at)
            request = service_requests.take_request(
                session, operator_code="C01", customer=customers[customer], channel=channel,
                fault_reported=fault, requested_at=requested, contact_name="高洁",
                contact_phone="13900220001", engineer=engineers.get(engineer or ""),
                answered_at=requested + timedelta(minutes=2) if channel == "phone" else None,
                now=requested + timedelta(minutes=2))
            session.flush()
            requests[name], numbers[f"r:{name}"] = request, request.number
        for name, (request, engineer, at) in SLIPS.items():
            slip = slips.start_slip(session, requests[request], engineers[engineer],
                                    now=local(*at))
            session.flush()
            numbers[f"s:{name}"] = slip.number
            if name == "done":
                _seal(session, slip, local(0, 7, 35))
    store.close()
    return numbers


def _settings(data_dir: Path, role: str, code: str | None = None) -> Settings:
    settings = Settings.in_dir(data_dir)
    for key, value in dict(operator_code=code or ("E07" if role == "engineer" else "C01"),
                           operator_name="刘洋" if role == "engineer" else "李娜", role=role,
                           setup_done=True).items():
        settings.set(key, value)
    settings.save()
    return settings


@pytest.fixture
def open_window(qtbot, tmp_path: Path, world):  # type: ignore[no-untyped-def]
    opened: list[tuple[Store, Ops]] = []

    def open_as(role: str, code: str | None = None) -> MainWindow:
        store = open_store(tmp_path)
        ops = Ops(store)
        opened.append((store, ops))
        window = MainWindow(ops, _settings(tmp_path, role, code))
        qtbot.addWidget(window)
        window.show()
        _wait(qtbot, window)
        return window

    yield open_as
    for store, ops in opened:
        qtbot.waitUntil(lambda ops=ops: ops.pending == 0, timeout=20_000)
        ops.wait_done()
        store.close()


def _wait(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.ops.pending == 0 and not any(
        m.loading for m in window.tab_models[:4]), timeout=15_000)


LIST_MODELS = {"requests": "requests_model", "today": "today_model",
               "drafts": "drafts_model", "slips": "slips_model"}


def shown(window: MainWindow, tab: str) -> list[str]:
    model = getattr(window, LIST_MODELS[tab])
    return [model.row_at(r).number for r in range(model.rowCount())]


def numbers(world: dict[str, str], *names: str) -> list[str]:
    return [world[n] for n in names]


# -- my work, everyone's ---------------------------------------------------------------------

def test_an_engineer_opens_on_their_own_requests_and_drafts_today_first(open_window, world):
    window = open_window("engineer")
    assert window.mine and window.scope_mine.isChecked() and not window.scope_all.isChecked()
    # assigned to me and still open; today's first, then older (newest first)
    assert shown(window, "requests") == numbers(world, "r:mine_today", "r:mine_older")
    assert shown(window, "today") == numbers(world, "s:mine_today", "s:done")
    assert shown(window, "drafts") == numbers(world, "s:mine_today", "s:mine_older")
    assert shown(window, "slips") == numbers(world, "s:mine_today", "s:done", "s:mine_older")
    assert window.status.text() == "共 2 条"


def test_one_tap_switches_to_everyones_work_and_back(qtbot, open_window, world):
    window = open_window("engineer")
    qtbot.mouseClick(window.scope_all, Qt.MouseButton.LeftButton)
    _wait(qtbot, window)
    assert not window.mine and window.scope_all.isChecked()
    assert shown(window, "requests") == numbers(
        world, "r:theirs", "r:mine_today", "r:unassigned", "r:waiting", "r:mine_older")
    assert shown(window, "drafts") == numbers(world, "s:theirs", "s:mine_today",
                                              "s:mine_older")
    assert window.status.text() == "共 5 条"
    qtbot.mouseClick(window.scope_mine, Qt.MouseButton.LeftButton)
    _wait(qtbot, window)
    assert shown(window, "requests") == numbers(world, "r:mine_today", "r:mine_older")


def test_an_engineer_with_nothing_of_their_own_is_told_where_to_look(qtbot, open_window):
    window = open_window("engineer", "E20")  # new: nothing assigned yet
    assert shown(window, "requests") == [] and shown(window, "drafts") == []
    assert window.status.text() == "我的工作里没有；点“所有人的”看全部"
    qtbot.mouseClick(window.scope_all, Qt.MouseButton.LeftButton)
    _wait(qtbot, window)
    assert window.status.text() == "共 5 条"


def test_the_scope_in_force_stands_out(qtbot, open_window):
    window = open_window("engineer")
    assert window.scope_mine.property("primary") and not window.scope_all.property("primary")
    qtbot.mouseClick(window.scope_all, Qt.MouseButton.LeftButton)
    assert window.scope_all.property("primary") and not window.scope_mine.property("primary")


def test_staff_see_everyones_work(open_window, world):
    window = open_window("staff")
    assert not window.mine and window.scope_all.isChecked()
    assert shown(window, "requests") == numbers(
        world, "r:theirs", "r:mine_today", "r:unassigned", "r:waiting", "r:mine_older")
    assert shown(window, "today") == numbers(world, "s:theirs", "s:mine_today", "s:done")


# -- every filter on every list tab -------------------------------------------------------------

# filter: how it is set, then what each tab lists (everyone's work); a tab that fixes the
# filter itself (drafts: status, today: date) is left out and checked below.
FILTERS = {
    "status": (("status_filter", {"requests": "assigned", "today": "sealed",
                                  "slips": "sealed"}), {
        "requests": ("r:waiting",), "today": ("s:done",), "slips": ("s:done",)}),
    "channel": (("channel_filter", "onsite"), {
        "requests": ("r:theirs", "r:mine_older"), "today": ("s:theirs", "s:done"),
        "drafts": ("s:theirs", "s:mine_older"),
        "slips": ("s:theirs", "s:done", "s:mine_older")}),
    "customer": (("customer_filter", "NKU"), {
        "requests": ("r:unassigned", "r:waiting", "r:mine_older"), "today": ("s:done",),
        "drafts": ("s:mine_older",), "slips": ("s:done", "s:mine_older")}),
    "date": (("date_filter", "today"), {
        "requests": ("r:theirs", "r:mine_today", "r:unassigned", "r:waiting"),
        "drafts": ("s:theirs", "s:mine_today"),
        "slips": ("s:theirs", "s:mine_today", "s:done")}),
    "search": (("search", "打印"), {
        "requests": ("r:mine_today",), "today": ("s:mine_today",),
        "drafts": ("s:mine_today",), "slips": ("s:mine_today",)}),
}


def _customer_id(window: MainWindow, code: str):  # type: ignore[no-untyped-def]
    name = {"NKU": "南开大学网络中心"}[code]
    return next(cid for cid, label in window.customers if label == name)


def _set(qtbot, window: MainWindow, tab: str, widget: str, value) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentIndex(list(LIST_MODELS).index(tab))
    if widget == "search":
        window.search.setText(value)  # typed: the lists follow after the debounce
        qtbot.waitUntil(lambda: not window._search_timer.isActive())
        _wait(qtbot, window)
        return
    combo = getattr(window, widget)
    if isinstance(value, dict):
        value = value[tab]
    if widget == "customer_filter":
        qtbot.waitUntil(lambda: len(window.customers) == 2)
        value = _customer_id(window, value)
    index = combo.findData(value)
    assert index >= 0 and combo.isEnabled(), (widget, value)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # as a tap on the item does
    _wait(qtbot, window)


@pytest.mark.parametrize("name", list(FILTERS))
def test_each_filter_narrows_each_list_tab(qtbot, open_window, world, name):
    window = open_window("staff")
    (widget, value), expected = FILTERS[name]
    for tab, wanted in expected.items():
        _set(qtbot, window, tab, widget, value)
        assert shown(window, tab) == numbers(world, *wanted), (name, tab)
        assert window.status.text() == f"共 {len(wanted)} 条", (name, tab)
    for tab, wanted in expected.items():  # and it holds on each tab at once
        assert shown(window, tab) == numbers(world, *wanted), (name, tab)


def test_drafts_fix_the_status_and_todays_slips_the_date(qtbot, open_window, world):
    window = open_window("staff")
    window.tabs.setCurrentIndex(2)
    assert not window.status_filter.isEnabled() and window.status_filter.currentText() == "草稿"
    _set(qtbot, window, "slips", "status_filter", "sealed")
    window.tabs.setCurrentIndex(2)
    assert window.status_filter.currentText() == "草稿"
    assert shown(window, "drafts") == numbers(world, "s:theirs", "s:mine_today",
                                              "s:mine_older")
    window.tabs.setCurrentIndex(1)
    assert not window.date_filter.isEnabled() and window.date_filter.currentText() == "今天"
    window.tabs.setCurrentIndex(3)  # the choices made on a tab come back with it
    assert window.status_filter.currentData() == "sealed"
    assert window.date_filter.currentData() == "all" and window.date_filter.isEnabled()


def test_the_requests_tab_offers_request_statuses(open_window):
    window = open_window("staff")
    window.tabs.setCurrentIndex(0)
    offered = [window.status_filter.itemData(i) for i in range(window.status_filter.count())]
    assert offered == [None, *OPEN_STATUSES]
    window.tabs.setCurrentIndex(3)
    offered = [window.status_filter.itemData(i) for i in range(window.status_filter.count())]
    assert offered == [None, "draft", "sealed"]


def test_the_filter_bar_is_off_on_tabs_it_does_not_narrow_and_keeps_its_choices(
        qtbot, open_window, world):  # type: ignore[no-untyped-def]
    window = open_window("staff")
    _set(qtbot, window, "requests", "status_filter", "assigned")
    window.tabs.setCurrentWidget(window.repairs_page)
    assert not any(w.isEnabled() for w in (window.search, window.status_filter,
                                           window.channel_filter, window.customer_filter,
                                           window.date_filter, window.scope_mine))
    i18n.set_language("en")  # a language switch meanwhile changes only the words
    window.tabs.setCurrentIndex(0)
    assert window.search.isEnabled() and window.channel_filter.isEnabled()
    assert window.status_filter.currentData() == "assigned"
    assert window.status_filter.currentText() == "Assigned"
    window.refresh()  # F5
    _wait(qtbot, window)
    assert shown(window, "requests") == numbers(world, "r:waiting")


# -- counts ---------------------------------------------------------------------------------------

def test_the_status_bar_counts_the_whole_list_not_the_rows_loaded(qtbot, open_window, world,
                                                                 monkeypatch):
    monkeypatch.setattr(table_models, "PAGE_SIZE", 2)
    window = open_window("staff")
    window.tabs.setCurrentIndex(3)
    view, model = window.slips_view, window.slips_model
    view.setFixedHeight(view.horizontalHeader().height() + 30)  # a short list: one row shows
    model.refresh()
    qtbot.waitUntil(lambda: model.total == 4)
    _wait(qtbot, window)
    assert model.rowCount() == 2  # the view asked for no more: the second row is out of sight
    assert window.status.text() == "已显示 2 条，共 4 条，向下滚动加载更多"
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 4)
    _wait(qtbot, window)
    assert window.status.text() == "共 4 条"


# -- combos ---------------------------------------------------------------------------------------

def _row_has_text(combo) -> bool:  # type: ignore[no-untyped-def]
    """The popup's current row is drawn with something on it besides its background."""
    view = combo.view()
    rect = view.visualRect(combo.model().index(combo.currentIndex(), 0)).adjusted(6, 4, -6, -4)
    image = view.viewport().grab(rect).toImage()
    colours = {QColor(image.pixel(x, y)).name() for x in range(image.width())
               for y in range(image.height())}
    return len(colours) > 3  # background plus antialiased glyphs


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen popups
def test_filter_combos_draw_their_current_item(qtbot, open_window):
    window = open_window("staff")
    for combo in (window.status_filter, window.channel_filter, window.customer_filter,
                  window.date_filter):
        combo.setCurrentIndex(1)
        combo.showPopup()
        qtbot.waitUntil(combo.view().isVisible)
        assert _row_has_text(combo), combo.currentText()
        combo.hidePopup()


# -- a large store ---------------------------------------------------------------------------------

@pytest.mark.slow
def test_my_work_in_a_large_store_shows_one_page_and_counts_it_all(
        qtbot, big_store_dir):  # type: ignore[no-untyped-def]
    settings = Settings.in_dir(big_store_dir)
    settings.set("role", "engineer")
    settings.save()
    store = open_store(big_store_dir)
    ops = Ops(store)
    try:
        # how fast is the benchmarks' to say (bench_startup, bench_responsive), not a test's
        window = MainWindow(ops, settings)
        qtbot.addWidget(window)
        window.show()
        model = window.requests_model
        qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=30_000)
        assert {model.row_at(r).engineer_code for r in range(model.rowCount())} == {"E07"}
        qtbot.waitUntil(lambda: model.total is not None, timeout=10_000)
        with store.read() as session:
            e07 = reference.engineer_by_code(session, "E07")
            expected = count_requests(session, RequestFilter(statuses=OPEN_STATUSES,
                                                             engineer_id=e07.id))
        assert model.total == expected > table_models.PAGE_SIZE
        assert model.rowCount() == table_models.PAGE_SIZE and model.canFetchMore()
        assert window.status.text() == (
            f"已显示 {table_models.PAGE_SIZE} 条，共 {expected} 条，向下滚动加载更多")
        model.fetchMore()
        qtbot.waitUntil(lambda: model.rowCount() > table_models.PAGE_SIZE, timeout=10_000)
    finally:
        qtbot.waitUntil(lambda: ops.pending == 0, timeout=20_000)
        ops.wait_done()
        store.close()
