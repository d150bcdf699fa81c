"""Everything one sandbox remembers: its calls, the requests it received, the callbacks it delivered."""

import math
import threading
from collections import defaultdict, deque

from sandbox import clock
from sandbox.calls import Call
from sandbox.history import History

RATE_WINDOW = 60.0  # seconds, real time


class RateLimiter:
    """A sliding window per account; refused requests don't count against it."""

    def __init__(self, limit: int):
        self.limit = limit
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def retry_after(self, account: str, now: float) -> int | None:
        """Record a request and return None, or return how many whole seconds to wait."""
        hits = self._hits[account]
        while hits and hits[0] <= now - RATE_WINDOW:
            hits.popleft()
        if len(hits) >= self.limit:
            return max(1, math.ceil(hits[0] + RATE_WINDOW - now))
        hits.append(now)
        return None


class SandboxState:
    def __init__(self, rate_limit: int):
        self._lock = threading.Lock()
        self._calls: dict[str, Call] = {}
        self._requests: list[dict] = []
        self._callbacks: list[dict] = []
        self._limiter = RateLimiter(rate_limit)
        self.history: History | None = None  # past calls, made when asked for
        # Bumped on reset, so a delivery still in flight from before cannot write into the fresh log.
        self.generation = 0

    def add_call(self, call: Call) -> None:
        with self._lock:
            self._calls[call.sid] = call

    def call(self, sid: str) -> Call | None:
        with self._lock:
            call = self._calls.get(sid)
        return call or (self.history.find(sid) if self.history else None)

    def calls(self) -> list[Call]:
        """Every call, the whole history made: for inspection, not for paging a large history."""
        return list(self.history or ()) + self.placed_calls()

    def placed_calls(self) -> list[Call]:
        """The calls placed, injected or flowed since the sandbox started, without its history."""
        with self._lock:
            return list(self._calls.values())

    def log_request(self, entry: dict) -> None:
        with self._lock:
            self._requests.append(entry)

    def log_callback(self, entry: dict, generation: int) -> None:
        with self._lock:
            if generation == self.generation:
                self._callbacks.append(entry)

    def requests(self) -> list[dict]:
        with self._lock:
            return list(self._requests)

    def callbacks(self) -> list[dict]:
        with self._lock:
            return list(self._callbacks)

    def retry_after(self, account: str) -> int | None:
        with self._lock:
            return self._limiter.retry_after(account, clock.now())

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
            self.history = None
            self._requests.clear()
            self._callbacks.clear()
            self._limiter = RateLimiter(self._limiter.limit)
            self.generation += 1
