"""When to ask Exotel about a call again: callbacks get lost, and price and duration arrive late."""

from datetime import timedelta

from .models import FINAL_STATUSES, Direction, Status

FIRST_CHECK = timedelta(minutes=1)
LONGEST_WAIT = timedelta(minutes=30)
PRICE_DELAY = timedelta(minutes=2)
GIVE_UP_AFTER = timedelta(days=2)


def needs_more_from_exotel(call):
    if call.status == Status.COMPLETED:
        return call.duration is None or call.price is None or _talk_untold(call)
    return call.status not in FINAL_STATUSES and call.status != Status.PENDING


def next_check_at(call, now):
    """When the reconciler should ask Exotel about this call again; None when there is nothing to learn."""
    if not needs_more_from_exotel(call):
        return None
    age = now - call.date_created
    if age > GIVE_UP_AFTER:
        return None
    if call.status == Status.COMPLETED:
        ended = call.end_time or call.date_updated or now
        return max(ended + PRICE_DELAY, now + FIRST_CHECK)
    wait = min(max(age / 4, FIRST_CHECK), LONGEST_WAIT)
    return now + wait


def _talk_untold(call):
    """An inbound call the sync imported says "completed" even when the caller hung up in the flow, no agent
    answering: only its details (conversation, legs) tell a missed caller from a served one."""
    return call.direction == Direction.INBOUND and call.conversation_duration is None and not call.leg1_status
