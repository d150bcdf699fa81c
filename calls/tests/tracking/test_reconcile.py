from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from calls.models import Call
from calls.tests.factories import make_call
from calls.tests.fake_exotel import FakeExotel, record
from calls.tracking.reconcile import reconcile_calls
from ops.models import SyncRun

pytestmark = pytest.mark.django_db


def redial_nothing(call_id):
    raise AssertionError(f"call {call_id} was redialled: none of these calls is pending")


def run(exotel, now=None):
    return reconcile_calls(client=exotel, run=SyncRun(kind="reconcile"), redial=redial_nothing, now=now)


def test_a_call_whose_callbacks_were_lost_becomes_completed():
    call = make_call(sid="a" * 32, status="ringing", next_check_at=timezone.now())
    exotel = FakeExotel([record("a" * 32, status="completed", price=Decimal("1.20"))])
    result = run(exotel)
    call.refresh_from_db()
    assert call.status == "completed" and call.price == Decimal("1.20")
    assert call.next_check_at is None
    assert result.calls_changed == 1
    assert call.events.get().source == "details"


def test_calls_not_due_are_left_alone():
    call = make_call(sid="a" * 32, status="ringing", next_check_at=timezone.now() + timedelta(minutes=5))
    run(FakeExotel([record("a" * 32)]))
    call.refresh_from_db()
    assert call.status == "ringing"


def test_a_call_still_in_progress_is_asked_about_again_later():
    call = make_call(sid="a" * 32, status="ringing", next_check_at=timezone.now())
    run(FakeExotel([record("a" * 32, status="in-progress", date_created=call.date_created, price=None)]))
    call.refresh_from_db()
    assert call.status == "in-progress"
    assert call.next_check_at > timezone.now()


def test_a_completed_call_without_price_is_filled_when_exotel_has_it():
    call = make_call(sid="a" * 32, status="completed", duration=None, next_check_at=timezone.now())
    exotel = FakeExotel([record("a" * 32, date_created=call.date_created, price=None, duration=None)])
    run(exotel)
    call.refresh_from_db()
    assert call.price is None and call.next_check_at is not None
    exotel.update("a" * 32, price=Decimal("0.60"), duration=33)
    run(exotel, now=call.next_check_at)
    call.refresh_from_db()
    assert (call.price, call.duration, call.next_check_at) == (Decimal("0.60"), 33, None)


def test_an_unknown_connect_outcome_is_found_by_its_numbers_and_time():
    created = timezone.now() - timedelta(minutes=5)
    call = make_call(sid=None, status="unknown", date_created=created, next_check_at=timezone.now())
    other = record("b" * 32, date_created=created - timedelta(hours=3))
    found = record("c" * 32, date_created=created + timedelta(seconds=20))
    run(FakeExotel([other, found]))
    call.refresh_from_db()
    assert call.sid == "c" * 32 and call.status == "completed"
    assert not Call.objects.filter(sid="b" * 32).exists()


def test_an_unknown_outcome_that_exotel_never_saw_ends_as_not_placed():
    created = timezone.now() - timedelta(hours=6)
    call = make_call(sid=None, status="unknown", date_created=created, next_check_at=timezone.now())
    run(FakeExotel([]))
    call.refresh_from_db()
    assert call.status == "not-placed"
    assert "no record" in call.error_message


def test_a_sid_exotel_does_not_know_is_noted_and_not_retried_every_minute():
    call = make_call(sid="a" * 32, status="ringing", next_check_at=timezone.now())
    result = run(FakeExotel([]))
    call.refresh_from_db()
    assert call.error_message == "Exotel has no call with this Sid."
    assert call.next_check_at > timezone.now()
    assert result.errors == 0


def test_an_unknown_outcome_waits_for_the_time_limit_it_was_placed_with():
    created = timezone.now() - timedelta(minutes=40)
    short = make_call(
        sid=None,
        status="unknown",
        date_created=created,
        next_check_at=timezone.now(),
        request_options={"time_limit": 60},
    )
    long = make_call(
        sid=None,
        status="unknown",
        date_created=created,
        next_check_at=timezone.now(),
        request_options={"time_limit": 3600},
        to_number="+919876543211",
    )
    run(FakeExotel([]))
    short.refresh_from_db()
    long.refresh_from_db()
    assert short.status == "not-placed"
    assert long.status == "unknown"
