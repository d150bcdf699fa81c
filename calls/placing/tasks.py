import time
from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from calls.shared_client import shared_client

from .dialing import Requeue, dial


@task
def dial_call(call_id: int):
    """Place one pending call with Exotel; queued again when Exotel or our limiter says "later"."""
    try:
        dial(call_id, client=shared_client(throttled=False))  # dial() takes its slot itself
    except Requeue as later:
        if dial_call.get_backend().supports_defer:
            dial_call.using(run_after=timezone.now() + timedelta(seconds=later.delay)).enqueue(call_id)
        else:  # the immediate backend of tests and one-process setups
            time.sleep(min(later.delay, 5))
            dial_call.call(call_id)
