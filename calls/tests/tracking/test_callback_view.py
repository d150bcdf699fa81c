"""Every callback shape Exotel sends, and every way a delivery can go wrong."""

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError

from calls.models import Call, CallEvent
from calls.tests.factories import SID, make_call
from calls.tracking.tokens import callback_url

pytestmark = pytest.mark.django_db


def url_for(call):
    return callback_url(call.pk).removeprefix("http://testserver")


def answered(leg2=""):
    return {
        "CallSid": SID,
        "EventType": "answered",
        "Status": "in-progress",
        "DateUpdated": "2026-11-23 16:30:05",
        "Legs[0][Status]": "in-progress",
        "Legs[1][Status]": leg2,
    }


def terminal(**extra):
    return {
        "CallSid": SID,
        "EventType": "terminal",
        "Status": "completed",
        "DateCreated": "2026-11-23 16:30:00",
        "DateUpdated": "2026-11-23 16:31:10",
        "StartTime": "2026-11-23 16:30:00",
        "EndTime": "2026-11-23 16:31:10",
        "From": "09845012301",
        "To": "09876543210",
        "PhoneNumberSid": "08030752400",
        "Direction": "outbound-api",
        "RecordingUrl": "https://recordings.exotel.com/exotelrecordings/acme/b6cf.mp3",
        "ConversationDuration": "42",
        "CustomField": "ticket-881",
        "Legs[0][Status]": "completed",
        "Legs[0][OnCallDuration]": "61",
        "Legs[1][Status]": "completed",
        "Legs[1][OnCallDuration]": "42",
    } | extra


def as_json(form):
    body = {k: v for k, v in form.items() if not k.startswith("Legs[")}
    legs = {}
    for key, value in form.items():
        if key.startswith("Legs["):
            index, field = key[5], key.split("][")[1].rstrip("]")
            legs.setdefault(int(index), {})[field] = int(value) if field == "OnCallDuration" else value
    if legs:
        body["Legs"] = [legs[i] for i in sorted(legs)]
    if "ConversationDuration" in body:
        body["ConversationDuration"] = int(body["ConversationDuration"])
    return json.dumps(body)


def test_a_terminal_multipart_callback_completes_the_call(client):
    call = make_call(status="ringing")
    response = client.post(url_for(call), terminal())
    assert response.status_code == 200
    call.refresh_from_db()
    assert call.status == "completed"
    assert call.conversation_duration == 42
    assert call.leg1_status == "completed" and call.leg2_status == "completed"
    assert call.leg1_on_call_duration == 61 and call.leg2_on_call_duration == 42
    assert call.custom_field == "ticket-881"
    assert call.recording_url.endswith("b6cf.mp3")
    assert call.end_time == datetime(2026, 11, 23, 11, 1, 10, tzinfo=UTC)
    event = call.events.get()
    assert event.event_type == "terminal" and event.verdict == "applied"
    assert "Legs[1][OnCallDuration]" in event.raw_body


def test_a_terminal_json_callback_completes_the_call(client):
    call = make_call(status="ringing")
    response = client.post(url_for(call), as_json(terminal()), content_type="application/json")
    assert response.status_code == 200
    call.refresh_from_db()
    assert call.status == "completed"
    assert call.leg2_on_call_duration == 42


def test_a_legacy_callback_with_four_fields_completes_the_call(client):
    call = make_call(status="in-progress")
    body = urlencode(
        {"CallSid": SID, "Status": "busy", "RecordingUrl": "", "DateUpdated": "2026-11-23 16:31:10"}
    )
    response = client.post(url_for(call), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    call.refresh_from_db()
    assert call.status == "busy"
    assert call.recording_url == ""
    assert call.date_updated == datetime(2026, 11, 23, 11, 1, 10, tzinfo=UTC)


def test_answered_events_move_the_call_leg_by_leg(client):
    call = make_call(status="queued")
    client.post(url_for(call), answered())
    call.refresh_from_db()
    assert (call.status, call.leg1_status, call.leg2_status) == ("in-progress", "in-progress", "")
    client.post(url_for(call), answered(leg2="in-progress"))
    call.refresh_from_db()
    assert call.leg2_status == "in-progress"
    assert call.events.count() == 2


def test_a_redelivery_is_a_no_op_that_answers_200(client):
    call = make_call(status="ringing")
    first = client.post(url_for(call), terminal())
    again = client.post(url_for(call), as_json(terminal()), content_type="application/json")
    assert first.status_code == again.status_code == 200
    assert call.events.count() == 1


def test_answered_after_terminal_only_fills_blanks(client):
    call = make_call(status="ringing")
    client.post(url_for(call), terminal(**{"Status": "no-answer", "Legs[1][Status]": "no-answer"}))
    response = client.post(url_for(call), answered(leg2="in-progress"))
    assert response.status_code == 200
    call.refresh_from_db()
    assert call.status == "no-answer"
    assert call.leg2_status == "no-answer"
    assert call.events.order_by("id").last().verdict == "stale"


def test_a_partial_terminal_never_blanks_what_we_know(client):
    call = make_call(
        status="ringing", recording_url="https://recordings.exotel.com/x.mp3", custom_field="keep"
    )
    client.post(url_for(call), {"CallSid": SID, "EventType": "terminal", "Status": "completed"})
    call.refresh_from_db()
    assert call.status == "completed"
    assert call.recording_url == "https://recordings.exotel.com/x.mp3"
    assert call.custom_field == "keep"


def test_the_first_event_may_arrive_before_we_stored_the_sid(client):
    call = make_call(sid=None, status="pending")
    response = client.post(url_for(call), answered())
    assert response.status_code == 200
    call.refresh_from_db()
    assert call.sid == SID
    assert call.status == "in-progress"


def test_numbers_and_null_strings_are_read_defensively(client):
    call = make_call(status="ringing")
    body = terminal(RecordingUrl="null", ConversationDuration="", CustomField="null")
    client.post(url_for(call), body)
    call.refresh_from_db()
    assert call.recording_url == "" and call.conversation_duration is None and call.custom_field == ""
    assert call.from_number == "+919845012301"


def test_an_unknown_status_is_kept_raw_and_answers_200(client):
    call = make_call(status="ringing")
    response = client.post(url_for(call), {"CallSid": SID, "Status": "on-hold-forever"})
    assert response.status_code == 200
    call.refresh_from_db()
    assert call.status == "ringing"
    event = call.events.get()
    assert event.status == "on-hold-forever" and "unknown status" in event.note


def test_a_wrong_token_is_404_and_writes_nothing(client):
    call = make_call(status="ringing")
    response = client.post(f"/callbacks/exotel/{call.pk}/{'0' * 40}/", terminal())
    assert response.status_code == 404
    assert b"token" not in response.content.lower()
    assert not CallEvent.objects.exists()
    call.refresh_from_db()
    assert call.status == "ringing"


def test_another_calls_token_is_404(client):
    call, other = make_call(), make_call(sid="c" * 32)
    response = client.post(url_for(other).replace(f"/{other.pk}/", f"/{call.pk}/"), terminal())
    assert response.status_code == 404


def test_a_missing_token_is_404(client):
    call = make_call()
    assert client.post(f"/callbacks/exotel/{call.pk}/", terminal()).status_code == 404


def test_get_and_other_methods_are_405(client):
    call = make_call()
    assert client.get(url_for(call)).status_code == 405
    assert client.put(url_for(call)).status_code == 405


def test_no_login_and_no_csrf_token_are_needed(db):
    from django.test import Client

    call = make_call(status="ringing")
    response = Client(enforce_csrf_checks=True).post(url_for(call), terminal())
    assert response.status_code == 200


def test_malformed_json_is_400_and_kept_for_an_admin_to_read(client):
    call = make_call()
    response = client.post(url_for(call), "{not json", content_type="application/json")
    assert response.status_code == 400
    event = CallEvent.objects.get()
    assert (event.verdict, event.raw_body, event.call) == ("rejected", "{not json", call)


def test_a_json_array_is_400(client):
    call = make_call()
    assert client.post(url_for(call), "[1, 2]", content_type="application/json").status_code == 400


def test_a_body_without_callsid_is_400(client):
    call = make_call()
    assert client.post(url_for(call), {"Status": "completed"}).status_code == 400


def test_an_unsupported_content_type_is_400(client):
    call = make_call()
    assert client.post(url_for(call), "CallSid", content_type="text/plain").status_code == 400


def test_a_callsid_of_another_call_is_400(client):
    call = make_call()
    response = client.post(url_for(call), terminal(CallSid="d" * 32))
    assert response.status_code == 400
    call.refresh_from_db()
    assert call.status == "in-progress"


def test_a_huge_body_is_413(client):
    call = make_call()
    response = client.post(url_for(call), {"CallSid": SID, "Padding": "x" * 70_000})
    assert response.status_code == 413
    assert not CallEvent.objects.exists()


def test_a_database_error_answers_503_so_exotel_retries(client, monkeypatch):
    call = make_call(status="ringing")

    def broken(**kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr("calls.tracking.callbacks.call_record_observation", broken)
    assert client.post(url_for(call), terminal()).status_code == 503


def test_a_deleted_call_is_404(client):
    call = make_call()
    url = url_for(call)
    Call.objects.filter(pk=call.pk).delete()
    assert client.post(url, terminal()).status_code == 404


def exotel_time(moment):
    return moment.astimezone(ZoneInfo("Asia/Kolkata")).strftime("%Y-%m-%d %H:%M:%S")


def test_a_completed_call_without_price_is_scheduled_for_a_check(client):
    call = make_call(status="ringing")
    now = datetime.now(UTC)
    started, ended = exotel_time(now - timedelta(seconds=70)), exotel_time(now)
    just_ended = {"DateCreated": started, "StartTime": started, "DateUpdated": ended, "EndTime": ended}
    client.post(url_for(call), terminal(**just_ended))
    call.refresh_from_db()
    assert call.price is None
    assert call.next_check_at is not None


def test_a_call_from_days_ago_without_price_is_not_checked_again(client):
    call = make_call(status="ringing")
    then = datetime.now(UTC) - timedelta(days=3)
    days_ago = {"DateCreated": exotel_time(then), "DateUpdated": exotel_time(then + timedelta(seconds=70))}
    client.post(url_for(call), terminal(**days_ago))
    call.refresh_from_db()
    assert call.status == "completed"
    assert call.price is None
    assert call.next_check_at is None
