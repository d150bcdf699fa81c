from crontask import cron
from django.tasks import task
from django.utils import timezone

from . import stale_tasks
from .models import Heartbeat


@cron("* * * * *")
@task
def worker_heartbeat():
    """Enqueued by the scheduler every minute, run by a worker: a fresh beat proves both are alive."""
    Heartbeat.objects.update_or_create(process="worker", defaults={"beat_at": timezone.now()})


@cron("* * * * *")
@task
def recover_stale_tasks():
    """Every minute: fail the tasks a killed worker left RUNNING, and run again those safe to repeat."""
    return len(stale_tasks.recover())
