"""Exotel's status callbacks: the one page without login. Exotel retries on anything but 2xx."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseNotFound
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from calls.models import Call, CallEvent
from calls.services import SidMismatch, call_record_observation

from .payload import BadPayload, parse_callback, read_body
from .tokens import token_is_valid

log = logging.getLogger(__name__)
KEPT_HEADERS = ("Content-Type", "User-Agent", "X-Forwarded-For", "X-Request-Id")


def plain(status, text):
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


@login_not_required
@csrf_exempt
@require_POST
def exotel_callback(request, call_id, token):
    if not token_is_valid(call_id, token):
        return HttpResponseNotFound("Not found", content_type="text/plain")
    length = int(request.headers.get("Content-Length") or 0)
    if length > settings.CALLBACK_MAX_BODY_BYTES:
        return plain(413, "Body too large")
    try:
        return _receive(request, call_id)
    except DatabaseError:
        log.exception("callback for call %s: database unavailable, asking Exotel to retry", call_id)
        return plain(503, "Try again later")
    except Exception:
        log.exception("callback for call %s failed", call_id)
        return plain(503, "Try again later")


def _receive(request, call_id):
    try:
        raw_body = request.body.decode("utf-8", errors="replace")
        payload = parse_callback(read_body(request))
    except BadPayload as exc:
        log.warning("callback for call %s rejected: %s", call_id, exc)
        return plain(400, str(exc))

    headers = {name: request.headers[name] for name in KEPT_HEADERS if name in request.headers}
    try:
        call_record_observation(
            call_id=call_id,
            source=CallEvent.Source.CALLBACK,
            observation=payload.observation,
            dedupe_key=payload.dedupe_key,
            event_type=payload.event_type,
            raw_body=raw_body,
            headers=headers,
        )
    except Call.DoesNotExist:
        return HttpResponseNotFound("Not found", content_type="text/plain")
    except SidMismatch as exc:
        log.warning("callback for call %s carries CallSid %s: %s", call_id, payload.sid, exc)
        return plain(400, str(exc))
    return plain(200, "OK")
