"""Dial a pending call through Exotel, by the connect-outcome table in docs/architecture.md.

Never a second dial when the first one's outcome is unknown: the call is claimed (pending → queued) and
committed before the request goes out, so a crash mid-request leaves a call the reconciler looks up.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from calls.models import Call, CallEvent, Status
from calls.services import call_record_observation
from calls.tracking.reconcile import PENDING_CHECK
from calls.tracking.records import record_event
from calls.tracking.tokens import callback_url
from exonumbers.services import exophone_mark_refused
from exotel.client import (
    ExotelCouldNotOriginate,
    ExotelError,
    ExotelRateLimited,
    ExotelRejected,
    ExotelUnreachable,
)
from ops.ratelimit import Priority, RateLimitTimeout, acquire

from .failures import plain_reason, refuses_caller_id

log = logging.getLogger(__name__)
UNKNOWN_FIRST_CHECK = timedelta(minutes=2)


class Requeue(Exception):
    """Exotel or our limiter said "later": the caller enqueues the dial again after `delay` seconds."""

    def __init__(self, delay):
        super().__init__(f"try again in {delay:.0f}s")
        self.delay = delay


def claim(call_id):
    """Move the call from pending to queued, once. Returns the call, or None if it is not ours to dial."""
    with transaction.atomic():
        call = Call.objects.select_for_update(of=("self",)).select_related("exophone", "flow").get(pk=call_id)
        if call.status != Status.PENDING or call.sid:
            return None
        call.status = Status.QUEUED
        call.dial_attempts += 1
        # Should this process die mid-request, the reconciler looks for the call in Exotel's list.
        call.next_check_at = timezone.now() + UNKNOWN_FIRST_CHECK
        call.save(update_fields=["status", "dial_attempts", "next_check_at"])
        return call


def release(call_id):
    Call.objects.filter(pk=call_id, status=Status.QUEUED, sid__isnull=True).update(
        status=Status.PENDING, status_changed_at=timezone.now(), next_check_at=timezone.now() + PENDING_CHECK
    )


def withdraw(call_ids, message) -> list[int]:
    """Of these calls, the ones no dial has claimed yet never go out: not-placed, saying why. The claim locks
    the call too, so each call is either claimed (and dialled) or withdrawn, never both."""
    with transaction.atomic():
        withdrawn = list(
            Call.objects.select_for_update()
            .filter(pk__in=call_ids, status=Status.PENDING, sid__isnull=True)
            .values_list("pk", flat=True)
        )
        Call.objects.filter(pk__in=withdrawn).update(
            status=Status.NOT_PLACED,
            error_message=message,
            next_check_at=None,
            status_changed_at=timezone.now(),
        )
    return withdrawn


def finish(call_id, status, message):
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call_id)
        if call.sid:
            return  # a callback got here first: Exotel did place it
        call.status = status
        call.error_message = message
        call.next_check_at = timezone.now() + UNKNOWN_FIRST_CHECK if status == Status.UNKNOWN else None
        call.save(update_fields=["status", "error_message", "next_check_at"])


def connect_options(call):
    options = dict(call.request_options)
    return {
        "from_number": call.from_number,
        "caller_id": call.exophone.number,
        "to": None if call.flow_id else call.to_number,
        "flow_url": call.flow.url if call.flow_id else None,
        "time_limit": options.get("time_limit"),
        "time_out": options.get("time_out"),
        "record": options.get("record"),
        "recording_channels": options.get("recording_channels"),
        "recording_format": options.get("recording_format"),
        "wait_url": options.get("wait_url"),
        "custom_field": call.custom_field or None,
        "start_playback_to": options.get("start_playback_to"),
        "start_playback_value": options.get("start_playback_value"),
        "status_callback": callback_url(call.pk),
        "status_callback_events": ("terminal", "answered"),  # the order of Exotel's own example
        "status_callback_content_type": "application/json",
    }


def dial(call_id, *, client, priority=Priority.DIAL):
    """Place the call. Raises Requeue when it must wait for the rate limit."""
    call = claim(call_id)
    if call is None:
        log.info("call %s: not pending, not dialling", call_id)
        return
    try:
        acquire(max_wait=20, priority=priority)  # an agent's dial, the whole limit: reads leave room for it
    except RateLimitTimeout:
        release(call_id)
        raise Requeue(20) from None
    try:
        record = client.connect(**connect_options(call))
    except ExotelRateLimited as exc:
        release(call_id)
        raise Requeue(exc.retry_after or 10) from exc
    except (ExotelUnreachable, ExotelRejected, ExotelCouldNotOriginate) as exc:
        # Unreachable: the client already sent it again a few times; it never reached Exotel.
        finish(call_id, Status.NOT_PLACED, plain_reason(exc))
        if refuses_caller_id(exc):
            exophone_mark_refused(
                exophone_id=call.exophone_id, number=call.exophone.number, reason=str(exc), call_id=call_id
            )
        return
    except ExotelError as exc:  # ExotelOutcomeUnknown, or anything the table does not name
        finish(call_id, Status.UNKNOWN, plain_reason(exc))
        return
    call_record_observation(call_id=call_id, **record_event(CallEvent.Source.CONNECT, record))
