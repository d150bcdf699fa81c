"""Callbacks we could not apply, kept so that an admin can read what Exotel (or someone else) sent."""

import hashlib

from django.db import IntegrityError, transaction

from calls.models import Call, CallEvent
from lib.storable import storable

MAX_KEPT_BODY = 16 * 1024


def keep_rejected(*, call_id: int, body: bytes, headers: dict, reason: str) -> CallEvent:
    """One event per call and body, however often the same body comes again."""
    text = body[:MAX_KEPT_BODY].decode("utf-8", errors="replace")
    if len(body) > MAX_KEPT_BODY:
        text += f"\n… {len(body) - MAX_KEPT_BODY} more bytes not kept"
    dedupe_key = f"rejected:{call_id}:{hashlib.sha256(body).hexdigest()[:40]}"
    try:
        with transaction.atomic():
            event, _ = CallEvent.objects.get_or_create(
                dedupe_key=dedupe_key,
                defaults={
                    "call": Call.objects.filter(pk=call_id).first(),
                    "source": CallEvent.Source.CALLBACK,
                    "verdict": CallEvent.Verdict.REJECTED,
                    "raw_body": storable(text),
                    "headers": headers,
                    "note": storable(reason)[:300],
                },
            )
    except IntegrityError:  # the same body, kept by a concurrent delivery a moment ago
        event = CallEvent.objects.get(dedupe_key=dedupe_key)
    return event
