"""Tasks left RUNNING by a worker killed outright (SIGKILL, out of memory, a lost machine): failed, and run
again when that is safe.

A RUNNING row is orphaned when neither its start nor its worker's last beat (ops/worker_beat.py) is within
TASK_STALE_AFTER_SECONDS. A long task on a live worker is never touched: its worker keeps beating.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import Task
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from .models import SyncRun, TaskRerun, WorkerBeat

log = logging.getLogger(__name__)

# Tasks that may run twice: reconcile and sync only read Exotel and upsert what it says (a stopped sync
# resumes its SyncRun); a dial goes through its claim, which dials only a call still `pending` and without a
# Sid, so a call whose first dial may have reached Exotel is left to the reconciler. The second dial path is
# the one rows of the previous release hold (calls/tests/test_task_paths.py).
SAFE_TO_RUN_AGAIN = frozenset(
    {
        "calls.tasks.reconcile",
        "calls.tasks.sync_recent",
        "calls.placing.tasks.dial_call",
        "calls.tasks.dial_call",
    }
)
# Enough for any real backlog, and a bound on what /healthz reads.
MOST_AT_ONCE = 500
FORGET_BEATS_AFTER = timedelta(days=1)


class WorkerStopped(Exception):
    """The error class a task row names when its worker stopped while running it (never raised)."""


WORKER_STOPPED = f"{WorkerStopped.__module__}.{WorkerStopped.__qualname__}"


@dataclass(frozen=True)
class Orphan:
    row: DBTaskResult
    worker_id: str
    last_seen: datetime


@dataclass(frozen=True)
class Recovered:
    task_id: str
    task_path: str
    worker_id: str
    rerun_id: str | None
    note: str


def grace() -> timedelta:
    return timedelta(seconds=settings.TASK_STALE_AFTER_SECONDS)


def orphans(now=None) -> list[Orphan]:
    """RUNNING rows whose start and whose worker's last beat are both older than the grace period."""
    cutoff = (now or timezone.now()) - grace()
    rows = list(
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
        .defer("traceback", "return_value")
        .order_by("started_at")[:MOST_AT_ONCE]
    )
    worker_of = {row.pk: (row.worker_ids[-1] if row.worker_ids else "") for row in rows}
    beats = dict(
        WorkerBeat.objects.filter(worker_id__in=set(worker_of.values())).values_list("worker_id", "beat_at")
    )
    found = []
    for row in rows:
        worker_id = worker_of[row.pk]
        last_seen = max(row.started_at, beats.get(worker_id, row.started_at))
        if last_seen < cutoff:
            found.append(Orphan(row, worker_id, last_seen))
    return found


def stuck_count(now=None) -> int:
    return len(orphans(now))


def recover(now=None) -> list[Recovered]:
    """Fail every orphaned row; enqueue again, once, the ones safe to run again."""
    now = now or timezone.now()
    recovered = [done for orphan in orphans(now) if (done := _recover(orphan, now))]
    WorkerBeat.objects.filter(beat_at__lt=now - FORGET_BEATS_AFTER).delete()
    return recovered


def _recover(orphan, now):
    with transaction.atomic():
        row = (
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(pk=orphan.row.pk, status=TaskResultStatus.RUNNING)
            .first()
        )
        if row is None:
            return None  # it finished meanwhile, or another recovery has it
        rerun_id, note = _run_again(row)
        row.status = TaskResultStatus.FAILED
        row.finished_at = now
        row.return_value = None
        row.exception_class_path = WORKER_STOPPED
        row.traceback = (
            f"Its worker {orphan.worker_id or '(unknown)'} stopped while running it: last seen "
            f"{orphan.last_seen:%Y-%m-%d %H:%M:%S} UTC, over {settings.TASK_STALE_AFTER_SECONDS} s before "
            f"{now:%Y-%m-%d %H:%M:%S} UTC. Marked failed by ops/stale_tasks.py; {note}.\n"
        )
        row.save(update_fields=["status", "finished_at", "return_value", "exception_class_path", "traceback"])
        SyncRun.objects.filter(task_id=str(row.pk), state=SyncRun.State.RUNNING).update(
            state=SyncRun.State.FAILED, finished_at=now, last_error=f"Its worker stopped; {note}."
        )
    log.warning(
        "task %s %s failed: its worker %s stopped; %s",
        row.task_path,
        row.pk,
        orphan.worker_id,
        note,
        extra={"task": row.task_path, "task_id": str(row.pk), "outcome": "failed", "error": WORKER_STOPPED},
    )
    return Recovered(str(row.pk), row.task_path, orphan.worker_id, rerun_id, note)


def _run_again(row):
    """(the new task's id, or None; what was done, in words)."""
    if row.task_path not in SAFE_TO_RUN_AGAIN:
        return None, "not run again: it is not known to be safe to run twice"
    original = TaskRerun.objects.filter(rerun_id=str(row.pk)).values_list("original_id", flat=True).first()
    if original:
        return None, f"not run again: it was itself the second run of task {original}"
    try:
        task = import_string(row.task_path)
    except ImportError:
        task = None
    if not isinstance(task, Task):
        return None, "not run again: its path names no task"
    args_kwargs = row.args_kwargs
    result = task.using(priority=row.priority, queue_name=row.queue_name, backend=row.backend_name).enqueue(
        *args_kwargs["args"], **args_kwargs["kwargs"]
    )
    TaskRerun.objects.create(original_id=str(row.pk), rerun_id=str(result.id), task_path=row.task_path)
    return str(result.id), f"run again as task {result.id}"
