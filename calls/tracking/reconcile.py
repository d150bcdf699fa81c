"""Ask Exotel about calls whose callbacks may have been lost, and fill what Exotel fills late."""

import logging
from datetime import timedelta

from django.utils import timezone

from calls.check_schedule import GIVE_UP_AFTER
from calls.models import Call, CallEvent, Status
from calls.services import call_give_up, call_mark_checked, call_note_not_found
from exotel.client import ExotelError, ExotelRejected

from .records import call_upsert_record

log = logging.getLogger(__name__)
BATCH = 200
# A connect whose outcome we never learned: Exotel's bulk list shows the call once it has ended.
FIND_WINDOW_BEFORE = timedelta(minutes=2)
FIND_WINDOW_AFTER = timedelta(minutes=15)
# A call still pending this long after it was placed has lost its dial task (see redial_stale_call).
PENDING_CHECK = timedelta(minutes=2)
DIAL_DEADLINE = timedelta(minutes=15)


def due_calls(now):
    return Call.objects.filter(next_check_at__lte=now).order_by("next_check_at")[:BATCH]


def reconcile_calls(*, client, run, redial, now=None):
    """Check every call that is due. Counts go on `run` (an ops.SyncRun).

    `redial(call_id)` enqueues the dial of a pending call whose dial task was lost (dial_call.enqueue).
    """
    now = now or timezone.now()
    for call in due_calls(now):
        run.calls_seen += 1
        try:
            result = check_call(call, client=client, now=now, redial=redial)
        except ExotelError as exc:
            run.errors += 1
            run.last_error = f"call {call.pk}: {exc}"
            log.warning("reconcile call %s: %s", call.pk, exc)
            call_mark_checked(call_id=call.pk)
            continue
        if result == "changed":
            run.calls_changed += 1
    return run


def check_call(call, *, client, now, redial):
    if call.sid:
        try:
            record = client.call_details(call.sid)
        except ExotelRejected as exc:
            if exc.http_status != 404:
                raise
            return "changed" if call_note_not_found(call_id=call.pk, now=now) else "unchanged"
        return call_upsert_record(record=record, source=CallEvent.Source.DETAILS)
    if call.status in {Status.UNKNOWN, Status.QUEUED}:
        return find_unknown_call(call, client=client, now=now)
    if call.status == Status.PENDING:
        return redial_stale_call(call, now=now, redial=redial)
    call_mark_checked(call_id=call.pk)
    return "unchanged"


def redial_stale_call(call, *, now, redial):
    """A pending call whose dial task was lost (its worker died before claiming it): enqueue the dial again.

    Safe however many dial tasks there are: only one can claim the call (pending → queued). A call nobody
    could dial for DIAL_DEADLINE is given up: ringing a customer that late would surprise the agent.
    """

    if now - call.date_created > DIAL_DEADLINE:
        call_give_up(call_id=call.pk, reason="The call could not be dialled in time; place it again.")
        return "changed"
    Call.objects.filter(pk=call.pk, status=Status.PENDING).update(next_check_at=now + PENDING_CHECK)
    redial(call.pk)
    log.info("call %s still pending after %s: dial enqueued again", call.pk, now - call.date_created)
    return "unchanged"


def find_unknown_call(call, *, client, now):
    """Look for the call in Exotel's list by its numbers and time; link it by Sid when found."""
    candidates = []
    for page in client.bulk_calls(
        date_from=call.date_created - FIND_WINDOW_BEFORE,
        date_to=min(call.date_created + FIND_WINDOW_AFTER, now),
        from_numbers=[call.from_number],
        directions=["outbound-api"],
    ):
        candidates.extend(page.calls)
    known_sids = set(Call.objects.filter(sid__in=[c.sid for c in candidates]).values_list("sid", flat=True))
    unclaimed = [c for c in candidates if c.sid not in known_sids and _same_call(call, c)]
    if unclaimed:
        best = min(unclaimed, key=lambda c: abs((c.date_created or call.date_created) - call.date_created))
        Call.objects.filter(pk=call.pk, sid__isnull=True).update(sid=best.sid)
        return call_upsert_record(record=best, source=CallEvent.Source.BULK)
    time_limit = timedelta(seconds=int(call.request_options.get("time_limit") or 14400))
    if now - call.date_created > min(time_limit + FIND_WINDOW_AFTER * 2, GIVE_UP_AFTER):
        call_give_up(call_id=call.pk, reason="Exotel has no record of this call: it was not placed.")
        return "changed"
    call_mark_checked(call_id=call.pk)
    return "unchanged"


def _same_call(call, record):
    to_matches = record.to_number == call.to_number or (
        call.flow_id and record.from_number == call.from_number
    )
    return record.from_number == call.from_number and bool(to_matches)
