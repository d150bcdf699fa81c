"""Deliver status callbacks on background threads, with Exotel's retries, and record every attempt.

A call's callbacks go out one after another in the order they happened (a worker drains a queue per call), so
only the reorder option, duplicates and retries change the order a receiver sees.

Retries follow Exotel's webhook page: a non-2xx answer, or none within the timeout, is retried twice,
5 and then 15 minutes later (simulated minutes, so scaled by the speed). The timeout itself is real time.
"""

import contextlib
import json
import random
import threading
import time
import uuid
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import requests

from sandbox import clock
from sandbox.events import Delivery, flatten
from sandbox.scheduler import Scheduler
from sandbox.state import SandboxState

RETRY_DELAYS = (5 * 60, 15 * 60)  # simulated seconds before the first and the second retry
USER_AGENT = "Exotel-Sandbox/1.0"


def encode(delivery: Delivery) -> tuple[bytes, str]:
    if delivery.content_type == "application/json":
        return json.dumps(delivery.fields).encode(), "application/json"
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in flatten(delivery.fields).items()
    ]
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


class CallbackDispatcher:
    def __init__(
        self,
        *,
        scheduler: Scheduler,
        state: SandboxState,
        speed: float,
        timeout: float,
        duplicates: float,
        seed: int,
    ):
        self._scheduler = scheduler
        self._state = state
        self._speed = speed
        self._timeout = timeout
        self._duplicates = duplicates
        self._random = random.Random(seed)
        self._random_lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="sandbox-callback")
        self._queues: dict[str, deque] = {}  # per call, while a worker is draining it
        self._queues_lock = threading.Lock()
        self._stopping = threading.Event()

    def schedule(self, when: float, deliveries: list[Delivery]) -> None:
        """Deliver these in order at `when` (real epoch seconds), after the call's earlier callbacks."""
        generation = self._state.generation
        self._scheduler.at(when, lambda: self._enqueue(deliveries, generation))

    def _enqueue(self, deliveries: list[Delivery], generation: int) -> None:
        call_sid = deliveries[0].call_sid
        with self._queues_lock:
            if call_sid in self._queues:
                self._queues[call_sid].append((deliveries, generation))
                return
            self._queues[call_sid] = deque([(deliveries, generation)])
        self._submit(self._drain, call_sid)

    def _drain(self, call_sid: str) -> None:
        while True:
            with self._queues_lock:
                queue = self._queues[call_sid]
                if not queue or self._stopping.is_set():
                    del self._queues[call_sid]
                    return
                deliveries, generation = queue.popleft()
            self._deliver_all(deliveries, generation)

    def shutdown(self) -> None:
        """Deliver nothing more, and return once no delivery is in flight.

        A receiver's tests clear its database after stopping the sandbox: a callback still arriving then
        would write into that (seen: a deadlock with PostgreSQL's TRUNCATE).
        """
        self._stopping.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _submit(self, function, *args) -> None:
        with contextlib.suppress(RuntimeError):  # the pool is shut down: the server is stopping
            self._pool.submit(function, *args)

    def _deliver_all(self, deliveries: list[Delivery], generation: int) -> None:
        for delivery in deliveries:
            if self._stopping.is_set():
                return
            self._attempt(delivery, 1, generation)
            if not delivery.lost and self._twice() and not self._stopping.is_set():
                self._attempt(replace(delivery, duplicate=True), 1, generation)

    def _twice(self) -> bool:
        with self._random_lock:
            return self._random.random() < self._duplicates

    def _attempt(self, delivery: Delivery, attempt: int, generation: int) -> None:
        body, content_type = encode(delivery)
        status = error = elapsed_ms = None
        if delivery.lost:
            outcome = "lost"
        else:
            started = time.perf_counter()
            try:
                response = requests.post(
                    delivery.url,
                    data=body,
                    headers={"Content-Type": content_type, "User-Agent": USER_AGENT},
                    timeout=self._timeout,
                    allow_redirects=False,
                )
                status = response.status_code
            except requests.RequestException as exc:
                error = f"{type(exc).__name__}: {exc}"
            # How long the receiver took to answer (or to fail), as Exotel would see it.
            elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
            outcome = "delivered" if status is not None and 200 <= status < 300 else "failed"
        now = clock.now()
        entry = {
            "call_sid": delivery.call_sid,
            "event_type": delivery.event_type,
            "url": delivery.url,
            "content_type": content_type,
            "body": body.decode(),
            "fields": delivery.fields,
            "attempt": attempt,
            "duplicate": delivery.duplicate,
            "outcome": outcome,
            "response_status": status,
            "error": error,
            "elapsed_ms": elapsed_ms,
            "time": clock.stamp(clock.ist(now)),
            "epoch": now,
        }
        self._state.log_callback(entry, generation)
        if outcome == "failed" and attempt <= len(RETRY_DELAYS):
            when = clock.now() + RETRY_DELAYS[attempt - 1] / self._speed
            self._scheduler.at(when, lambda: self._submit(self._attempt, delivery, attempt + 1, generation))
