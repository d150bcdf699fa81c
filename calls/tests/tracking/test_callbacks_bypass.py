"""Callbacks skip the middleware made for people (exotel_dashboard/callbacks_bypass.py) and lose none of
their checks by it."""

import zoneinfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calls.models import Call
from calls.tests.factories import SID, make_call
from calls.tracking.tokens import callback_url

pytestmark = pytest.mark.django_db


def url_for(call):
    return callback_url(call.pk).removeprefix("http://testserver")


def ringing():
    return {"CallSid": SID, "Status": "ringing", "DateUpdated": "2026-11-23 16:30:05"}


def test_a_callback_is_applied_and_answered_in_plain_text(client):
    call = make_call(status="queued")
    response = client.post(url_for(call), ringing())
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert Call.objects.get(pk=call.pk).status == "ringing"


def test_a_callback_with_a_session_cookie_reads_no_session_and_sets_no_cookie(agent_client):
    call = make_call(status="queued")
    with CaptureQueriesContext(connection) as captured:
        response = agent_client.post(url_for(call), ringing())
    assert response.status_code == 200
    tables = " ".join(query["sql"] for query in captured.captured_queries)
    assert "django_session" not in tables and "auth_user" not in tables
    assert not response.cookies
    assert Call.objects.get(pk=call.pk).status == "ringing"


def test_a_host_not_allowed_is_refused_and_changes_nothing(client):
    call = make_call(status="queued")
    response = client.post(url_for(call), ringing(), HTTP_HOST="callbacks.evil.example")
    assert response.status_code == 400
    assert Call.objects.get(pk=call.pk).status == "queued"


def test_a_wrong_token_is_still_not_found(client):
    call = make_call(status="queued")
    response = client.post(url_for(call)[:-41] + "0" * 40 + "/", ringing())
    assert response.status_code == 404
    assert Call.objects.get(pk=call.pk).status == "queued"


def test_a_get_is_still_refused(client):
    call = make_call(status="queued")
    assert client.get(url_for(call)).status_code == 405


def test_a_path_under_callbacks_that_names_nothing_gets_the_usual_404_page(client):
    response = client.post("/callbacks/exotel/12/not-a-token/", ringing())
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


def test_the_zone_of_the_agent_served_before_does_not_carry_into_a_callback(client):
    call = make_call(status="queued")
    timezone.activate(zoneinfo.ZoneInfo("America/New_York"))  # left active by the worker's last request
    try:
        assert client.post(url_for(call), ringing()).status_code == 200
        assert timezone.get_current_timezone_name() == settings.TIME_ZONE
    finally:
        timezone.deactivate()


def test_pages_for_people_keep_their_middleware(agent_client):
    response = agent_client.get("/")
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert "X-Frame-Options" in response
