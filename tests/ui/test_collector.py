"""Cyclic garbage is collected on the GUI thread only while the desktop runs
(ui/kit/collector.py): a Qt object freed on a worker thread deadlocked the app."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject

from fieldapp.base import collector as pausing
from ui.kit import collector


@pytest.fixture
def collector_on(qtbot) -> Iterator[None]:  # type: ignore[no-untyped-def]
    # an earlier test's background job (a list's clock, a page) holds it until its
    # answer is delivered on the GUI thread: let those answers in first
    qtbot.waitUntil(lambda: not collector.is_held() and not pausing.is_paused(),
                    timeout=10_000)
    was_on = gc.isenabled()
    gc.enable()
    yield
    while collector.is_held():
        collector.release()
    if was_on:  # a test may leave it off (one checks that off stays off)
        gc.enable()
    else:
        gc.disable()


class _Cycle:
    """Garbage only the cyclic collector frees: it refers to itself and holds a Qt object."""

    def __init__(self) -> None:
        self.me = self
        self.qt = QObject()


def test_garbage_made_while_workers_allocate_is_freed_on_the_gui_thread(
        qtbot, collector_on) -> None:  # type: ignore[no-untyped-def]
    freed_on: list[str] = []
    collector.hold()
    cycle = _Cycle()
    weakref.finalize(cycle, lambda: freed_on.append(threading.current_thread().name))
    del cycle

    def allocate() -> None:  # far past every threshold of the automatic collector
        kept = [[i] for i in range(200_000)]
        del kept

    worker = threading.Thread(target=allocate, name="worker")
    worker.start()
    worker.join()
    assert freed_on == []  # the worker's allocations set nothing off there

    qtbot.waitUntil(lambda: freed_on != [], timeout=5_000)  # the GUI thread's timer
    assert freed_on == [threading.main_thread().name]


def test_the_collector_is_as_it_was_once_the_last_holder_releases(collector_on) -> None:
    collector.hold()
    collector.hold()
    collector.release()
    assert not gc.isenabled() and collector.is_held()
    collector.release()
    assert gc.isenabled() and not collector.is_held()

    gc.disable()  # off before: stays off
    collector.hold()
    collector.release()
    assert not gc.isenabled()


def test_a_pause_held_elsewhere_in_the_process_does_not_turn_it_back_on_under_the_desktop(
        collector_on) -> None:
    from fieldapp.archive.collector import collector_paused

    with collector_paused():  # a push being ingested by an archive in this process
        collector.hold()
    assert not gc.isenabled()  # the push is done; the desktop still holds it
    collector.release()
    assert gc.isenabled()


def test_a_background_job_holds_it_until_its_answer_is_delivered(
        qtbot, ops, collector_on) -> None:  # type: ignore[no-untyped-def]
    seen: list[bool] = []
    done: list[object] = []
    ops.call(lambda: seen.append(gc.isenabled()), done.append)

    qtbot.waitUntil(lambda: done != [], timeout=10_000)

    assert seen == [False]  # the job's thread could not set a collection off
    assert gc.isenabled() and not collector.is_held()  # and after it, as before
