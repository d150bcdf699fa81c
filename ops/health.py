"""What /healthz checks: the database answers, and a worker ran the scheduler's last heartbeat task.

It also counts the tasks a dead worker left RUNNING (ops/stale_tasks.py) and names the count when there are
any: the recovery job fails them within a minute, so a count that stays says that job is not running.
"""

from datetime import timedelta

from django.db import DatabaseError, connection
from django.utils import timezone

from . import stale_tasks
from .models import Heartbeat

# ops.tasks.worker_heartbeat is enqueued every minute by the scheduler: two minutes allow one late beat.
HEARTBEAT_STALE_AFTER = timedelta(minutes=2)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def worker_state(now=None) -> tuple[str, int | None]:
    """("ok" | "stale" | "missing", seconds since the last beat). This causes a SQL query."""
    beat = Heartbeat.objects.filter(process="worker").values_list("beat_at", flat=True).first()
    if beat is None:
        return "missing", None
    age = (now or timezone.now()) - beat
    return ("ok" if age <= HEARTBEAT_STALE_AFTER else "stale"), max(int(age.total_seconds()), 0)


def report() -> tuple[bool, dict]:
    """(healthy, the JSON body): names and states only, nothing about the host or the software."""
    if not database_ok():
        return False, {"database": "down", "worker": "unknown"}
    try:
        worker, age = worker_state()
        stuck = stale_tasks.stuck_count()
    except DatabaseError:  # the database answers, but not about heartbeats (not migrated?)
        return False, {"database": "ok", "worker": "unknown"}
    body = {"database": "ok", "worker": worker}
    if age is not None:
        body["worker_last_beat_seconds"] = age
    if stuck:
        body["stuck_tasks"] = stuck
    return worker == "ok", body
