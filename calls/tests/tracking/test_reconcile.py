from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from calls.models import Call
from calls.placing.dialing import dial
from calls.tests.factories import make_call
from calls.tests.fake_exotel import FakeExotel, record
from calls.tracking.reconcile import reconcile_calls
from ops.models import SyncRun

from .test_callback_view import terminal, url_for

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
    assert call.status == "ringing"
    assert call.events.get().note == "Exotel answered 404: it has no call with this Sid."
    assert call.next_check_at > timezone.now()
    assert result.errors == 0


def ask_until(call, exotel, minutes):
    """Run the reconciler as the schedule would, `minutes` past the first answer; the last run's now."""
    start = timezone.now()
    for minute in range(0, minutes + 1, 5):
        Call.objects.filter(pk=call.pk).update(next_check_at=start)
        run(exotel, now=start + timedelta(minutes=minute))
    call.refresh_from_db()


def test_a_sid_exotel_denies_for_ten_minutes_ends_unknown_to_exotel_and_is_never_asked_again():
    call = make_call(sid="a" * 32, status="ringing", next_check_at=timezone.now())
    ask_until(call, FakeExotel([]), minutes=10)
    assert call.status == "lost" and call.is_final
    assert "not found" in call.error_message and "check with the customer" in call.error_message
    assert call.next_check_at is None
    assert call.events.filter(status="not found").count() == 3


def test_the_call_page_and_the_log_say_the_call_is_unknown_to_exotel(client, manager):
    call = make_call(sid="a" * 32, status="ringing", next_check_at=timezone.now())
    ask_until(call, FakeExotel([]), minutes=10)
    client.force_login(manager)
    page = client.get(f"/calls/{call.pk}/").content.decode()
    assert "Unknown to Exotel" in page and "check with the customer" in page
    log = client.get("/calls/", {"status": "lost"}).content.decode()
    assert "Unknown to Exotel" in log and f"/calls/{call.pk}/" in log


def test_a_sid_denied_for_less_than_ten_minutes_is_still_live():
    call = make_call(sid="a" * 32, status="ringing", next_check_at=timezone.now())
    ask_until(call, FakeExotel([]), minutes=5)
    assert call.status == "ringing" and call.next_check_at is not None


def test_an_answer_between_denials_starts_the_ten_minutes_again():
    call = make_call(sid="a" * 32, status="ringing", next_check_at=timezone.now())
    start = timezone.now()
    run(FakeExotel([]), now=start)
    Call.objects.filter(pk=call.pk).update(next_check_at=start)
    run(FakeExotel([record("a" * 32, status="in-progress", price=None)]), now=start + timedelta(minutes=6))
    for minute in (8, 12):
        Call.objects.filter(pk=call.pk).update(next_check_at=start)
        run(FakeExotel([]), now=start + timedelta(minutes=minute))
    call.refresh_from_db()
    assert call.status == "in-progress"


def test_a_completed_call_whose_sid_is_denied_keeps_its_outcome_and_is_no_longer_asked_about():
    call = make_call(sid="a" * 32, status="completed", price=None, next_check_at=timezone.now())
    ask_until(call, FakeExotel([]), minutes=10)
    assert call.status == "completed" and call.next_check_at is None and call.error_message == ""


def test_a_call_unknown_to_exotel_takes_the_outcome_exotel_tells_after_all(client):
    call = make_call(sid="a" * 32, status="ringing", next_check_at=timezone.now())
    ask_until(call, FakeExotel([]), minutes=10)
    assert client.post(url_for(call), terminal(CallSid="a" * 32)).status_code == 200
    call.refresh_from_db()
    assert call.status == "completed" and call.error_message == ""


def test_a_call_unknown_to_exotel_is_never_dialled_again():
    call = make_call(sid=None, status="lost")

    class Refuses:
        def connect(self, **options):
            raise AssertionError("dialled")

    dial(call.pk, client=Refuses())
    call.refresh_from_db()
    assert call.status == "lost"


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
