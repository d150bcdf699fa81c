"""Gunicorn settings for the web process (gunicorn reads this file from the working directory).

    gunicorn exotel_dashboard.wsgi

Environment: PORT (default 8000) and BIND (default 127.0.0.1:$PORT; 0.0.0.0:$PORT to take connections from
other hosts), WEB_CONCURRENCY (worker processes, default 2), GUNICORN_THREADS (threads per worker, default 4:
gthread workers; 1: sync workers), GUNICORN_TIMEOUT (seconds, default 30),
FORWARDED_ALLOW_IPS (the proxies trusted to say a request came over HTTPS, default 127.0.0.1,::1),
LOG_FORMAT (json or text, default json), LOG_LEVEL (default INFO), GUNICORN_ACCESS_LOG (true: gunicorn's own
access log too; the app already logs one line per request, with the user and the call, see ops/middleware.py).
"""

import os

from lib.logs import gunicorn_logging_config, log_format

wsgi_app = "exotel_dashboard.wsgi"
bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT') or 8000}"

# No view waits on Exotel (background tasks do), but a login hashes its password for a good part of a second
# of CPU. With GUNICORN_THREADS above 1 each worker is a gthread worker: a login holds one thread, and the
# worker's other threads go on answering (the hash releases the GIL); the login's CPU still competes. 50
# logins in 30 s (bench/README.md, login burst): other requests' p95 71 ms with 2 x 4 threads, 894 ms with
# sync workers, whom a login holds whole.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2)
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 30
# Behind a proxy that keeps connections open to us.
keepalive = 5
# No runtime control socket (gunicornc): its default path is shared by every gunicorn of the same user.
control_socket_disable = True

# X-Forwarded-Proto and friends are believed only from these addresses: the proxy in front, never a client.
# Django believes X-Forwarded-Proto itself (SECURE_PROXY_SSL_HEADER), so the proxy must also overwrite it.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"

_access_log = (os.environ.get("GUNICORN_ACCESS_LOG") or "").lower() in {"1", "true", "yes", "on"}
logconfig_dict = gunicorn_logging_config(
    log_format(os.environ.get("LOG_FORMAT") or "json"),
    os.environ.get("LOG_LEVEL") or "INFO",
    access_log=_access_log,
)
# Method, path without the query string, status, milliseconds: the JSON formatter makes fields of them.
access_log_format = "%(m)s %(U)s %(s)s %(M)sms"
