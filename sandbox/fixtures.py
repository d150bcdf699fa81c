"""Pytest fixtures that run an Exotel sandbox for one test (loaded by the root conftest.py).

`sandbox`: a fresh server on a free 127.0.0.1 port at speed 100 (a 40-second call takes 0.4 s), stopped after
the test. `sandbox_factory(**overrides)`: the same with other `SandboxConfig` settings, e.g.
`sandbox_factory(history=300, rate_limit=5, speed=1000)`; every server it made is stopped after the test.

Both give a `SandboxHandle`:

    def test_it_places_a_call(sandbox):
        answer = requests.post(
            f"{sandbox.api_url}/Calls/connect.json",
            auth=(sandbox.api_key, sandbox.api_token),
            data={"From": "+919876543210", "To": "+919812345642", "CallerId": sandbox.exophones[0]},
            timeout=5,
        )
        sid = answer.json()["Call"]["Sid"]
        sandbox.wait_for_status(sid, "completed")
        assert sandbox.requests()[0]["path"].endswith("/Calls/connect.json")

Attributes: `url`, `api_url` (`<url>/v1/Accounts/<sid>`), `sid`, `api_key`, `api_token`, `auth` (the pair,
for requests), `exophones` (E.164), `config`, `server`.
Inspection, the same JSON as GET /_sandbox/...: `requests()`, `callbacks()`, `calls()`, `call(sid)`.
Actions: `reset()`; `inject_call(Direction=..., From=..., To=..., Status=..., Duration=..., DateCreated=...,
PhoneNumber=..., Record="true")` for inbound or dashboard calls (a live Status, e.g. in-progress, ends later).
Waiting (polls; raises TimeoutError with the last value seen): `wait_for(predicate, timeout)`,
`wait_for_status(sid, *statuses)` (default: any final status), `wait_for_settled(sid)` (Duration and Price
visible), `wait_for_callbacks(count)`.

Recordings: a recorded, answered call's RecordingUrl is on the sandbox itself,
`<url>/exotelrecordings/<sid>/<call sid>.mp3`, once the call is over: a silent MP3 as long as the
conversation, fetched with `auth=sandbox.auth` or through its PreSignedRecordingUrl (`RecordingUrlValidity`),
with Range support. Recording fetches show in `requests()` but don't count against the rate limit.

Test defaults differ from the CLI's: speed 100, slow_connect_delay 2 s, callback_timeout 5 s, port 0.
"""

import time
from collections.abc import Callable

import pytest

from sandbox.calls import FINAL_STATUSES
from sandbox.config import SandboxConfig
from sandbox.server import SandboxServer

TEST_DEFAULTS = {"port": 0, "speed": 100.0, "slow_connect_delay": 2.0, "callback_timeout": 5.0}


class SandboxHandle:
    def __init__(self, server: SandboxServer):
        self.server = server
        self.config = server.config
        self.url = server.url
        self.sid = server.config.sid
        self.api_url = f"{server.url}/v1/Accounts/{self.sid}"
        self.api_key = server.config.api_key
        self.api_token = server.config.api_token
        self.exophones = server.config.exophones

    @property
    def auth(self) -> tuple[str, str]:
        return (self.api_key, self.api_token)

    def requests(self) -> list[dict]:
        return self.server.requests()

    def callbacks(self) -> list[dict]:
        return self.server.callbacks()

    def calls(self) -> list[dict]:
        return self.server.calls()

    def call(self, sid: str) -> dict:
        for call in self.calls():
            if call["sid"] == sid:
                return call
        raise KeyError(f"the sandbox has no call {sid}")

    def reset(self) -> None:
        self.server.reset()

    def inject_call(self, **fields) -> dict:
        return self.server.inject_call(**fields)

    def wait_for(self, predicate: Callable[[], object], timeout: float = 10.0, interval: float = 0.01):
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"sandbox condition not met within {timeout} s (last value: {value!r})")
            time.sleep(interval)

    def wait_for_status(self, sid: str, *statuses: str, timeout: float = 10.0) -> dict:
        wanted = set(statuses or FINAL_STATUSES)
        return self.wait_for(lambda: (call := self.call(sid))["status"] in wanted and call, timeout)

    def wait_for_settled(self, sid: str, timeout: float = 10.0) -> dict:
        return self.wait_for(lambda: (call := self.call(sid))["settled"] and call, timeout)

    def wait_for_callbacks(self, count: int, timeout: float = 10.0) -> list[dict]:
        return self.wait_for(lambda: len(found := self.callbacks()) >= count and found, timeout)


@pytest.fixture
def sandbox_factory():
    servers = []

    def make(**overrides) -> SandboxHandle:
        server = SandboxServer(SandboxConfig(**(TEST_DEFAULTS | overrides))).start()
        servers.append(server)
        return SandboxHandle(server)

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def sandbox(sandbox_factory) -> SandboxHandle:
    return sandbox_factory()
