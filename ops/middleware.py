"""One log line per request: method, path (secrets in it replaced), status, duration, user and call."""

import logging
import time

from django.conf import settings

from lib.logs import REDACTED, redact

log = logging.getLogger("exotel_dashboard.request")

# URL parameters that are secrets (the callback token): never written to a log.
SECRET_URL_KWARGS = {"token"}


class RequestLogMiddleware:
    """Outermost, so it sees every response, including redirects made by other middleware.

    A streamed response (the CSV export) is timed until its first byte is ready, not to its last.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        duration_ms = round((time.monotonic() - started) * 1000, 1)
        match = getattr(request, "resolver_match", None)
        kwargs = match.kwargs if match else {}
        path = logged_path(request.path, kwargs)
        user_id = _user_id(request)
        call_id = kwargs.get("call_id")
        text = f"{request.method} {path} {response.status_code} {duration_ms}ms"
        if user_id is not None:
            text += f" user={user_id}"
        if call_id is not None:
            text += f" call={call_id}"
        log.info(
            text,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user_id,
                "call_id": call_id,
            },
        )
        return response


def _user_id(request):
    # Without a session cookie nobody is signed in: don't load the user (Exotel's callbacks, /healthz).
    if settings.SESSION_COOKIE_NAME not in request.COOKIES or not hasattr(request, "user"):
        return None
    return request.user.pk if request.user.is_authenticated else None


def logged_path(path, url_kwargs):
    """The path without its query string, with secret URL parameters replaced by `…`."""
    for name in SECRET_URL_KWARGS & url_kwargs.keys():
        path = path.replace(str(url_kwargs[name]), REDACTED)
    return redact(path)
