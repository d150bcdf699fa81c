from crontask import cron
from django.tasks import task
from django.utils import timezone

from .models import Heartbeat


@cron("* * * * *")
@task
def worker_heartbeat():
    """Enqueued by the scheduler every minute, run by a worker: a fresh beat proves both are alive."""
    Heartbeat.objects.update_or_create(process="worker", defaults={"beat_at": timezone.now()})
