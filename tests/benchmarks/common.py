"""What every benchmark module returns: rows of (scenario, n, figure, floor, target)."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Row:
    """One measured figure. `value` and `floor` are in `unit`; for a rate (`higher_is_better`)
    the target is a minimum, otherwise a maximum. `max_ratio` bounds value/floor too."""

    scenario: str
    n: int | None
    value: float | None
    unit: str
    floor: float | None = None
    floor_name: str = ""
    target: float | None = None
    max_ratio: float | None = None
    higher_is_better: bool = False
    runs: int = 1
    group: str = ""  # growth runs compare rows of one scenario across n
    note: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.floor:
            return None
        # always "how many times the floor's cost": for a rate, floor rate / our rate
        return self.floor / self.value if self.higher_is_better else self.value / self.floor

    @property
    def passed(self) -> bool | None:
        if self.value is None:
            return None
        checks = []
        if self.target is not None:
            checks.append(self.value >= self.target if self.higher_is_better
                          else self.value <= self.target)
        if self.max_ratio is not None and self.ratio is not None:
            checks.append(self.ratio <= self.max_ratio)
        return all(checks) if checks else None

    def as_json(self) -> dict[str, object]:
        return asdict(self) | {"ratio": self.ratio, "pass": self.passed}


def median_ms(fn: Callable[[], object], runs: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def loadavg() -> list[float] | None:
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None


def machine() -> dict[str, object]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gb": memory,
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(), "libraries": libraries()}


def libraries() -> dict[str, str]:
    """Versions of what the figures depend on most (a fresh install may pick newer ones)."""
    out = {}
    for name in ("SQLAlchemy", "PySide6_Essentials", "reportlab", "fastapi", "uvicorn", "psycopg"):
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out
