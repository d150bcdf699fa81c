"""The tasks' entry points: the periodic runs and a person's refresh, wired to the dial they may need.

`dial_call` lives with placing (calls/placing/tasks.py). Dials queued before the move name it
`calls.tasks.dial_call`: that path stays importable from here for one release, so they still run.
"""

from datetime import timedelta

from crontask import cron
from django.conf import settings
from django.db.models import F, Max
from django.tasks import task
from django.utils import timezone

from calls.placing.tasks import dial_call
from calls.tracking.reconcile import check_call, reconcile_calls
from calls.tracking.sync import sync_calls
from exotel.client import ExotelError
from ops.models import SyncRun

from .missed_queue import refresh_waiting
from .models import Call
from .services import call_mark_checked
from .shared_client import shared_client

# Exotel lists a call only once it has ended, under its DateCreated: a run starting where the last one ended
# would miss every call still going on then. So each run reaches back SYNC_OVERLAP before the last run's end,
# for a missed try (ringing, an IVR, a short wait in a queue) or a short call, and Exotel's lag listing it.
# Once an hour a run reaches back DEEP_SYNC_OVERLAP: the longest call Exotel allows (4 h, TimeLimit's cap),
# the hour since the last such run, and the same 10 minutes. Cost: docs/architecture.md, "Sync".
SYNC_OVERLAP = timedelta(minutes=10)
DEEP_SYNC_EVERY = timedelta(hours=1)
DEEP_SYNC_OVERLAP = timedelta(hours=4) + DEEP_SYNC_EVERY + SYNC_OVERLAP
FIRST_SYNC = timedelta(days=30)


def every(minutes):
    """A crontab line for every `minutes` (1-60), on the clock's minutes."""
    if minutes >= 60:
        return "0 * * * *"
    return "* * * * *" if minutes == 1 else f"*/{minutes} * * * *"


@cron("* * * * *")
@task(takes_context=True)
def reconcile(context):
    """Every minute: ask Exotel about calls whose callbacks may be lost, or whose price is still missing."""
    run = SyncRun.objects.create(kind=SyncRun.Kind.RECONCILE, task_id=str(context.task_result.id))
    reconcile_calls(client=shared_client(), run=run, redial=dial_call.enqueue)
    run.state = SyncRun.State.FINISHED
    run.finished_at = timezone.now()
    run.save()


def sync_start(now):
    """Where the next run starts: SYNC_OVERLAP before the last run's end, or further back once an hour."""
    finished = SyncRun.objects.filter(kind=SyncRun.Kind.SYNC, state=SyncRun.State.FINISHED)
    last_until = finished.aggregate(until=Max("until"))["until"]
    if last_until is None:
        return now - FIRST_SYNC
    deep = finished.filter(
        finished_at__gt=now - DEEP_SYNC_EVERY,
        until__gt=now - DEEP_SYNC_EVERY,  # not an old range someone synced by hand
        since__lte=F("until") - DEEP_SYNC_OVERLAP,
    )
    return last_until - (SYNC_OVERLAP if deep.exists() else DEEP_SYNC_OVERLAP)


@cron(every(settings.EXOTEL_SYNC_INTERVAL_MINUTES))
@task
def sync_recent():
    """Every EXOTEL_SYNC_INTERVAL_MINUTES: import calls made since the last sync (inbound and dashboard calls
    too), then check the missed-call queue against what it brought."""
    sync_calls(client=shared_client(), since=sync_start(timezone.now()))
    refresh_waiting()


@task
def refresh_call(call_id: int):
    """Someone asked: what does Exotel say about this call now? (Queued by the call page's Refresh.)"""
    try:
        call = Call.objects.get(pk=call_id)
        check_call(call, client=shared_client(), now=timezone.now(), redial=dial_call.enqueue)
    except ExotelError:
        call_mark_checked(call_id=call_id)  # asked all the same: the next refresh waits its turn too
        raise
    finally:
        Call.objects.filter(pk=call_id).update(refresh_queued_at=None)
