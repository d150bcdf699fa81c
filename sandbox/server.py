"""The sandbox server: a threaded HTTP server on 127.0.0.1, a scheduler and a callback dispatcher.

Use it as `with SandboxServer(SandboxConfig(port=0, speed=100)) as server:` and talk to `server.url`.
It answers the API under /v1/Accounts/<sid>/ (`api`), recordings under /exotelrecordings/ (`recordings`) and
the sandbox's own endpoints under /_sandbox/ (`inspection`).
"""

import json
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from sandbox import api, clock, inspection, recordings
from sandbox.callbacks import CallbackDispatcher
from sandbox.calls import RECORDINGS_PATH, Call
from sandbox.config import SandboxConfig
from sandbox.events import callback_plan
from sandbox.history import History
from sandbox.messages import Request, Response
from sandbox.scheduler import Scheduler
from sandbox.state import SandboxState


class SandboxServer:
    def __init__(self, config: SandboxConfig | None = None):
        self.config = config or SandboxConfig()
        self.state = SandboxState(self.config.rate_limit)
        self.stopping = threading.Event()  # wakes requests that are made to wait (the slow-connect scenario)
        self._scheduler = Scheduler()
        self._dispatcher = CallbackDispatcher(
            scheduler=self._scheduler,
            state=self.state,
            speed=self.config.speed,
            timeout=self.config.callback_timeout,
            duplicates=self.config.duplicate_callbacks,
            seed=self.config.seed,
        )
        self._httpd = ThreadingHTTPServer((self.config.host, self.config.port), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.sandbox = self
        if not self.config.recordings_base:
            # RecordingUrls point at this server, with the port it really got (port 0 picks a free one).
            self.config = replace(self.config, recordings_base=self.url)
        self._thread = threading.Thread(target=self._serve, name="sandbox-http", daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.config.host}:{self.port}"

    def start(self) -> "SandboxServer":
        self._seed()
        self._scheduler.start()
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._thread.is_alive():
            self._httpd.shutdown()
        self._httpd.server_close()
        self._scheduler.stop()
        self._dispatcher.shutdown()

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def add_call(self, call: Call) -> None:
        self.state.add_call(call)
        for offset, deliveries in callback_plan(call, reorder=self.config.reorder_callbacks):
            if deliveries:
                self._dispatcher.schedule(call.due(offset), deliveries)

    def reset(self) -> None:
        """Forget calls, requests, callbacks and the rate-limit window; keep the config, re-seed history."""
        self._scheduler.clear()
        self.state.reset()
        self._seed()

    # Inspection data: exactly what the /_sandbox/ endpoints answer, as fresh JSON-shaped copies.

    def requests(self) -> list[dict]:
        return _json_copy(self.state.requests())

    def callbacks(self) -> list[dict]:
        return _json_copy(self.state.callbacks())

    def calls(self) -> list[dict]:
        now = clock.now()
        return _json_copy([inspection.describe_call(call, now) for call in self.state.calls()])

    def inject_call(self, **fields: str) -> dict:
        call = inspection.injected_call({key: str(value) for key, value in fields.items()}, self.config)
        self.add_call(call)
        return _json_copy(inspection.describe_call(call, clock.now()))

    def _seed(self) -> None:
        config = self.config
        self.state.history = History(config.history, seed=config.seed, config=config, now=clock.now())

    def _serve(self) -> None:
        self._httpd.serve_forever(poll_interval=0.05)


def _json_copy(data):
    return json.loads(json.dumps(data))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ExotelSandbox/1.0"

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self):
        self._handle()

    def do_HEAD(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def do_PUT(self):
        self._handle()

    def do_PATCH(self):
        self._handle()

    def do_DELETE(self):
        self._handle()

    def _handle(self) -> None:
        sandbox: SandboxServer = self.server.sandbox
        url = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=unquote(url.path),
            query=dict(parse_qsl(url.query, keep_blank_values=True)),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self._read_body(),
        )
        if request.path.startswith("/_sandbox/"):
            response = inspection.handle(sandbox, request)
        elif request.path.startswith(RECORDINGS_PATH + "/"):
            response = recordings.handle(sandbox, request)
        else:
            response = api.handle(sandbox, request)
        self._send(response)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0], 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_message(self, format, *args):
        if self.server.sandbox.config.log_requests:
            super().log_message(format, *args)
