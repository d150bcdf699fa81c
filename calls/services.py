"""Writes to the call log. Every change to a call goes through `call_record_observation`."""

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from .checks import next_check_at
from .models import Call, CallEvent, Status
from .state import Observation, apply_observation

log = logging.getLogger(__name__)


@dataclass
class Recorded:
    call: Call
    event: CallEvent | None  # None: this exact event was recorded before (a redelivery)
    changed: list  # the call's fields this event changed, bookkeeping aside


@transaction.atomic
def call_record_observation(
    *,
    call_id: int,
    source: str,
    observation: Observation,
    dedupe_key: str,
    event_type: str = "",
    raw_body: str = "",
    headers: dict | None = None,
) -> Recorded:
    """Store the event once and apply it to the call by the state machine.

    Locks the call row, so concurrent deliveries for one call apply one at a time. An answer we asked Exotel
    for (not a callback) also notes when we asked and when to ask again, even if it told us nothing new.
    """
    call = Call.objects.select_for_update().get(pk=call_id)
    try:
        with transaction.atomic():
            event = CallEvent.objects.create(
                call=call,
                source=source,
                event_type=event_type,
                status=observation.status[:32],
                dedupe_key=dedupe_key,
                raw_body=raw_body,
                headers=headers or {},
                parsed=observation.as_text(),
            )
    except IntegrityError:
        if source != CallEvent.Source.CALLBACK:
            _schedule_next_check(call, asked=True)
        return Recorded(call, None, [])

    outcome = apply_observation(call, observation)
    bookkeeping = _schedule_next_check(call, asked=source != CallEvent.Source.CALLBACK, save=False)
    if outcome.changed or bookkeeping:
        call.save(update_fields=sorted({*outcome.changed, *bookkeeping}))
    event.verdict = CallEvent.Verdict.IGNORED_STALE if outcome.stale else CallEvent.Verdict.APPLIED
    event.note = outcome.note[:300]
    event.save(update_fields=["verdict", "note"])
    if outcome.note:
        log.warning("call %s: %s", call.pk, outcome.note)
    return Recorded(call, event, outcome.changed)


def _schedule_next_check(call, *, asked, save=True) -> list:
    """Note when we asked Exotel (if we did) and when to ask next; returns the fields it changed."""
    now = timezone.now()
    changed = []
    if asked:
        call.last_checked_at = now
        changed.append("last_checked_at")
    scheduled = next_check_at(call, now)
    if scheduled != call.next_check_at:
        call.next_check_at = scheduled
        changed.append("next_check_at")
    if save and changed:
        call.save(update_fields=changed)
    return changed


def call_mark_checked(*, call_id: int, error: str = "") -> None:
    """We asked Exotel about this call and learned nothing new: note when, and when to ask again."""
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call_id)
        fields = _schedule_next_check(call, asked=True, save=False)
        if error and not call.error_message:
            call.error_message = error[:500]
            fields.append("error_message")
        call.save(update_fields=fields)


def call_give_up(*, call_id: int, reason: str) -> None:
    """Exotel has no record of a call whose connect outcome we never learned: it was not placed."""
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call_id)
        if call.status not in {Status.UNKNOWN, Status.QUEUED} or call.sid:
            return
        call.status = Status.NOT_PLACED
        call.error_message = reason
        call.next_check_at = None
        call.last_checked_at = timezone.now()
        call.save(update_fields=["status", "error_message", "next_check_at", "last_checked_at"])
