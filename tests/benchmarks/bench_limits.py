"""How long one big or crafted request keeps the archive's health endpoint waiting
(issue 19, item 2: "no request can stall the health endpoint for more than 1 s").

    .venv/bin/python -m tests.benchmarks.bench_limits [--repeat 3]

Starts `fieldapp-archive serve` in its own process (SQLite), so the measuring client does
not share the server's interpreter, then sends each scenario's body while a second
thread asks /api/v1/health every 10 ms. Prints, per scenario: the body, the answer
(status, size), how long the request took, and the longest health answer seen while it
was in flight (the stall), against the health answer's median with nothing else going
on, and the CPU time the archive process spent meanwhile (which a busy machine does not
inflate: the stall cannot exceed it by much on a machine the archive has to itself).
Not collected by pytest; the figures go into docs/reliability.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

from fieldapp.archive.limits import BODY_CAPS, MAX_VALUES
from fieldapp.sync.check import _pages
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.wire import CHECK_PAGE
from tests.archive.servers import PASSWORD, ArchiveProcess, sqlite_url

API = "/api/v1"
MB = 1024 * 1024


@dataclass
class Scenario:
    name: str
    path: str
    body: Callable[[], bytes]
    chunked: bool = False
    # instead of one body: what a laptop does (url, token) -> (status, answer bytes)
    exchange: Callable[[str, str], tuple[int, int]] | None = None


CHECK_RECORDS = 160_000


def _check_set() -> tuple[dict[uuid.UUID, dict[str, str]], dict[uuid.UUID, dict[str, str]]]:
    """A laptop's check of 160,000 records (a quarter of them requests, with their views)."""
    ids = [uuid.UUID(int=random.getrandbits(128)) for _ in range(CHECK_RECORDS)]
    mine = {i: {"table": "service_requests", "id": str(i), "hash": "a" * 64} for i in ids}
    shown = {i: {"id": str(i), "status": "in_progress", "assignee": "E01"}
             for i in ids[:CHECK_RECORDS // 4]}
    return mine, shown


def paged_check(url: str, token: str) -> tuple[int, int]:
    """`fieldapp sync --check`'s requests for 160,000 records: pages of CHECK_PAGE items,
    sent from a process of its own (the laptop's work in this one would hold up the
    health probe and be counted as the archive's stall)."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as laptop:
        return laptop.submit(_paged_check, url, token).result()


def _paged_check(url: str, token: str) -> tuple[int, int]:
    mine, shown = _check_set()
    answered = 0
    with ArchiveClient(url, token) as client:
        for answer in _pages(client, "service_requests", mine, shown, CHECK_PAGE):
            answered += len(json.dumps(answer))
    return 200, answered


def _records(count: int, strokes: str) -> bytes:
    record = {"table": "slips", "id": "0193a1b2-0000-7000-8000-000000000000", "row": {},
              "signatures": [{"strokes": strokes, "image_png": ""}] * 2}
    return json.dumps({"records": [record] * count}).encode()


def _issue_push() -> bytes:
    """The issue's 210 MB push: one signature of 10 million points."""
    points = b",".join([b"[120,80,1000,500]"] * 10_000_000)
    return b'{"records":[{"table":"slips","id":"x","row":{},"signatures":[{"strokes":[[' + \
        points + b"]]}]}]}"


def _strings(count: int) -> bytes:
    return b"[" + b",".join([b'"abcdefghijkl"'] * count) + b"]"


def scenarios() -> list[Scenario]:
    push = BODY_CAPS[f"{API}/sync/push"]
    strokes = json.dumps([[[i % 300, i % 200, i, 500] for i in range(20_000)]])
    check_body = {"records": [{"table": "service_requests", "hash": "a" * 64,
                               "id": "0193a1b2-0000-7000-8000-000000000000"}] * 160_000}
    return [
        Scenario("login, 31 MB JSON (the issue's)", f"{API}/auth/login",
                 lambda: b'{"user":"' + b"x" * (31 * MB) + b'"}'),
        Scenario("login, 50 MB string, chunked", f"{API}/auth/login",
                 lambda: b'"' + b"x" * (50 * MB) + b'"', chunked=True),
        Scenario("push, 210 MB signature (the issue's)", f"{API}/sync/push", _issue_push),
        Scenario("push, at the cap: 20k-point signatures", f"{API}/sync/push",
                 lambda: _records(push // (2 * len(strokes) + 400), strokes)),
        Scenario(f"push, {MAX_VALUES // 1000}k short strings", f"{API}/sync/push",
                 lambda: _strings(MAX_VALUES - 10)),
        Scenario(f"push, {MAX_VALUES // 1000}k numbers", f"{API}/sync/push",
                 lambda: b"[" + b"0," * (MAX_VALUES - 10) + b"0]"),
        Scenario("push, 8M numbers (refused)", f"{API}/sync/push",
                 lambda: b"[" + b"0," * 8_000_000 + b"0]"),
        Scenario("push, nested 100,000 deep", f"{API}/sync/push",
                 lambda: b"[" * 100_000 + b"]" * 100_000),
        Scenario("check, 160k records in one request (refused)", f"{API}/sync/check",
                 lambda: json.dumps(check_body).encode()),
        Scenario("check, 160k records, 20k-item pages", f"{API}/sync/check",
                 lambda: b"", exchange=paged_check),
    ]


def send(url: str, path: str, token: str, body: bytes, *, chunked: bool) -> tuple[int, int]:
    """(status, answer bytes); the body streamed in 1 MiB pieces until the archive
    answers or takes it all."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=300)
    conn.putrequest("POST", path)
    conn.putheader("Authorization", f"Bearer {token}")
    conn.putheader("Content-Type", "application/json")
    conn.putheader(*(("Transfer-Encoding", "chunked") if chunked
                     else ("Content-Length", str(len(body)))))
    conn.endheaders()
    try:
        for start in range(0, len(body), MB):
            piece = body[start:start + MB]
            conn.send(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
        if chunked:
            conn.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # answered before it took everything
    response = conn.getresponse()
    size = len(response.read())
    conn.close()
    return response.status, size


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class HealthProbe:
    """Asks /health every 10 ms on its own thread; the longest answer in a window."""

    def __init__(self, url: str) -> None:
        self.url, self.samples = url, []  # (started, seconds)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=120) as client:
            while not self._stop.is_set():
                started = time.perf_counter()
                client.get(f"{API}/health").raise_for_status()
                self.samples.append((started, time.perf_counter() - started))
                time.sleep(0.01)

    def __enter__(self) -> HealthProbe:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def longest(self, start: float, end: float) -> tuple[float, int]:
        """The longest health answer that overlapped [start, end], and how many did."""
        during = [s for began, s in self.samples if began <= end and began + s >= start]
        return (max(during) if during else float("nan")), len(during)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each scenario")
    parser.add_argument("--only", default="", help="scenarios whose name contains this")
    parser.add_argument("--priority", type=int, default=0,
                        help="the archive process's nice value (negative needs root): on a "
                             "machine shared with other work, -15 measures the archive as "
                             "if it had the machine to itself")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        archive = ArchiveProcess(sqlite_url(Path(folder)))
        archive.add_user("centre", "staff")
        archive.start()
        assert archive.process is not None
        pid = archive.process.pid
        if args.priority:
            os.setpriority(os.PRIO_PROCESS, pid, args.priority)
        try:
            token = httpx.post(f"{archive.url}{API}/auth/login", timeout=60, json={
                "user": "centre", "password": PASSWORD, "device_label": "bench"}).json()["token"]
            with HealthProbe(archive.url) as probe:
                time.sleep(2)
                idle = statistics.median(s for _, s in probe.samples)
                print(f"health alone: median {idle * 1000:.1f} ms "
                      f"({len(probe.samples)} answers); load average "
                      f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; archive nice "
                      f"{args.priority}\n")
                print(f"{'scenario':44} {'body':>8} {'status':>6} {'answer':>7} "
                      f"{'request':>8} {'archive cpu':>11} {'health max':>10} {'n':>4}")
                for scenario in [s for s in scenarios() if args.only in s.name]:
                    body = scenario.body()
                    for _ in range(args.repeat):
                        cpu, start = cpu_seconds(pid), time.perf_counter()
                        if scenario.exchange is not None:
                            status, size = scenario.exchange(archive.url, token)
                        else:
                            status, size = send(archive.url, scenario.path, token, body,
                                                chunked=scenario.chunked)
                        end, cpu = time.perf_counter(), cpu_seconds(pid) - cpu
                        time.sleep(0.1)  # let the probe's last answer in
                        longest, seen = probe.longest(start, end)
                        print(f"{scenario.name:44} {len(body) / MB:7.1f}M {status:6d} "
                              f"{size:6d}B {end - start:7.2f}s {cpu:10.2f}s "
                              f"{longest * 1000:8.0f}ms {seen:4d}", flush=True)
        finally:
            archive.close()


if __name__ == "__main__":
    main()
