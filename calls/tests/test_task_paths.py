"""A task row names its task by dotted path: rows queued before a release must still run after it."""

import pytest
from django.conf import settings
from django.tasks import Task
from django.test import override_settings
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from calls.placing.tasks import dial_call
from calls.tests.factories import make_call
from exotel_dashboard.testing import run_db_worker

# Every path a task row of the previous release can hold (dial_call moved to calls/placing/tasks.py).
PREVIOUS_RELEASE = {
    "calls.tasks.dial_call": dial_call,
    "calls.tasks.refresh_call": None,
    "calls.tasks.reconcile": None,
    "calls.tasks.sync_recent": None,
    "ops.tasks.worker_heartbeat": None,
}


@pytest.mark.parametrize("path", sorted(PREVIOUS_RELEASE))
def test_every_task_path_of_the_previous_release_still_names_a_task(path):
    task = import_string(path)
    assert isinstance(task, Task)
    if PREVIOUS_RELEASE[path] is not None:
        assert task is PREVIOUS_RELEASE[path]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dial_queued_under_the_old_path_is_run_by_a_worker_of_this_release(agent):
    call = make_call(status="completed", agent=agent)  # not pending: the dial looks, and leaves it alone
    with override_settings(TASKS=settings.DATABASE_TASKS):
        result = dial_call.enqueue(call.pk)
    DBTaskResult.objects.filter(pk=result.id).update(task_path="calls.tasks.dial_call")
    run_db_worker()
    row = DBTaskResult.objects.get(pk=result.id)
    assert (row.task_path, row.status) == ("calls.tasks.dial_call", "SUCCESSFUL"), row.traceback
