"""A task worker's beat: from its first task until the process ends, a thread stamps the worker's id.

django-tasks-db records on each row the id of the worker that claimed it, but nothing that says the worker
still lives. These beats let ops/stale_tasks.py tell a long task on a live worker from one a dead worker left
RUNNING. A thread, not the task, beats: a task busy for an hour in one request still has a live worker.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

from .models import WorkerBeat

log = logging.getLogger(__name__)

_beating = set()
_beating_lock = threading.Lock()


def beat_interval() -> float:
    """Eight beats to a grace period: a few slow or failed writes never make a live worker look dead."""
    return settings.TASK_STALE_AFTER_SECONDS / 8


def beat(worker_id):
    WorkerBeat.objects.update_or_create(worker_id=worker_id, defaults={"beat_at": timezone.now()})


def start_beating(sender, task_result, **kwargs):
    """task_started: a database worker running its first task starts beating for the rest of its life."""
    if not task_result.worker_ids or not isinstance(task_result.task.get_backend(), DatabaseBackend):
        return  # the immediate backend of tests runs tasks in the caller, which is no worker
    worker_id = task_result.worker_ids[-1]
    with _beating_lock:
        if worker_id in _beating:
            return
        _beating.add(worker_id)
    threading.Thread(target=_beat_forever, args=(worker_id,), name="worker-beat", daemon=True).start()


def _beat_forever(worker_id):
    while True:
        try:
            beat(worker_id)
        except Exception:  # a thread that died would make its live worker look dead
            log.warning("worker %s: its beat could not be recorded", worker_id, exc_info=True)
        finally:
            close_old_connections()
        time.sleep(beat_interval())
