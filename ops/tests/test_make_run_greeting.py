"""`make run`'s greeting (scripts/announce_when_ready.py): the URL and logins once the web server answers."""

import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "announce_when_ready.py"
LOGINS = "  Agent    agent / agent-demo-pass\n  Manager  manager / manager-demo-pass"


class Redirects(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(302)  # anything that answers HTTP means the server is up
        self.send_header("Location", "/login/?next=/")
        self.end_headers()

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def read_for(process, seconds, until=None):
    """What the process printed within `seconds` (or until it printed `until`)."""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    text, deadline = "", time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if selector.select(left):
            chunk = process.stdout.read1(4096).decode()
            if not chunk:
                break
            text += chunk
            if until and until in text:
                break
    return text


def test_the_greeting_waits_for_the_web_server_then_stays_until_ctrl_c():
    port = free_port()
    env = {
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "EXOTEL_API_URL": "http://127.0.0.1:8001",
        "DEMO_LOGINS": LOGINS,
        "PORT": "8400",  # honcho's own port for this process, not the web server's
    }
    process = subprocess.Popen(
        [sys.executable, SCRIPT], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env
    )
    server = None
    try:
        assert read_for(process, 1.5) == ""  # nothing listens yet
        server = ThreadingHTTPServer(("127.0.0.1", port), Redirects)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        greeting = read_for(process, 5, until="every process.\n")
        assert greeting.splitlines() == [
            f"Exotel Dashboard: http://127.0.0.1:{port}/   (sandbox Exotel on http://127.0.0.1:8001/)",
            "Demo logins:",
            "  Agent    agent / agent-demo-pass",
            "  Manager  manager / manager-demo-pass",
            "Press Ctrl-C once to stop every process.",
        ]
        assert process.poll() is None  # honcho would stop every process if this one ended
        assert read_for(process, 0.5) == ""  # said once
        process.send_signal(signal.SIGINT)
        assert process.wait(5) == 0
        assert "Traceback" not in read_for(process, 0.5)
    finally:
        process.kill()
        process.wait()
        if server:
            server.shutdown()
            server.server_close()
