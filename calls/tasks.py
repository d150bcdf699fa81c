"""The tasks' entry points: the periodic runs and a person's refresh, wired to the dial they may need.

`dial_call` lives with placing (calls/placing/tasks.py). Dials queued before the move name it
`calls.tasks.dial_call`: that path stays importable from here for one release, so they still run.
"""

from datetime import timedelta

from crontask import cron
from django.tasks import task
from django.utils import timezone

from calls.placing.tasks import dial_call
from calls.tracking.reconcile import check_call, reconcile_calls
from calls.tracking.sync import sync_calls
from exotel.client import ExotelError
from ops.models import SyncRun

from .models import Call
from .services import call_mark_checked
from .shared_client import shared_client

SYNC_OVERLAP = timedelta(minutes=30)
FIRST_SYNC = timedelta(days=30)


@cron("* * * * *")
@task(takes_context=True)
def reconcile(context):
    """Every minute: ask Exotel about calls whose callbacks may be lost, or whose price is still missing."""
    run = SyncRun.objects.create(kind=SyncRun.Kind.RECONCILE, task_id=str(context.task_result.id))
    reconcile_calls(client=shared_client(), run=run, redial=dial_call.enqueue)
    run.state = SyncRun.State.FINISHED
    run.finished_at = timezone.now()
    run.save()


@cron("*/5 * * * *")
@task
def sync_recent():
    """Every five minutes: import calls made since the last sync (inbound and dashboard calls too)."""
    last = SyncRun.objects.filter(kind=SyncRun.Kind.SYNC, state=SyncRun.State.FINISHED).first()
    since = last.until - SYNC_OVERLAP if last else timezone.now() - FIRST_SYNC
    sync_calls(client=shared_client(), since=since)


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
