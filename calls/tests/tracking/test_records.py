"""One reader of Exotel's fields: a callback and an API answer saying the same thing are the same observation,
and what the call's columns cannot hold is left out of both."""

import pytest

from calls.tracking.payload import BadPayload, parse_callback, unflatten_legs
from calls.tracking.records import observation_from_record
from exotel.values import call_record

SID = "b6cfaf5b0f1a4d0f9c1e2a3b4c5d6e7f"
FIELDS = {
    "Status": "completed",
    "DateCreated": "2026-11-23 16:30:00",
    "DateUpdated": "2026-11-23 16:31:10",
    "StartTime": "2026-11-23 16:30:00",
    "EndTime": "2026-11-23 16:31:10",
    "From": "09845012301",
    "To": "09876543210",
    "PhoneNumberSid": "08030752400",
    "Direction": "outbound-api",
    "Duration": "70",
    "Price": "1.500",
    "RecordingUrl": "https://recordings.exotel.com/exotelrecordings/acme/b6cf.mp3",
    "CustomField": "ticket-881",
}


def from_callback(**fields):
    form = {"CallSid": SID, "EventType": "terminal"} | FIELDS | fields
    return parse_callback(unflatten_legs(form)).observation


def from_api(**fields):
    return observation_from_record(call_record({"Sid": SID} | FIELDS | fields, "Asia/Kolkata"))


def test_a_callback_and_an_api_answer_with_the_same_fields_are_the_same_observation():
    callback = from_callback(**{"Legs[0][Status]": "completed", "Legs[1][Status]": "busy"})
    api = from_api(Details={"Legs": [{"Leg": {"Status": "completed"}}, {"Leg": {"Status": "busy"}}]})
    assert callback == api
    assert callback.values["from_number"] == "+919845012301"
    assert callback.values["price"] == api.values["price"] and str(api.values["price"]) == "1.500"
    assert (callback.values["leg1_status"], callback.values["leg2_status"]) == ("completed", "busy")


@pytest.mark.parametrize("source", [from_callback, from_api])
@pytest.mark.parametrize(
    ("field", "value", "name"),
    [
        ("Direction", "sideways", "direction"),
        ("RecordingUrl", "javascript:alert(1)", "recording_url"),
        ("RecordingUrl", "https://recordings.exotel.com/" + "a" * 500, "recording_url"),
        ("From", "9" * 17, "from_number"),
        ("PhoneNumberSid", "P" * 33, "phone_number"),
    ],
)
def test_what_the_call_cannot_hold_is_left_out(source, field, value, name):
    assert name not in source(**{field: value}).values


OUT_OF_RANGE = [
    ("Duration", "-5", "duration"),
    ("Duration", str(2**31), "duration"),
    ("Duration", "1e99999999", "duration"),
    ("Price", "-0.5", "price"),
    ("Price", "1000000", "price"),
    ("DateUpdated", "9999-12-31T23:59:59-14:00", "date_updated"),
    ("StartTime", "0001-01-01T00:00:00+14:00", "start_time"),
]


@pytest.mark.parametrize(("field", "value", "name"), OUT_OF_RANGE)
def test_a_number_or_time_out_of_range_is_left_out_of_an_api_answer(field, value, name):
    assert name not in from_api(**{field: value}).values


@pytest.mark.parametrize(("field", "value", "name"), OUT_OF_RANGE)
def test_a_callback_with_a_number_or_time_out_of_range_is_refused_naming_the_field(field, value, name):
    with pytest.raises(BadPayload, match=field):
        from_callback(**{field: value})


@pytest.mark.parametrize("source", [from_callback, from_api])
def test_a_long_custom_field_is_cut_to_what_the_call_holds(source):
    assert source(CustomField="x" * 300).values["custom_field"] == "x" * 128


@pytest.mark.parametrize("source", [from_callback, from_api])
def test_a_number_exotel_withholds_is_kept_as_exotel_gave_it(source):
    assert source(From="anonymous").values["from_number"] == "anonymous"
