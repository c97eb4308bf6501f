"""Sliding-window rate limits: per conversation (tight) and per client address (generous).

Many people share one address behind a NAT or a municipal proxy, so the
per-address limit is high; no person types 30 messages a minute, so the
per-conversation one is low. In memory, per gateway process.
"""
import time
from collections import deque
from typing import Callable, Deque, Dict


class SlidingWindowLimiter:
    def __init__(self, limit: int, window_seconds: float = 60.0,
                 clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000):
        self.limit = limit
        self.window = window_seconds
        self.clock = clock
        self.max_keys = max_keys
        self._hits: Dict[str, Deque[float]] = {}

    def allow(self, key: str) -> bool:
        """Count a hit for `key`; False when it is over the limit."""
        now = self.clock()
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= self.max_keys:
                self._evict(now)
            hits = self._hits[key] = deque()
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True

    def _evict(self, now: float) -> None:
        for key in [k for k, h in self._hits.items() if not h or h[-1] <= now - self.window]:
            del self._hits[key]
