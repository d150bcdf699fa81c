"""One test runs a real db_worker process against the test database."""

import pytest
from django.conf import settings
from django.test import override_settings

from exotel_dashboard.testing import run_db_worker
from ops.models import Heartbeat
from ops.tasks import worker_heartbeat


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_an_enqueued_task():
    with override_settings(TASKS=settings.DATABASE_TASKS):
        result = worker_heartbeat.enqueue()
        assert result.status == "READY"
    assert not Heartbeat.objects.exists()
    run_db_worker()
    assert Heartbeat.objects.get(process="worker").beat_at is not None
    with override_settings(TASKS=settings.DATABASE_TASKS):
        result.refresh()
    assert result.status == "SUCCESSFUL"
