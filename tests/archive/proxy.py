"""Loopback TCP proxies that drop, reset, delay or slice the archive's traffic.

It forwards bytes both ways; when told to cut, it reads the first bytes of the server's
response (so the server has committed: it answers only after committing), then closes
both sides without passing anything on. The laptop sees a broken connection and cannot
know whether its push was stored. `FaultyProxy` gives every connection its own `Fault`
(cut the request or the answer at a byte offset, reset, delay, slice).
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    """What one connection suffers. `at` counts bytes from the connection's start.

    cut_request   the laptop's bytes stop after `at` (the archive never gets it all)
    cut_response  the archive's bytes stop after `at` (0: dropped after the request was
                  forwarded, before any answer; the archive has committed by then)
    reset         like cut_response, but the laptop gets a TCP RST, not a FIN
    delay         every answer waits `seconds` before its first byte
    slice         answers trickle through in pieces of 1-`at` bytes
    none          passes everything
    """

    kind: str
    at: int = 0
    seconds: float = 0.0


class FaultyProxy:
    """A loopback TCP proxy that gives each new connection a Fault from `plan()`."""

    def __init__(self, upstream_port: int, plan: Callable[[], Fault]) -> None:
        self.upstream_port = upstream_port
        self.plan = plan
        self.faults: list[Fault] = []  # in the order connections arrived
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept, daemon=True)
        self._accepter.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port),
                                                    timeout=10)
            except OSError:  # the archive is down: the laptop sees a refused connection
                _reset(client)
                continue
            fault = self.plan()
            self.faults.append(fault)
            for s in (client, upstream):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for source, sink, answers in ((client, upstream, False), (upstream, client, True)):
                thread = threading.Thread(target=self._pump,
                                          args=(source, sink, answers, fault), daemon=True)
                thread.start()
                self._threads.append(thread)

    def _pump(self, source: socket.socket, sink: socket.socket, answers: bool,
              fault: Fault) -> None:
        cut = fault.kind in ("cut_response", "reset") if answers else fault.kind == "cut_request"
        passed = 0
        try:
            source.settimeout(30)
            while not self._stop.is_set():
                data = source.recv(65536)
                if not data or (answers and self._drop(data)):
                    break
                if cut and passed + len(data) > fault.at:
                    sink.sendall(data[:fault.at - passed])
                    if answers and fault.kind == "reset":
                        _reset(sink)
                    break
                passed += len(data)
                if answers and fault.kind == "delay":
                    time.sleep(fault.seconds)
                if answers and fault.kind == "slice":
                    rng = random.Random(passed)
                    while data:
                        size = rng.randint(1, max(1, fault.at))
                        sink.sendall(data[:size])
                        data = data[size:]
                else:
                    sink.sendall(data)
        except OSError:
            pass
        finally:
            _close_both(source, sink)

    def _drop(self, _answer: bytes) -> bool:
        """Drop this chunk of an answer and close both sides? (CuttingProxy decides.)"""
        return False

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        self._accepter.join(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)


class CuttingProxy(FaultyProxy):
    """Drops whole answers when `should_cut()` says so (asked once per chunk the archive
    sends, on kept-alive connections too); `cuts` counts them."""

    def __init__(self, upstream_port: int, should_cut: Callable[[], bool]) -> None:
        self.should_cut = should_cut
        self.cuts = 0
        self._lock = threading.Lock()
        super().__init__(upstream_port, lambda: Fault("none"))

    def _drop(self, _answer: bytes) -> bool:
        with self._lock:
            cut = self.should_cut()
            self.cuts += cut
        return cut


def _close_both(*sockets: socket.socket) -> None:
    for s in sockets:
        with contextlib.suppress(OSError):
            s.shutdown(socket.SHUT_RDWR)
        s.close()


def _reset(sock: socket.socket) -> None:
    """Close with SO_LINGER 0: the peer gets a TCP RST. SHUT_RD first wakes the other
    pump blocked reading this socket (it sends nothing): on Linux a close() alone leaves
    that read blocked, and the RST waited for it to time out (30 s) while the laptop
    waited for an answer."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RD)
    sock.close()
