"""One counted pause of Python's cyclic garbage collector, for the whole process.

The archive pauses it while it ingests a push batch (fieldapp/archive/collector.py);
the desktop keeps it paused while it runs and collects on its GUI thread instead
(ui/kit/collector.py). Both change the one interpreter-wide switch, so they share this
count: the collector is switched back on only when the last holder lets go, and only if
it was on when the first one paused it.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable

_lock = threading.Lock()
_holders = 0  # pauses in progress, on any thread
_resume = False  # whether the collector was on when the first of them began
_since = 0.0  # when the pause began, or its last collection


def freeze_start_up() -> None:
    """What start-up made lives as long as the process: leave it out of every later
    pass of the collector."""
    gc.collect()
    gc.freeze()


def pause(clock: Callable[[], float] = time.monotonic) -> None:
    global _holders, _resume, _since
    with _lock:
        if _holders == 0:
            _resume, _since = gc.isenabled(), clock()
            gc.disable()
        _holders += 1


def resume(*, collect_after_s: float | None = None,
           clock: Callable[[], float] = time.monotonic) -> None:
    """Let go of one pause. With `collect_after_s`: should others still hold it and it
    has lasted that long, collect now (the pause then counts from here), so that under a
    steady stream of holders cycles wait seconds, never hours."""
    global _holders, _since
    with _lock:
        if _holders == 0:
            return
        _holders -= 1
        if _holders == 0:
            if _resume:
                gc.enable()
            return
        overdue = collect_after_s is not None and _resume and clock() - _since > collect_after_s
        if overdue:
            _since = clock()
    if overdue:
        gc.collect()


def is_paused() -> bool:
    return _holders > 0
