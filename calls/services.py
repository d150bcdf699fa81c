"""Writes to the call log. Every change to a call goes through `call_record_observation`."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from .checks import next_check_at
from .models import Call, CallEvent
from .state import Observation, apply_observation

log = logging.getLogger(__name__)


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
    parsed: dict | None = None,
) -> tuple[Call, CallEvent | None]:
    """Store the event once and apply it to the call by the state machine.

    Locks the call row, so concurrent deliveries for one call apply one at a time. Returns the event, or
    None when this exact event was recorded before (a redelivery).
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
                parsed=parsed or {},
            )
    except IntegrityError:
        return call, None

    outcome = apply_observation(call, observation)
    now = timezone.now()
    if source != CallEvent.Source.CALLBACK:
        call.last_checked_at = now
        outcome.changed.append("last_checked_at")
    scheduled = next_check_at(call, now)
    if scheduled != call.next_check_at:
        call.next_check_at = scheduled
        outcome.changed.append("next_check_at")
    if outcome.changed:
        call.save(update_fields=sorted(set(outcome.changed)))
    event.verdict = CallEvent.Verdict.IGNORED_STALE if outcome.stale else CallEvent.Verdict.APPLIED
    event.note = outcome.note[:300]
    event.save(update_fields=["verdict", "note"])
    if outcome.note:
        log.warning("call %s: %s", call.pk, outcome.note)
    return call, event
