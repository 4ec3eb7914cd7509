"""The garbage collector and the push. A batch of sealed slips is ~10^5 small lists
(its signatures' strokes, parsed for their checks) that live until the batch is
answered; Python's cyclic collector, set off by those allocations, walked them and the
whole heap again and again: a quarter of the ingest's CPU (docs/performance.md). What a
batch makes is freed by reference counting as it goes, so the cyclic collector waits
while batches are ingested (fieldapp/base/collector.py's one pause), and what the
server made at start-up is left out of its passes for good (`freeze_start_up`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from fieldapp.base import collector
from fieldapp.base.collector import freeze_start_up

__all__ = ["MAX_PAUSE_S", "collector_paused", "freeze_start_up"]

# Under a steady stream of pushes there may be no moment without a batch in progress:
# then the batch that ends after this long collects, so cycles (the ORM makes a few) wait
# seconds, never hours.
MAX_PAUSE_S = 10.0


@contextmanager
def collector_paused(clock: Callable[[], float] = time.monotonic) -> Iterator[None]:
    """No cyclic collection until the last batch in progress is done (or MAX_PAUSE_S
    have passed). Only if the collector was on: a caller that turned it off keeps it off."""
    collector.pause(clock)
    try:
        yield
    finally:
        collector.resume(collect_after_s=MAX_PAUSE_S, clock=clock)
