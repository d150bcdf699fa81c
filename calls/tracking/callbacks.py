"""Exotel's status callbacks: the one page without login. Exotel retries on anything but 2xx.

So only what may pass on a retry (the database is down) answers 503. A body that can never be applied answers
400 and is kept, bounded, as a rejected event an admin can read.
"""

import logging
import re

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, DataError
from django.http import HttpResponse, HttpResponseNotFound
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST

from calls.models import Call, CallEvent
from calls.services import SidMismatch, call_record_observation
from lib.storable import storable

from .payload import BadPayload, parse_callback, read_body
from .rejected import keep_rejected
from .tokens import token_is_valid

log = logging.getLogger(__name__)
KEPT_HEADERS = ("Content-Type", "User-Agent", "X-Forwarded-For", "X-Request-Id")
PLAIN_LENGTH = re.compile(r"[0-9]{1,12}")


def plain(status, text):
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


@sensitive_variables("token")
@login_not_required
@csrf_exempt
@require_POST
def exotel_callback(request, call_id, token):
    if not token_is_valid(call_id, token):
        return HttpResponseNotFound("Not found", content_type="text/plain")
    length = request.headers.get("Content-Length") or "0"
    if not PLAIN_LENGTH.fullmatch(length):
        return plain(400, "Content-Length is not a number of bytes")
    if int(length) > settings.CALLBACK_MAX_BODY_BYTES:
        return plain(413, "Body too large")
    headers = {name: storable(request.headers[name]) for name in KEPT_HEADERS if name in request.headers}
    body = request.body  # read first: parsing a multipart form consumes the stream
    try:
        return _receive(request, call_id, body, headers)
    except (DataError, BadPayload) as exc:
        return _reject(call_id, body, headers, str(exc))
    except DatabaseError:
        log.exception("callback for call %s: database unavailable, asking Exotel to retry", call_id)
        return plain(503, "Try again later")
    except Exception as exc:
        log.exception("callback for call %s could not be applied", call_id)
        return _reject(call_id, body, headers, f"Could not be applied ({type(exc).__name__}).")


def _receive(request, call_id, body, headers):
    payload = parse_callback(read_body(request))
    try:
        call_record_observation(
            call_id=call_id,
            source=CallEvent.Source.CALLBACK,
            observation=payload.observation,
            dedupe_key=payload.dedupe_key,
            event_type=payload.event_type,
            raw_body=storable(body.decode("utf-8", errors="replace")),
            headers=headers,
        )
    except Call.DoesNotExist:
        return HttpResponseNotFound("Not found", content_type="text/plain")
    except SidMismatch as exc:
        log.warning("callback for call %s carries CallSid %s: %s", call_id, payload.sid, exc)
        return plain(400, str(exc))
    return plain(200, "OK")


def _reject(call_id, body, headers, reason):
    log.warning("callback for call %s rejected: %s", call_id, reason)
    try:
        keep_rejected(call_id=call_id, body=body, headers=headers, reason=reason)
    except DatabaseError:
        log.exception("callback for call %s: could not keep what it sent, asking Exotel to retry", call_id)
        return plain(503, "Try again later")
    return plain(400, reason)
