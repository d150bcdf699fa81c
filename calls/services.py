"""Writes to the call log. Every change to a call goes through `call_record_observation`."""

import logging
import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from .check_schedule import next_check_at
from .missed_queue import take_note_of
from .models import FINAL_STATUSES, Call, CallEvent, Status
from .observation_statement import apply_in_one_statement
from .state import Observation, apply_observation, status_note

log = logging.getLogger(__name__)
LOST_AFTER = timedelta(minutes=10)  # of only "not found" from Exotel for a call's Sid


class SidMismatch(ValueError):
    """A callback names a call other than the one its URL belongs to."""


@dataclass
class Recorded:
    call: Call | None  # None when applied in one statement: the row was not read into a model
    event: CallEvent | None  # None: this exact event was recorded before (a redelivery), or not read back
    changed: list  # the call's fields this event changed, bookkeeping aside


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

    A callback on PostgreSQL for a call that holds its Sid is applied in one statement
    (observation_statement.py: the event's insert decides a redelivery, the call's update moves it only
    forward); everything else under the call's row lock. Raises SidMismatch for a callback naming another
    call's Sid, Call.DoesNotExist for a call that is gone.
    """
    event = {
        "dedupe_key": dedupe_key,
        "event_type": event_type,
        "raw_body": raw_body,
        "headers": headers or {},
    }
    if source == CallEvent.Source.CALLBACK and connection.vendor == "postgresql":
        # News that may end the call commits with the missed-call queue's work-out, as in the full path: a
        # failure there undoes both, and Exotel's retry is then no redelivery. Other news needs none.
        with transaction.atomic() if observation.status in FINAL_STATUSES else nullcontext():
            now = timezone.now()
            applied = apply_in_one_statement(call_id=call_id, observation=observation, now=now, **event)
            if applied is not None:
                return _after_one_statement(call_id, observation, applied)
    return _record_under_lock(call_id=call_id, source=source, observation=observation, **event)


def _after_one_statement(call_id, observation, applied) -> Recorded:
    if applied.after is None:
        return Recorded(None, None, [])
    if note := status_note(observation.status):
        log.warning("call %s: %s", call_id, note)
    if applied.after["status"] in FINAL_STATUSES and not applied.leaves_the_queue_alone:
        take_note_of(Call(pk=call_id, **applied.after), applied.changed)
    return Recorded(None, None, applied.changed)


@transaction.atomic
def _record_under_lock(
    *, call_id, source, observation, dedupe_key, event_type, raw_body, headers
) -> Recorded:
    """Locks the call row, so concurrent deliveries for one call apply one at a time; that lock is also what
    makes the duplicate check safe (the unique dedupe key stays as a backstop). A callback must name this
    call's Sid, or set it when it outruns our storing of the connect answer: SidMismatch otherwise. An
    answer we asked Exotel for also notes when we asked and when to ask again, even if it told us nothing.
    """
    call = Call.objects.select_for_update().get(pk=call_id)
    asked = source != CallEvent.Source.CALLBACK
    if not asked:
        _check_callback_sid(call, observation.values.get("sid"))
    if CallEvent.objects.filter(dedupe_key=dedupe_key).exists():
        if asked:
            fields = [*_schedule_next_check(call, asked=True, save=False), *_found(call)]
            call.save(update_fields=fields)
        return Recorded(call, None, [])

    was_lost = call.status == Status.LOST
    outcome = apply_observation(call, observation)
    bookkeeping = [*_schedule_next_check(call, asked=asked, save=False), *_found(call)]
    if was_lost and call.status != Status.LOST:
        call.error_message = ""
        bookkeeping.append("error_message")
    event = observed_event(
        call=call,
        source=source,
        observation=observation,
        outcome=outcome,
        dedupe_key=dedupe_key,
        event_type=event_type,
        raw_body=raw_body,
        headers=headers,
    )
    event.save()
    if outcome.changed or bookkeeping:
        call.save(update_fields=sorted({*outcome.changed, *bookkeeping}))
    take_note_of(call, outcome.changed)
    if outcome.note:
        log.warning("call %s: %s", call.pk, outcome.note)
    return Recorded(call, event, outcome.changed)


def observed_event(
    *, call, source, observation, outcome, dedupe_key, event_type="", raw_body="", headers=None
) -> CallEvent:
    """The event an observation leaves on its call, with the state machine's verdict on it (not saved)."""
    return CallEvent(
        call=call,
        source=source,
        event_type=event_type,
        status=observation.status[:32],
        dedupe_key=dedupe_key,
        raw_body=raw_body,
        headers=headers or {},
        parsed=observation.as_text(),
        verdict=CallEvent.Verdict.IGNORED_STALE if outcome.stale else CallEvent.Verdict.APPLIED,
        note=outcome.note[:300],
    )


def _check_callback_sid(call, sid):
    if call.sid and call.sid != sid:
        raise SidMismatch("CallSid does not belong to this call")
    if not call.sid and Call.objects.filter(sid=sid).exists():
        raise SidMismatch("CallSid belongs to another call")


def _found(call) -> list:
    """Exotel told us about the call: whatever "not found" it said before is over."""
    if call.not_found_since is None:
        return []
    call.not_found_since = None
    return ["not_found_since"]


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


def call_mark_checked(*, call_id: int) -> None:
    """We asked Exotel about this call and learned nothing new: note when, and when to ask again."""
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call_id)
        _schedule_next_check(call, asked=True)


def call_give_up(*, call_id: int, reason: str) -> None:
    """A call that was never placed: Exotel has no record of it, or it waited too long to be dialled."""
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call_id)
        if call.status not in {Status.UNKNOWN, Status.QUEUED, Status.PENDING} or call.sid:
            return
        call.status = Status.NOT_PLACED
        call.error_message = reason
        call.next_check_at = None
        call.last_checked_at = timezone.now()
        call.save(update_fields=["status", "error_message", "next_check_at", "last_checked_at"])


def call_note_not_found(*, call_id: int, now=None) -> bool:
    """Exotel answered 404 for the call's Sid: noted in its time line.

    Once Exotel has said so for LOST_AFTER, a live call ends as "unknown to Exotel", never dialled or asked
    about again, and an ended one is no longer asked about. True when the call ended here.
    """
    now = now or timezone.now()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call_id)
        since = call.not_found_since or now
        CallEvent.objects.create(
            call=call,
            source=CallEvent.Source.DETAILS,
            status="not found",
            dedupe_key=f"not-found:{call.pk}:{uuid.uuid4().hex}",
            verdict=CallEvent.Verdict.REJECTED,
            note="Exotel answered 404: it has no call with this Sid.",
        )
        call.not_found_since = since
        if now - since < LOST_AFTER:
            call.save(update_fields=["not_found_since", *_schedule_next_check(call, asked=True, save=False)])
            return False
        fields = ["not_found_since", "next_check_at", "last_checked_at"]
        call.next_check_at, call.last_checked_at = None, now
        ends_here = call.status not in FINAL_STATUSES
        if ends_here:
            minutes = round((now - since).total_seconds() / 60)
            call.status = Status.LOST
            call.error_message = (
                f"Exotel answered “not found” for this call's Sid every time we asked over {minutes} "
                "minutes. Its outcome is unknown: check with the customer before calling again."
            )
            fields += ["status", "error_message"]
        call.save(update_fields=fields)
    if ends_here:
        log.warning("call %s: Exotel has not known its Sid for %s; ended as lost", call_id, now - since)
    return ends_here
