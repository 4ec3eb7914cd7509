"""Python's cyclic garbage collector, run on the GUI thread only.

Left to itself the collector runs on whichever thread happens to allocate when its
thresholds are crossed: a list worker or the sync thread. If what it then frees holds a
Qt object, that object is destroyed on the worker: its destructor takes Qt's lock for
the object's connections and then waits for the interpreter lock, while the GUI thread,
holding the interpreter lock, waits for that same Qt lock in a `connect` — the app
froze for good (seen in a test run: a page of the slip list checked its seals on a
worker while the slip editor was being built). So while the desktop runs, automatic
collection is off and a timer on the GUI thread collects instead (the pattern of
pyqtgraph's and Spyder's `GarbageCollector`).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

from fieldapp.base import collector as pausing

INTERVAL_MS = 1000  # cycles wait at most this long; reference counting frees the rest


class _GuiThreadCollector(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(collect)
        self.holders = 0


_collector: _GuiThreadCollector | None = None


def hold() -> None:
    """Automatic collection paused (fieldapp.base.collector, shared with anything else in
    the process that pauses it), the GUI thread's timer on, until the matching `release`.
    Call on the GUI thread (the timer lives there)."""
    global _collector
    if _collector is None:
        _collector = _GuiThreadCollector()
    pausing.pause()
    if _collector.holders == 0:
        _collector.timer.start()
    _collector.holders += 1


def release() -> None:
    """The last holder gone: the timer stops, and automatic collection is as it was
    (once nothing else holds the pause)."""
    if _collector is None or _collector.holders == 0:
        return
    _collector.holders -= 1
    if _collector.holders == 0:
        _collector.timer.stop()
    pausing.resume()


def is_held() -> bool:
    return _collector is not None and _collector.holders > 0


def collect() -> None:
    """The young generation each tick (cycles wait at most INTERVAL_MS; cheap when little
    is new), the older ones when their counts are over their thresholds, as the automatic
    collector would."""
    _young, middle, old = gc.get_count()
    _young_limit, middle_limit, old_limit = gc.get_threshold()
    generation = 0
    if middle > middle_limit:
        generation = 2 if old > old_limit else 1
    gc.collect(generation)
