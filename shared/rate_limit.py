"""A sliding-window limit per client, in memory: the self-service pages have no login, so a query
code is the only credential, and guessing one must be slow (a 60-bit code, ten wrong tries per
quarter hour and address). Per process: with N gateway replicas, a client may get N times as many;
put the limit at the reverse proxy as well where that matters."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque


class SlidingWindow:
    def __init__(self, limit: int, window_seconds: float, clock=time.monotonic, max_clients: int = 100_000):
        self.limit, self.window, self.clock, self.max_clients = limit, window_seconds, clock, max_clients
        self._hits: OrderedDict[str, deque] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, client: str) -> float:
        """Seconds the client must wait before its next try; 0 when it may go on (nothing recorded)."""
        with self._lock:
            hits = self._recent(client)
            if len(hits) < self.limit:
                return 0.0
            return max(0.0, hits[0] + self.window - self.clock())

    def hit(self, client: str) -> float:
        """Records a try; returns what `wait` would have (the try is recorded only when allowed)."""
        with self._lock:
            hits = self._recent(client)
            if len(hits) >= self.limit:
                return max(0.0, hits[0] + self.window - self.clock())
            hits.append(self.clock())
            self._hits.move_to_end(client)
            while len(self._hits) > self.max_clients:  # a flood of addresses cannot exhaust memory
                self._hits.popitem(last=False)
            return 0.0

    def _recent(self, client: str) -> deque:
        hits = self._hits.setdefault(client, deque())
        horizon = self.clock() - self.window
        while hits and hits[0] <= horizon:
            hits.popleft()
        return hits
