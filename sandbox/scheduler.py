"""Run small actions at given moments on one background thread (the actions hand real work to a pool)."""

import heapq
import itertools
import logging
import threading
from collections.abc import Callable

from sandbox import clock

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self):
        self._queue: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._wakeup = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="sandbox-scheduler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def at(self, when: float, action: Callable[[], None]) -> None:
        with self._wakeup:
            heapq.heappush(self._queue, (when, next(self._order), action))
            self._wakeup.notify()

    def clear(self) -> None:
        with self._wakeup:
            self._queue.clear()

    def stop(self) -> None:
        with self._wakeup:
            self._stopped = True
            self._wakeup.notify()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while action := self._next_due():
            try:
                action()
            except Exception:
                log.exception("scheduled action failed")

    def _next_due(self) -> Callable[[], None] | None:
        with self._wakeup:
            while not self._stopped:
                if self._queue and self._queue[0][0] <= clock.now():
                    return heapq.heappop(self._queue)[2]
                timeout = self._queue[0][0] - clock.now() if self._queue else None
                self._wakeup.wait(timeout)
            return None
