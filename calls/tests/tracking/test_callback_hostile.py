"""Callbacks that can never succeed: 400 with the body kept as a rejected event, never 500 or 503."""

import json
import secrets
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client

from calls.models import Call, CallEvent
from calls.tests.factories import SID, make_call
from calls.tracking.tokens import callback_token, callback_url

from .test_callback_view import terminal, url_for

pytestmark = pytest.mark.django_db
FORM = "application/x-www-form-urlencoded"


def rejected_events():
    return CallEvent.objects.filter(verdict=CallEvent.Verdict.REJECTED)


def assert_rejected(response, call, *, raw_contains=""):
    assert response.status_code == 400, response.content
    event = rejected_events().get()
    assert event.call_id == call.pk
    assert event.note
    assert raw_contains in event.raw_body
    call.refresh_from_db()
    assert call.status == "ringing"


@pytest.mark.parametrize(
    "token",
    ["%C3%A9", "%C3%A9" * 20, "0" * 39, "0" * 41, "G" * 40, "A" * 40, "%00" * 40, "..%2F" * 8, "0" * 2000],
)
def test_a_token_of_any_other_shape_is_404_and_writes_nothing(client, token):
    call = make_call(status="ringing")
    response = client.post(f"/callbacks/exotel/{call.pk}/{token}/", terminal())
    assert response.status_code == 404
    assert not CallEvent.objects.exists()


def test_an_error_inside_the_token_check_shows_no_secret_even_with_debug_on(settings, monkeypatch):
    settings.DEBUG = True
    settings.CALLBACK_SECRET = secrets.token_hex(20)  # made here: the page shows this file's source lines
    call = make_call(status="ringing")
    url = url_for(call)

    def broken(*args, **kwargs):
        raise RuntimeError("forced")

    monkeypatch.setattr("calls.tracking.tokens.salted_hmac", broken)
    response = Client(raise_request_exception=False).post(url, terminal())
    assert response.status_code == 500
    page = response.content.decode()
    assert "forced" in page  # the debug page itself, with its frames and their variables
    assert "token_is_valid" in page
    for secret in (settings.CALLBACK_SECRET, settings.SECRET_KEY, settings.EXOTEL_API_TOKEN):
        assert secret not in page


def test_an_error_after_the_token_check_shows_no_secret(settings, monkeypatch):
    settings.DEBUG = True
    call = make_call(status="ringing")

    def broken(*args, **kwargs):
        raise RuntimeError("forced")

    monkeypatch.setattr("calls.tracking.callbacks.plain", broken)
    response = Client(raise_request_exception=False).post(url_for(call), terminal())
    page = response.content.decode()
    assert "forced" in page
    assert settings.SECRET_KEY not in page
    assert f"'{callback_token(call.pk)}'" not in page  # as a variable; the page does show the request's path


@pytest.mark.parametrize("length", ["abc", "-1", "1e3", "12 34", "٣", "99999999999999999999999"])
def test_a_content_length_that_is_not_a_plain_number_is_400(client, length):
    call = make_call(status="ringing")
    response = client.post(url_for(call), urlencode(terminal()), content_type=FORM, CONTENT_LENGTH=length)
    assert response.status_code in (400, 413)
    call.refresh_from_db()
    assert call.status == "ringing"


@pytest.mark.parametrize(
    "body",
    [
        "[" * 30_000,
        '{"a":' * 10_000,
        json.dumps({"CallSid": SID, "Duration": 0}).replace("0}", "1" + "0" * 5000 + "}"),
        json.dumps({"CallSid": SID, "Status": "completed", "Legs": "x" * 100}),
        json.dumps({"CallSid": [SID], "Status": "completed"}),
        '{"CallSid": "' + SID + '", "Status": "completed", "Duration": NaN}',
        b'{"CallSid": "\xff\xfe"}',
    ],
    ids=["deep-array", "deep-object", "huge-int", "legs-text", "sid-list", "nan", "not-utf8"],
)
def test_json_that_can_never_be_read_is_400_and_kept(client, body):
    call = make_call(status="ringing")
    response = client.post(url_for(call), body, content_type="application/json")
    assert_rejected(response, call)


def test_more_form_fields_than_django_reads_is_400_and_kept(client):
    call = make_call(status="ringing")
    fields = {f"Field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(url_for(call), urlencode(terminal() | fields), content_type=FORM)
    assert_rejected(response, call, raw_contains="CallSid=")


def test_a_multipart_body_without_a_boundary_is_400_and_kept(client):
    call = make_call(status="ringing")
    response = client.post(url_for(call), "CallSid=x", content_type="multipart/form-data")
    assert_rejected(response, call, raw_contains="CallSid=x")


def test_a_form_in_another_charset_is_400_and_kept(client):
    call = make_call(status="ringing")
    body = urlencode(terminal(CustomField="café"), encoding="latin-1")
    response = client.post(url_for(call), body, content_type=f"{FORM}; charset=latin-1")
    assert_rejected(response, call, raw_contains="CallSid=")


@pytest.mark.parametrize(
    "field,value",
    [
        ("Duration", "1e99999999"),
        ("Duration", "3e9"),
        ("Duration", "1e30"),
        ("Duration", "3000000000"),
        ("Duration", "-5"),
        ("Duration", "NaN"),
        ("Duration", "Infinity"),
        ("Duration", "9" * 400),
        ("Duration", "٤٢"),
        ("Price", "1e99999999"),
        ("Price", "10000000"),
        ("ConversationDuration", "1e30"),
        ("Legs[0][OnCallDuration]", "1e99999999"),
        ("DateUpdated", "9999-12-31T23:59:59-14:00"),
        ("StartTime", "0001-01-01T00:00:00+14:00"),
        ("EndTime", "1999-12-31 23:59:59"),
        ("DateCreated", "2101-01-01 00:00:00"),
        ("DateUpdated", "2026-13-45 99:99:99"),
        ("DateUpdated", "2" * 1000),
        ("CustomField", "ticket\x00881"),
        ("Status", "completed\x00"),
    ],
)
def test_a_value_exotel_never_sends_is_400_and_kept(client, field, value):
    call = make_call(status="ringing")
    response = client.post(url_for(call), urlencode(terminal(**{field: value})), content_type=FORM)
    assert_rejected(response, call, raw_contains="CallSid=")
    assert field.split("[")[0] in rejected_events().get().note


def test_a_nul_in_json_is_400_and_kept_on_every_database(client):
    call = make_call(status="ringing")
    body = json.dumps({"CallSid": SID, "Status": "completed", "CustomField": "a\x00b"})
    response = client.post(url_for(call), body, content_type="application/json")
    assert_rejected(response, call)
    assert "\x00" not in rejected_events().get().raw_body


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"Custom\x00Field": "x"}, "A field name"),
        ({"": "a\x00b"}, "A field without a name"),
        ({"Legs": [{"Status": "completed"}, {"Status": "busy\x00"}]}, "Status"),
        ({"Legs": [{"Status\x00": "completed"}]}, "A field name"),
        ({"Extra": {"Deeper": ["ok", "n\x00"]}}, "Deeper"),
    ],
)
def test_a_nul_anywhere_in_json_is_400_and_named(client, fields, where):
    call = make_call(status="ringing")
    body = json.dumps({"CallSid": SID, "Status": "completed", **fields})
    response = client.post(url_for(call), body, content_type="application/json")
    assert_rejected(response, call)
    assert rejected_events().get().note == f"{where} holds a NUL character."


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [("Custom\x00Field", "x", "A field name"), ("Legs[1][Status]", "no-answer\x00", "Status")],
)
def test_a_nul_in_a_forms_key_or_leg_is_400_and_named(client, field, value, where):
    call = make_call(status="ringing")
    response = client.post(url_for(call), urlencode(terminal(**{field: value})), content_type=FORM)
    assert_rejected(response, call)
    assert rejected_events().get().note == f"{where} holds a NUL character."


def test_a_key_given_twice_with_different_values_is_400(client):
    call = make_call(status="ringing")
    body = urlencode(terminal()) + "&Status=busy"
    response = client.post(url_for(call), body, content_type=FORM)
    assert_rejected(response, call)
    assert "Status" in rejected_events().get().note


def test_a_key_repeated_with_the_same_value_is_read_once(client):
    call = make_call(status="ringing")
    body = urlencode(terminal()) + "&Status=completed"
    assert client.post(url_for(call), body, content_type=FORM).status_code == 200
    call.refresh_from_db()
    assert call.status == "completed"


def test_the_same_bad_body_twice_is_kept_once(client):
    call = make_call(status="ringing")
    for _ in range(2):
        assert client.post(url_for(call), "[" * 100, content_type="application/json").status_code == 400
    assert rejected_events().count() == 1


def test_the_kept_body_is_bounded(client):
    call = make_call(status="ringing")
    body = json.dumps({"CallSid": SID, "Duration": "1e5", "Padding": "x" * 60_000})
    client.post(url_for(call), body, content_type="application/json")
    assert len(rejected_events().get().raw_body) <= 16 * 1024 + 100


def test_long_text_values_are_cut_to_their_columns_not_rejected(client):
    call = make_call(status="ringing")
    response = client.post(url_for(call), terminal(CustomField="x" * 40_000, EventType="terminal" * 100))
    assert response.status_code == 200
    call.refresh_from_db()
    assert call.status == "completed" and len(call.custom_field) == 128


def test_the_database_down_is_still_503_so_exotel_retries(client, monkeypatch):
    call = make_call(status="ringing")

    def down(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("calls.tracking.callbacks.call_record_observation", down)
    assert client.post(url_for(call), terminal()).status_code == 503


def test_an_unexpected_error_is_400_and_kept_not_a_retry_loop(client, monkeypatch):
    call = make_call(status="ringing")

    def bug(**kwargs):
        raise KeyError("a bug of ours")

    monkeypatch.setattr("calls.tracking.callbacks.call_record_observation", bug)
    response = client.post(url_for(call), terminal())
    assert_rejected(response, call, raw_contains="CallSid")


def test_a_callback_url_for_a_call_id_beyond_any_integer_is_404(client):
    huge = 10**30
    token = callback_token(huge)
    url = callback_url(1).removeprefix("http://testserver").replace("/1/", f"/{huge}/")
    response = client.post(url.replace(callback_token(1), token), terminal())
    assert response.status_code == 404
    assert not Call.objects.exists()
