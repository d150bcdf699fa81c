"""The wallboard's "in this status for": when the status last changed, whoever changed it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls.models import Call, Status
from calls.placing import dialing
from calls.services import call_record_observation
from calls.state import Observation
from calls.tests.factories import make_call

pytestmark = pytest.mark.django_db


def test_a_new_call_is_in_its_status_since_it_was_created():
    call = make_call(status=Status.PENDING, sid=None, date_created=timezone.now() - timedelta(minutes=3))
    call.refresh_from_db()
    assert call.status_changed_at is None
    assert call.status_since == call.date_created


def test_a_callback_that_moves_the_status_on_restarts_the_clock():
    call = make_call(status=Status.RINGING, date_created=timezone.now() - timedelta(minutes=3))
    before = timezone.now()
    observation = Observation(status=Status.IN_PROGRESS, values={"sid": call.sid})
    call_record_observation(call_id=call.pk, source="callback", observation=observation, dedupe_key="a")
    call.refresh_from_db()
    assert call.status_changed_at >= before


def test_news_that_leaves_the_status_as_it_was_does_not_restart_the_clock():
    call = make_call(status=Status.IN_PROGRESS)
    Call.objects.filter(pk=call.pk).update(status_changed_at=timezone.now() - timedelta(minutes=2))
    observation = Observation(
        status=Status.IN_PROGRESS, values={"sid": call.sid, "leg2_status": "in-progress"}
    )
    call_record_observation(call_id=call.pk, source="callback", observation=observation, dedupe_key="b")
    call.refresh_from_db()
    assert timezone.now() - call.status_changed_at > timedelta(minutes=1)


def test_the_dial_claiming_and_releasing_a_call_restarts_the_clock():
    call = make_call(status=Status.PENDING, sid=None, date_created=timezone.now() - timedelta(minutes=5))
    dialing.claim(call.pk)
    call.refresh_from_db()
    assert call.status == Status.QUEUED
    claimed_at = call.status_changed_at
    assert timezone.now() - claimed_at < timedelta(seconds=5)
    dialing.release(call.pk)
    call.refresh_from_db()
    assert call.status == Status.PENDING
    assert call.status_changed_at >= claimed_at
