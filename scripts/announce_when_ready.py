"""`make run`'s greeting: the URL and the demo logins, printed once the web server answers, not before.

A Procfile process, so it must not exit (honcho stops every process when one ends): it waits, then idles
until Ctrl-C. Reads PUBLIC_BASE_URL and EXOTEL_API_URL (the Makefile sets both from PORT and SANDBOX_PORT;
honcho gives each process a PORT of its own, so PORT here is not the web server's) and DEMO_LOGINS.
"""

import http.client
import os
import signal
import sys
import time
from urllib.parse import urlsplit

POLL_EVERY_SECONDS = 0.25
SLOW_AFTER_SECONDS = 60


def answers(url):
    """True once anything answers HTTP at `url` (a redirect or an error page counts: the server is up)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=2)
    try:
        connection.request("GET", parts.path or "/")
        connection.getresponse()
        return True
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def wait_until_answers(url, *, poll_every=POLL_EVERY_SECONDS, slow_after=SLOW_AFTER_SECONDS):
    started = time.monotonic()
    warned = False
    while not answers(url):
        if not warned and time.monotonic() - started > slow_after:
            print(f"The web server has not answered {url} for a minute; its lines above say why.", flush=True)
            warned = True
        time.sleep(poll_every)


def greeting(base_url, sandbox_url, logins):
    lines = [f"Exotel Dashboard: {base_url}/   (sandbox Exotel on {sandbox_url}/)"]
    if logins.strip():
        lines += ["Demo logins:", *(f"  {line.strip()}" for line in logins.strip().splitlines())]
    lines.append("Press Ctrl-C once to stop every process.")
    return "\n".join(lines)


def main():
    # A process started in the background of a script inherits SIGINT ignored; Ctrl-C must still end this one.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    base_url = os.environ["PUBLIC_BASE_URL"].rstrip("/")
    sandbox_url = os.environ.get("EXOTEL_API_URL", "").rstrip("/")
    wait_until_answers(f"{base_url}/login/")
    print(greeting(base_url, sandbox_url, os.environ.get("DEMO_LOGINS", "")), flush=True)
    while True:  # not signal.pause(): a signal landing just before it would wait for the next one
        time.sleep(0.5)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
