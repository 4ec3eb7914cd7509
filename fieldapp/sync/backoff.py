"""Exponential backoff with full jitter, for retrying sync rounds when offline."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    base: float = 2.0  # seconds
    cap: float = 300.0
    factor: float = 2.0
    failures: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def next_delay(self) -> float:
        """Seconds to wait after one more failure (random in [0, min(cap, base*f^n)])."""
        ceiling = min(self.cap, self.base * self.factor ** self.failures)
        self.failures += 1
        return self.rng.uniform(0, ceiling)

    def reset(self) -> None:
        self.failures = 0
