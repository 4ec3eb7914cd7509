"""A per-address limit on the public verify page (the QR check and the PDF upload).

Nobody guesses a 256-bit seal, but the page is open to the world and a PDF check costs
the archive tens of milliseconds of CPU: one address gets `per_minute` checks in any
60 seconds. Kept in the process's memory (a restart forgets it; each server process
counts for itself), bounded in size: an address idle for a minute is dropped.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_S = 60.0
MAX_ADDRESSES = 10_000  # beyond this, the oldest idle entries go first


class RateLimit:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute, self._clock = per_minute, clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, address: str) -> bool:
        """Count one check for `address`; False when it is over its limit (not counted)."""
        if self.per_minute <= 0:
            return True
        now = self._clock()
        with self._lock:
            times = self._seen.setdefault(address, deque())
            while times and now - times[0] >= WINDOW_S:
                times.popleft()
            if len(times) >= self.per_minute:
                return False
            times.append(now)
            if len(self._seen) > MAX_ADDRESSES:
                self._forget_idle(now)
            return True

    def retry_after(self, address: str) -> int:
        """Whole seconds until `address` may check again (at least 1): its oldest check
        in the window leaves it then: the refusal's `Retry-After` and its message."""
        now: float = self._clock()
        with self._lock:
            times = self._seen.get(address)
            oldest = times[0] if times else now
        return max(1, min(math.ceil(WINDOW_S - (now - oldest)), int(WINDOW_S)))

    def _forget_idle(self, now: float) -> None:
        for address in [a for a, t in self._seen.items() if not t or now - t[-1] >= WINDOW_S]:
            del self._seen[address]
        while len(self._seen) > MAX_ADDRESSES:  # all busy: drop the oldest
            del self._seen[next(iter(self._seen))]
