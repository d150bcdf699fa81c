import json
import threading
import time
from collections import deque
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

# The root conftest may or may not list sandbox.fixtures among its plugins; these tests need them either way.
from sandbox.fixtures import sandbox, sandbox_factory  # noqa: F401


class Receiver:
    """A local StatusCallback endpoint: records every POST, answers with the queued replies (default 200)."""

    def __init__(self):
        self.received: list[dict] = []
        self.replies: deque[int] = deque()  # statuses for the next requests; 200 once they run out
        self.delays: deque[float] = deque()  # seconds to stall the next requests, to make the sandbox give up
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                content_type = self.headers["Content-Type"]
                with receiver._lock:
                    receiver.received.append(
                        {
                            "path": self.path,
                            "content_type": content_type,
                            "body": body,
                            "fields": parse(content_type, body),
                        }
                    )
                    status = receiver.replies.popleft() if receiver.replies else 200
                    delay = receiver.delays.popleft() if receiver.delays else 0
                time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/exotel/status"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"got {len(self.received)} callbacks, wanted {count}")
            time.sleep(0.01)
        return list(self.received)

    def stop(self):
        self._server.shutdown()
        self._server.server_close()


def parse(content_type: str, body: bytes) -> dict:
    if content_type == "application/json":
        return json.loads(body)
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    return {
        part.get_param("name", header="content-disposition"): part.get_payload(decode=True).decode()
        for part in message.iter_parts()
    }


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.stop()
