"""One test runs a real db_worker process against the test database."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from ops.models import Heartbeat
from ops.tasks import worker_heartbeat

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def database_url():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_an_enqueued_task():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite test database cannot be shared with a worker process")
    with override_settings(TASKS=DATABASE_TASKS):
        result = worker_heartbeat.enqueue()
        assert result.status == "READY"
    assert not Heartbeat.objects.exists()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "exotel_dashboard.test_settings",
        "TEST_TASKS_BACKEND": "database",
    }
    worker = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--max-tasks", "1"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    assert Heartbeat.objects.get(process="worker").beat_at is not None
    with override_settings(TASKS=DATABASE_TASKS):
        result.refresh()
    assert result.status == "SUCCESSFUL"
