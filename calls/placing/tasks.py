import time
from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from calls.shared_client import shared_client
from ops.ratelimit import Priority

from .dialing import Requeue, dial

# A task priority below every other task's (0), so a worker takes an agent's dial first: a campaign's dials.
BACKGROUND_DIAL_PRIORITY = -10


@task
def dial_call(call_id: int, limiter_priority: str = Priority.DIAL):
    """Place one pending call with Exotel; queued again when Exotel or our limiter says "later".

    `limiter_priority`: its place in the shared limit; a campaign's dials pass Priority.CAMPAIGN."""
    try:
        dial(call_id, client=shared_client(throttled=False), priority=limiter_priority)  # takes its own slot
    except Requeue as later:
        if dial_call.get_backend().supports_defer:
            priority = (
                BACKGROUND_DIAL_PRIORITY if limiter_priority == Priority.CAMPAIGN else dial_call.priority
            )
            again = dial_call.using(
                run_after=timezone.now() + timedelta(seconds=later.delay), priority=priority
            )
            again.enqueue(call_id, limiter_priority)
        else:  # the immediate backend of tests and one-process setups
            time.sleep(min(later.delay, 5))
            dial_call.call(call_id, limiter_priority)
