"""/healthz: 200 when the database answers and a worker beat in the last two minutes, 503 otherwise."""

from datetime import timedelta
from unittest.mock import patch

import pytest
from django.db import OperationalError
from django.utils import timezone

from ops.health import database_ok
from ops.models import Heartbeat
from ops.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db


def beat(seconds_ago):
    Heartbeat.objects.create(process="worker", beat_at=timezone.now() - timedelta(seconds=seconds_ago))


def test_it_is_healthy_after_a_fresh_beat(client):
    worker_heartbeat.call()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok" and body["worker"] == "ok"
    assert 0 <= body["worker_last_beat_seconds"] < 5


def test_a_beat_older_than_two_minutes_is_stale(client):
    beat(seconds_ago=121)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok" and body["worker"] == "stale"
    assert 121 <= body["worker_last_beat_seconds"] < 125


def test_a_beat_just_under_two_minutes_old_is_still_fresh(client):
    beat(seconds_ago=115)
    assert client.get("/healthz").status_code == 200


def test_no_beat_at_all_is_missing(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "worker": "missing"}


def test_a_database_that_does_not_answer_is_down(client):
    beat(seconds_ago=1)
    with patch("ops.health.database_ok", autospec=True, return_value=False):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "down", "worker": "unknown"}


def test_the_database_check_says_false_when_the_database_fails(client):
    with patch("ops.health.connection.cursor", side_effect=OperationalError("connection refused")):
        assert database_ok() is False


def test_it_needs_no_login_and_is_never_cached(client):
    worker_heartbeat.call()
    response = client.get("/healthz")
    assert response.status_code == 200  # not a redirect to the login page
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/json"


def test_it_tells_nothing_about_the_host_or_the_software(client, settings):
    worker_heartbeat.call()
    response = client.get("/healthz")
    assert set(response.json()) == {"database", "worker", "worker_last_beat_seconds"}
    assert str(settings.DATABASES["default"]["NAME"]) not in response.content.decode()


def test_it_only_answers_get_and_head(client):
    assert client.head("/healthz").status_code in {200, 503}
    assert client.post("/healthz").status_code == 405


def test_the_database_check_says_true_on_a_working_database():
    assert database_ok() is True
