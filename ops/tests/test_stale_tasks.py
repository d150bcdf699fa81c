"""A worker killed outright leaves its task RUNNING: after a grace period with no beat the task is failed, and
run again once when that is safe; a long task on a live worker is never touched."""

import io
import os
import signal
import subprocess
import sys
from datetime import timedelta
from unittest.mock import patch

import pytest
from crontask import scheduler
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from calls.tests.factories import make_call
from calls.tests.fake_exotel import record
from exotel.client import ExotelClient
from exotel_dashboard.testing import wait_until
from ops.models import SyncRun, TaskRerun, WorkerBeat
from ops.stale_tasks import WORKER_STOPPED, recover
from ops.tasks import worker_heartbeat
from ops.tests.slow_task import sleep_for

pytestmark = pytest.mark.django_db
GRACE = timedelta(seconds=settings.TASK_STALE_AFTER_SECONDS)
SAFE_PATHS = [
    "calls.tasks.reconcile",
    "calls.tasks.sync_recent",
    "calls.placing.tasks.dial_call",
    "calls.tasks.dial_call",  # a dial row of the previous release
]


def running(task_path, *args, worker="dead-worker", started_ago, beat_ago=None):
    now = timezone.now()
    if beat_ago is not None:
        WorkerBeat.objects.update_or_create(worker_id=worker, defaults={"beat_at": now - beat_ago})
    return DBTaskResult.objects.create(
        task_path=task_path,
        args_kwargs={"args": list(args), "kwargs": {}},
        status="RUNNING",
        enqueued_at=now - started_ago,
        started_at=now - started_ago,
        worker_ids=[worker],
        backend_name="default",
    )


def reruns_of(row):
    return DBTaskResult.objects.exclude(pk=row.pk)


def recover_on_the_database_queue(now=None):
    """Run recovery with the production queue, so a task run again is a new row instead of running here."""
    with override_settings(TASKS=settings.DATABASE_TASKS):
        return recover(now=now)


@pytest.mark.parametrize("path", SAFE_PATHS)
def test_a_task_whose_worker_stopped_beating_is_failed_and_run_again_once(path):
    row = running(path, 7, started_ago=timedelta(minutes=10), beat_ago=GRACE + timedelta(seconds=5))

    [recovered] = recover_on_the_database_queue()

    row.refresh_from_db()
    assert row.status == "FAILED"
    assert row.finished_at is not None
    assert row.exception_class_path == WORKER_STOPPED
    assert "Its worker dead-worker stopped while running it" in row.traceback
    [rerun] = reruns_of(row)
    assert recovered.rerun_id == str(rerun.pk)
    assert f"run again as task {rerun.pk}" in row.traceback
    assert (rerun.status, rerun.args_kwargs) == ("READY", {"args": [7], "kwargs": {}})
    assert import_string(rerun.task_path) is import_string(path)

    assert recover_on_the_database_queue(now=timezone.now() + GRACE * 10) == []
    assert reruns_of(row).count() == 1  # once per original


def test_a_second_run_whose_worker_died_too_is_failed_but_never_run_a_third_time():
    first = running(
        "calls.tasks.sync_recent", started_ago=timedelta(minutes=30), beat_ago=timedelta(minutes=29)
    )
    [recovered] = recover_on_the_database_queue()
    second = DBTaskResult.objects.get(pk=recovered.rerun_id)
    DBTaskResult.objects.filter(pk=second.pk).update(
        status="RUNNING", started_at=timezone.now(), worker_ids=["also-dead"]
    )

    [again] = recover_on_the_database_queue(now=timezone.now() + GRACE * 2)

    second.refresh_from_db()
    assert (second.status, second.exception_class_path) == ("FAILED", WORKER_STOPPED)
    assert again.rerun_id is None
    assert f"it was itself the second run of task {first.pk}" in second.traceback
    assert DBTaskResult.objects.count() == 2
    assert TaskRerun.objects.get().original_id == str(first.pk)


def test_a_long_task_on_a_live_worker_is_left_alone(client):
    worker_heartbeat.call()
    row = running(
        "calls.tasks.sync_recent",
        worker="busy",
        started_ago=timedelta(hours=3),
        beat_ago=timedelta(seconds=5),
    )

    assert recover_on_the_database_queue() == []

    row.refresh_from_db()
    assert (row.status, row.finished_at) == ("RUNNING", None)
    assert DBTaskResult.objects.count() == 1
    assert "stuck_tasks" not in client.get("/healthz").json()


def test_a_task_that_just_started_is_left_alone_before_its_worker_first_beat():
    row = running("calls.tasks.reconcile", worker="new", started_ago=timedelta(seconds=3))
    assert recover_on_the_database_queue() == []
    row.refresh_from_db()
    assert row.status == "RUNNING"


def test_a_task_whose_worker_never_beat_is_failed_after_the_grace_period():
    row = running("calls.tasks.reconcile", worker="died-at-once", started_ago=GRACE + timedelta(seconds=1))
    recover_on_the_database_queue()
    row.refresh_from_db()
    assert row.status == "FAILED"
    assert reruns_of(row).count() == 1


@pytest.mark.parametrize("path", ["calls.tasks.refresh_call", "ops.tasks.worker_heartbeat", "no.such.task"])
def test_a_task_not_known_to_be_safe_to_repeat_is_failed_but_not_run_again(path):
    row = running(path, started_ago=timedelta(minutes=10), beat_ago=timedelta(minutes=9))

    [recovered] = recover_on_the_database_queue()

    row.refresh_from_db()
    assert (row.status, row.exception_class_path) == ("FAILED", WORKER_STOPPED)
    assert recovered.rerun_id is None
    assert "not run again" in row.traceback
    assert not reruns_of(row).exists()
    assert not TaskRerun.objects.exists()


def test_healthz_counts_stuck_tasks_until_they_are_recovered(client):
    worker_heartbeat.call()
    running("calls.tasks.reconcile", started_ago=timedelta(minutes=10), beat_ago=timedelta(minutes=9))
    running("calls.tasks.sync_recent", started_ago=timedelta(minutes=10), beat_ago=timedelta(minutes=9))

    response = client.get("/healthz")
    assert response.json()["stuck_tasks"] == 2
    assert response.status_code == 200  # the database and the worker are fine; the count says the rest

    recover_on_the_database_queue()
    assert "stuck_tasks" not in client.get("/healthz").json()


def test_the_management_command_and_the_scheduler_run_the_recovery():
    running("ops.tasks.worker_heartbeat", started_ago=timedelta(minutes=10))
    out = io.StringIO()
    call_command("recover_stale_tasks", stdout=out)
    assert "ops.tasks.worker_heartbeat" in out.getvalue()
    assert "1 stuck task(s) failed" in out.getvalue()
    [job] = [job for job in scheduler.get_jobs() if job.name == "recover_stale_tasks"]
    assert str(job.trigger.fields[job.trigger.FIELD_NAMES.index("minute")]) == "*"


def test_beats_of_workers_gone_for_a_day_are_forgotten():
    WorkerBeat.objects.create(worker_id="gone", beat_at=timezone.now() - timedelta(days=2))
    WorkerBeat.objects.create(worker_id="here", beat_at=timezone.now())
    recover()
    assert list(WorkerBeat.objects.values_list("worker_id", flat=True)) == ["here"]


def test_a_dial_run_again_does_not_dial_a_call_whose_claim_was_taken(agent, exophone):
    # The worker died mid-connect: the call left `pending` and Exotel may have it; the reconciler looks.
    call = make_call(status="queued", sid=None, agent=agent, exophone=exophone, dial_attempts=1)
    running("calls.placing.tasks.dial_call", call.pk, started_ago=timedelta(minutes=5))

    with patch.object(ExotelClient, "connect", autospec=True) as connect:
        [recovered] = recover()  # the tests' immediate queue: the second run runs here, now

    assert recovered.rerun_id is not None
    connect.assert_not_called()
    call.refresh_from_db()
    assert (call.status, call.sid, call.dial_attempts) == ("queued", None, 1)


def test_a_dial_run_again_places_a_call_its_dead_worker_never_claimed(agent, exophone):
    call = make_call(status="pending", sid=None, agent=agent, exophone=exophone)
    running("calls.placing.tasks.dial_call", call.pk, started_ago=timedelta(minutes=5))

    answer = record("CA-second-run", status="queued", end_time=None, duration=None, price=None)
    with patch.object(ExotelClient, "connect", autospec=True, return_value=answer) as connect:
        recover()

    assert connect.call_count == 1
    call.refresh_from_db()
    assert (call.status, call.sid, call.dial_attempts) == ("queued", "CA-second-run", 1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_killed_mid_task_leaves_a_task_recovery_fails(settings):
    """A real db_worker beats while its task sleeps (left alone past the grace), then is SIGKILLed."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite test database cannot be shared with a worker process")
    settings.TASK_STALE_AFTER_SECONDS = 2
    with override_settings(TASKS=settings.DATABASE_TASKS):
        result = sleep_for.enqueue(60)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"],
        cwd=settings.BASE_DIR,
        env=worker_environment(settings.TASK_STALE_AFTER_SECONDS),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        row = wait_until(
            lambda: DBTaskResult.objects.filter(pk=result.id, status="RUNNING").first(), timeout=20
        )
        wait_until(lambda: WorkerBeat.objects.filter(worker_id=row.worker_ids[-1]).exists(), timeout=10)
        wait_until(lambda: timezone.now() - row.started_at > timedelta(seconds=3), timeout=10)
        assert recover() == []  # started over the grace period ago, but its worker beats
        assert DBTaskResult.objects.get(pk=result.id).status == "RUNNING"

        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        wait_until(lambda: recover(), timeout=10, interval=0.25)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)

    row.refresh_from_db()
    assert (row.status, row.exception_class_path) == ("FAILED", WORKER_STOPPED), worker.stderr.read()
    assert f"Its worker {row.worker_ids[-1]} stopped while running it" in row.traceback
    assert not reruns_of(row).exists()  # a test task is not on the list of those safe to repeat


def worker_environment(stale_after):
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "exotel_dashboard.test_settings",
        "TEST_TASKS_BACKEND": "database",
        "TASK_STALE_AFTER_SECONDS": str(stale_after),
    }


def test_a_reconcile_run_its_dead_worker_left_running_is_failed_on_the_sync_page_too():
    row = running("calls.tasks.reconcile", started_ago=timedelta(minutes=10), beat_ago=timedelta(minutes=9))
    dead = SyncRun.objects.create(kind=SyncRun.Kind.RECONCILE, task_id=str(row.pk))
    alive = SyncRun.objects.create(kind=SyncRun.Kind.RECONCILE, task_id="another-task")

    recover_on_the_database_queue()

    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.state == "failed" and dead.finished_at is not None
    assert dead.last_error.startswith("Its worker stopped; run again as task")
    assert alive.state == "running"


def test_a_reconcile_run_names_the_task_running_it():
    from calls.tasks import reconcile

    result = reconcile.enqueue()
    run = SyncRun.objects.get(kind=SyncRun.Kind.RECONCILE)
    assert run.task_id == str(result.id) and run.state == "finished"
