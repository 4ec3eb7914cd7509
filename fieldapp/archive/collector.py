"""The garbage collector and the push. A batch of sealed slips is ~10^5 small lists
(its signatures' strokes, parsed for their checks) that live until the batch is
answered; Python's cyclic collector, set off by those allocations, walked them and the
whole heap again and again: a quarter of the ingest's CPU (docs/performance.md). What a
batch makes is freed by reference counting as it goes, so the cyclic collector waits
while batches are ingested, and what the server made at start-up is left out of its
passes for good."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# Under a steady stream of pushes there may be no moment without a batch in progress:
# then the batch that ends after this long collects, so cycles (the ORM makes a few) wait
# seconds, never hours.
MAX_PAUSE_S = 10.0

_lock = threading.Lock()
_pausing = 0  # batches being ingested now, on any thread of this process
_resume = False  # whether the collector was on when the first of them began
_paused_since = 0.0


def freeze_start_up() -> None:
    """Modules, models, routes: they live as long as the process; no full pass over them."""
    gc.collect()
    gc.freeze()


@contextmanager
def collector_paused(clock: Callable[[], float] = time.monotonic) -> Iterator[None]:
    """No cyclic collection until the last batch in progress is done (or MAX_PAUSE_S
    have passed). Only if the collector was on: a caller that turned it off keeps it off."""
    global _pausing, _resume, _paused_since
    with _lock:
        _pausing += 1
        if _pausing == 1:
            _resume, _paused_since = gc.isenabled(), clock()
            gc.disable()
    try:
        yield
    finally:
        with _lock:
            _pausing -= 1
            if _pausing == 0 and _resume:
                gc.enable()
            overdue = _pausing > 0 and _resume and clock() - _paused_since > MAX_PAUSE_S
            if overdue:
                _paused_since = clock()
        if overdue:
            gc.collect()
