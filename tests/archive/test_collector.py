"""The cyclic garbage collector waits while push batches are ingested (collector.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldapp.archive.app import serving_app
from fieldapp.archive.collector import MAX_PAUSE_S, collector_paused
from fieldapp.base import collector as pausing


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was_on = gc.isenabled()
    gc.enable()
    yield
    gc.unfreeze()
    if not was_on:
        gc.disable()


def test_the_collector_waits_for_a_batch_and_resumes_after_it() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_resumes_only_when_the_last_of_overlapping_batches_is_done() -> None:
    first, second = collector_paused(), collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first to start ends first: the other still runs
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_a_refused_batch_still_resumes_it() -> None:
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("refused")
    assert gc.isenabled()


def test_under_a_steady_stream_of_batches_a_pass_still_runs_every_max_pause() -> None:
    now = [100.0]
    passes: list[str] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            passes.append(phase)

    gc.callbacks.append(seen)
    try:
        long_running = collector_paused(lambda: now[0])
        long_running.__enter__()  # never a moment without a batch in progress
        with collector_paused(lambda: now[0]):
            now[0] += MAX_PAUSE_S / 2
        assert passes == []
        with collector_paused(lambda: now[0]):
            now[0] += MAX_PAUSE_S
        assert passes == ["start"]  # the batch ending after MAX_PAUSE_S collected
        assert not gc.isenabled()  # and the pause goes on for the batch still running
        long_running.__exit__(None, None, None)
        assert gc.isenabled()
    finally:
        gc.callbacks.remove(seen)


def test_the_served_app_leaves_its_start_up_out_of_the_collector(tmp_path: Path) -> None:
    from fieldapp.archive.config import ArchiveSettings

    gc.unfreeze()
    serving_app(ArchiveSettings(db=f"sqlite:///{tmp_path / 'a.db'}"))
    assert gc.get_freeze_count() > 0
    assert not pausing.is_paused()
