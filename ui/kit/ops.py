"""Blocking work off the GUI thread, through one helper (like Anki's CollectionOp/QueryOp).

``ops.call(fn, on_done, on_error, write=True)`` runs a core service (`fieldapp.services`),
``fn()``, which owns its transaction, in a worker thread, then calls ``on_done`` (or
``on_error``) on the GUI thread. Writes run one at a time, in the order they were asked
for (autosaves never overtake each other); reads run in parallel. ``ops.run(fn, …)`` is
for blocking work that is not the store's — printing (``lp``, up to 30 s), rasterising a
PDF — on a pool of its own, so a slow printer never holds up a list. `fn` must not touch
widgets and returns plain data. The GUI thread itself never runs SQL, a subprocess or a
network call (tests/ui/test_gui_thread_io.py) — not even at start: ``wait_for(fn)`` opens
the store on a worker thread before the first window (`Ops` needs the store to exist).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from shiboken6 import Shiboken

from fieldapp.base.errors import FieldappError
from fieldapp.store import Store
from ui.kit import collector

log = logging.getLogger("fieldapp.ui.ops")

Done = Callable[[Any], None]
Failed = Callable[[Exception], None]
T = TypeVar("T")


def _owners(*callbacks: object) -> list[QObject]:
    """The widgets a callback belongs to: a bound method's object, or a closure's QObjects.

    A result for a widget the user already closed is dropped instead of delivered.
    """
    owners: list[QObject] = []
    for callback in callbacks:
        target = getattr(callback, "__self__", None)
        if isinstance(target, QObject):
            owners.append(target)
        for cell in getattr(callback, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if isinstance(value, QObject):
                owners.append(value)
    return owners


class _Relay(QObject):
    """Lives on the GUI thread; workers emit, the queued connection delivers here."""

    finished = Signal(int, bool, object)


class _Job(QRunnable):
    def __init__(self, relay: _Relay, token: int, work: Callable[[], Any]) -> None:
        super().__init__()
        self._relay, self._token, self._work = relay, token, work

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # delivered to on_error on the GUI thread
            if not isinstance(exc, FieldappError):
                log.exception("background operation failed")
            self._relay.finished.emit(self._token, False, exc)
            return
        self._relay.finished.emit(self._token, True, result)


def wait_for(work: Callable[[], T]) -> T:
    """Run `work` on a worker thread and wait for it; its result, or its exception raised
    here unchanged. For the one blocking step before any window: opening (and migrating)
    the store, which no `Ops` can run yet. The GUI thread only waits: no event loop turns
    meanwhile, since one would run timers and queued events before the app has its
    windows (as the blocking open did, nothing happens until it is done)."""
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, work()))
        except BaseException as exc:  # raised again on the GUI thread
            outcome.append((False, exc))

    worker = threading.Thread(target=run, name="fieldapp-open-store")
    worker.start()
    worker.join()
    ok, payload = outcome[0]
    if not ok:
        raise payload
    return payload


class Ops(QObject):
    """The one way widgets reach the store. `idle` fires when nothing is pending."""

    idle = Signal()
    failed = Signal(object)  # unhandled errors, for the status bar

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._relay = _Relay()
        self._relay.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._tokens = itertools.count(1)
        self._callbacks: dict[int, tuple[Done | None, Failed | None, list[QObject]]] = {}
        self._readers = QThreadPool()
        self._readers.setMaxThreadCount(2)
        self._writer = QThreadPool()
        self._writer.setMaxThreadCount(1)
        self._io = QThreadPool()  # printing, rasterising: not the store's
        self._io.setMaxThreadCount(2)

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def call(self, fn: Callable[[], Any], on_done: Done | None = None,
             on_error: Failed | None = None, *, write: bool = False) -> None:
        """Run a core service, ``fn()``, off the GUI thread: it owns its transaction, so no
        session is handed over. ``write=True`` queues it with the writes (one at a time, in
        order); otherwise it runs beside the reads."""
        self._start(self._writer if write else self._readers, fn, on_done, on_error)

    def run(self, fn: Callable[[], Any], on_done: Done | None = None,
            on_error: Failed | None = None) -> None:
        """Run blocking work that is not the store's (printing, rasterising) off the GUI
        thread, beside the store's work, never queued behind it."""
        self._start(self._io, fn, on_done, on_error)

    def _start(self, pool: QThreadPool, work: Callable[[], Any], on_done: Done | None,
               on_error: Failed | None) -> None:
        token = next(self._tokens)
        self._callbacks[token] = (on_done, on_error, _owners(on_done, on_error))
        collector.hold()  # no collection on the job's thread: it could free a Qt object
        pool.start(_Job(self._relay, token, work))

    @Slot(int, bool, object)
    def _deliver(self, token: int, ok: bool, payload: object) -> None:
        if token in self._callbacks:
            collector.release()  # its job is done (held in `_start`)
        on_done, on_error, owners = self._callbacks.pop(token, (None, None, []))
        try:
            if not all(Shiboken.isValid(owner) for owner in owners):
                return  # the widget that asked is gone
            if ok:
                if on_done is not None:
                    on_done(payload)
            elif on_error is not None:
                assert isinstance(payload, Exception)  # what _Job caught
                on_error(payload)
            else:
                self.failed.emit(payload)
        finally:
            if not self._callbacks:
                self.idle.emit()

    def wait_done(self, msecs: int = 30_000) -> None:
        """Shut down: let running jobs finish (used when the app quits)."""
        self._writer.waitForDone(msecs)
        self._readers.waitForDone(msecs)
        self._io.waitForDone(msecs)
