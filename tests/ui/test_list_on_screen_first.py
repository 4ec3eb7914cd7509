"""The list on screen is read first; the other tabs' lists once its page is in.

Read side by side, the lists share the interpreter's one lock and the list the engineer
looks at comes later (docs/performance.md, "Start-up": ~50 ms at a cold start).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from fieldapp.base.errors import FieldappError
from tests.ui.conftest import wait_idle
from ui.kit.ops import Ops
from ui.kit.table_models import Column, PagedModel
from ui.shell.main_window import MainWindow

COLUMNS = [Column("column.number", str)]


def _gated(rows: list[Any], calls: list[str], name: str
           ) -> tuple[Callable[[int, int], list[Any]], threading.Event]:
    """A page source that waits for its gate and records when it is read."""
    gate = threading.Event()

    def fetch(offset: int, limit: int) -> list[Any]:
        calls.append(name)
        assert gate.wait(10)
        return rows[offset:offset + limit]

    return fetch, gate


def _failing(calls: list[str], gate: threading.Event) -> Callable[[int, int], list[Any]]:
    def fetch(offset: int, limit: int) -> list[Any]:
        calls.append("shown")
        assert gate.wait(10)
        raise FieldappError("数据库无法读取。", "The store cannot be read.")

    return fetch


def test_a_list_read_after_another_waits_for_that_ones_page(qtbot, ops: Ops
                                                             ) -> None:  # type: ignore[no-untyped-def]
    calls: list[str] = []
    shown, other = PagedModel(ops, COLUMNS), PagedModel(ops, COLUMNS)
    shown_fetch, shown_gate = _gated(["a", "b"], calls, "shown")
    other_fetch, other_gate = _gated(["c"], calls, "other")
    other_gate.set()
    shown.set_source(shown_fetch)
    other.set_source(other_fetch, after=shown)
    assert other.loading and other.has_more and not other.canFetchMore()
    qtbot.waitUntil(lambda: calls == ["shown"], timeout=5_000)
    assert ops.pending == 1  # the other list is not even queued
    shown_gate.set()
    qtbot.waitUntil(lambda: other.rowCount() == 1, timeout=5_000)
    assert calls == ["shown", "other"] and shown.rowCount() == 2
    assert not other.loading


def test_a_failed_page_lets_the_waiting_lists_go_on(qtbot, ops: Ops
                                                    ) -> None:  # type: ignore[no-untyped-def]
    calls: list[str] = []
    failures: list[object] = []
    ops.failed.connect(failures.append)
    gate = threading.Event()
    shown, other = PagedModel(ops, COLUMNS), PagedModel(ops, COLUMNS)
    other_fetch, other_gate = _gated(["c"], calls, "other")
    other_gate.set()
    shown.set_source(_failing(calls, gate))
    other.set_source(other_fetch, after=shown)
    gate.set()
    qtbot.waitUntil(lambda: other.rowCount() == 1, timeout=5_000)
    assert calls == ["shown", "other"] and len(failures) == 1


def test_a_new_source_while_waiting_is_read_once(qtbot, ops: Ops
                                                 ) -> None:  # type: ignore[no-untyped-def]
    calls: list[str] = []
    shown, other = PagedModel(ops, COLUMNS), PagedModel(ops, COLUMNS)
    shown_fetch, shown_gate = _gated(["a"], calls, "shown")
    first_fetch, first_gate = _gated(["old"], calls, "first")
    second_fetch, second_gate = _gated(["new"], calls, "second")
    first_gate.set()
    second_gate.set()
    shown.set_source(shown_fetch)
    other.set_source(first_fetch, after=shown)
    other.set_source(second_fetch)  # no longer waits: read at once, the first never
    qtbot.waitUntil(lambda: other.rowCount() == 1, timeout=5_000)
    shown_gate.set()
    qtbot.waitUntil(lambda: shown.rowCount() == 1, timeout=5_000)
    wait_idle(qtbot, ops)
    assert other.row_at(0) == "new"
    assert sorted(calls) == ["second", "shown"]


@pytest.mark.parametrize("tab", [0, 3])  # the requests, the slips
def test_the_window_reads_the_tab_on_screen_first(qtbot, ops: Ops, settings, tab: int
                                                  ) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(ops, settings)
    qtbot.addWidget(window)
    wait_idle(qtbot, ops)
    window.tabs.setCurrentIndex(tab)
    wait_idle(qtbot, ops)
    window.apply_filters()
    shown = window.tab_models[tab]
    others = [m for m in window.tab_models[:4] if m is not shown]
    assert ops.pending == 1 and shown.loading  # only the list on screen is being read
    assert all(m.loading and m.rowCount() == 0 for m in others)
    wait_idle(qtbot, ops)
    assert shown.rowCount() > 0
    assert not any(m.loading for m in (shown, *others))
