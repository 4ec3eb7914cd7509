"""The lists stay usable with thousands of slips: lazy pages, search, every model checked."""

from __future__ import annotations

import pytest

from fieldapp.base.settings import Settings
from fieldapp.reads.queries import SlipFilter, count_slips
from fieldapp.records import reference, service_requests, slips
from fieldapp.store import open_store
from ui.kit.ops import Ops
from ui.kit.table_models import PAGE_SIZE
from ui.shell.main_window import MainWindow
from ui.visit.fee_lines import FeeLinesModel, LineText


@pytest.fixture
def big_window(qtbot, big_store_dir):  # type: ignore[no-untyped-def]
    store = open_store(big_store_dir)
    ops = Ops(store)
    window = MainWindow(ops, Settings.in_dir(big_store_dir))
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentIndex(3)
    qtbot.waitUntil(lambda: window.slips_model.rowCount() > 0, timeout=30_000)
    yield window
    qtbot.waitUntil(lambda: ops.pending == 0, timeout=20_000)
    ops.wait_done()
    store.close()


@pytest.mark.slow
def test_one_page_first_and_more_pages_load_on_demand(qtbot, big_window):  # type: ignore[no-untyped-def]
    # how fast the first page comes is the benchmarks' to say (bench_startup,
    # bench_responsive): a timed assertion here would only flake on a busy machine
    model = big_window.slips_model
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore()
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE_SIZE, timeout=10_000)
    big_window.slips_view.scrollToBottom()  # the view asks for the next page itself
    qtbot.waitUntil(lambda: model.rowCount() >= 3 * PAGE_SIZE, timeout=10_000)


@pytest.mark.slow
def test_chinese_search_in_a_large_store(qtbot, big_window):  # type: ignore[no-untyped-def]
    model = big_window.slips_model
    big_window.search.setText("打印")
    big_window.search.setText("打印机")  # typed quickly: one query after the debounce
    qtbot.waitUntil(lambda: big_window.current_filter().search == "打印机" and not model.loading
                    and model.rowCount() > 0, timeout=10_000)
    with big_window.ops.store.read() as session:
        expected = count_slips(session, SlipFilter(search="打印机"))
    assert 0 < expected < 5000
    assert model.rowCount() == min(expected, PAGE_SIZE)


def test_search_finds_printer_in_the_middle_of_a_description(
        qtbot, ops, settings, store, onsite_request):  # type: ignore[no-untyped-def]
    with store.write() as session:
        slips.start_slip(session, service_requests.get_request(session, onsite_request),
                         reference.engineer_by_code(session, "E07"))
    window = MainWindow(ops, settings)
    qtbot.addWidget(window)
    window.search.setText("打印机")
    model = window.slips_model
    qtbot.waitUntil(lambda: any(model.row_at(r).fault.startswith("三楼财务室打印机")
                                for r in range(model.rowCount())), timeout=10_000)


@pytest.mark.slow
def test_filters_by_status_and_channel(qtbot, big_window):  # type: ignore[no-untyped-def]
    big_window.status_filter.setCurrentIndex(big_window.status_filter.findData("draft"))
    big_window.channel_filter.setCurrentIndex(big_window.channel_filter.findData("onsite"))
    big_window.apply_filters()
    model = big_window.slips_model
    qtbot.waitUntil(lambda: not model.loading and model.rowCount() > 0, timeout=10_000)
    rows = [model.row_at(r) for r in range(model.rowCount())]
    assert {r.status for r in rows} == {"draft"}
    assert {r.channel for r in rows} == {"onsite"}


@pytest.mark.any_moment  # "today" is the local day of the moment
@pytest.mark.parametrize("name", ["requests_model", "today_model", "drafts_model",
                                  "slips_model"])
def test_every_list_model_passes_the_model_tester(qtbot, qtmodeltester, ops, settings,
                                                  name):  # type: ignore[no-untyped-def]
    window = MainWindow(ops, settings)
    qtbot.addWidget(window)
    model = getattr(window, name)
    qtbot.waitUntil(lambda: not model.loading and ops.pending == 0, timeout=10_000)
    qtmodeltester.check(model, force_py=True)
    window.refresh()  # a reset and a fresh page, watched by the tester
    qtbot.waitUntil(lambda: not model.loading and ops.pending == 0, timeout=10_000)


def test_fee_lines_model_passes_the_model_tester(qtmodeltester):  # type: ignore[no-untyped-def]
    model = FeeLinesModel()
    model.set_lines([LineText("labour", "上门服务费", "1", "120"),
                     LineText("parts", "搓纸轮", "1.5", "45.50")])
    qtmodeltester.check(model, force_py=True)
    assert model.total_fen() == 12000 + 6825


def test_running_total_is_exact_to_the_fen(qtbot):  # type: ignore[no-untyped-def]
    model = FeeLinesModel()
    model.set_lines([LineText("parts", "网线", "0.1", "0.10")] * 3 + [LineText("other", "", "3",
                                                                             "33.33")])
    assert model.total_fen() == 3 * 1 + 9999
