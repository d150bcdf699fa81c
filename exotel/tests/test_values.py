from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from exotel.values import (
    ERROR_PAGE,
    blank,
    call_record,
    format_time,
    parse_decimal,
    parse_int,
    parse_legs,
    parse_number,
    parse_retry_after,
    parse_text,
    parse_time,
    rest_exception_message,
)

IST = "Asia/Kolkata"


@pytest.mark.parametrize("value", [None, "", "  ", "null", "NULL", "None", " null "])
def test_blank_knows_exotels_words_for_nothing(value):
    assert blank(value)


@pytest.mark.parametrize("value", ["0", 0, "no-answer", False, "nullify"])
def test_blank_keeps_real_values(value):
    assert not blank(value)


def test_parse_text_strips_and_blanks():
    assert parse_text("  in-progress ") == "in-progress"
    assert parse_text("null") == ""
    assert parse_text(None) == ""
    assert parse_text(17) == "17"


def test_parse_time_reads_exotels_zoneless_time_as_indian_time():
    assert parse_time("2024-05-01 10:00:00", IST) == datetime(2024, 5, 1, 4, 30, tzinfo=UTC)


def test_parse_time_accepts_a_zone_object():
    assert parse_time("2024-05-01 10:00:00", ZoneInfo(IST)) == datetime(2024, 5, 1, 4, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    ["2024-05-01T10:00:00+05:30", "2024-05-01T04:30:00Z", "2024-05-01 04:30:00+00:00", "2024-05-01T10:00:00"],
)
def test_parse_time_tolerates_iso_forms(value):
    assert parse_time(value, IST) == datetime(2024, 5, 1, 4, 30, tzinfo=UTC)


def test_parse_time_returns_utc():
    assert parse_time("2024-05-01 10:00:00", IST).tzinfo is UTC


def test_parse_time_passes_aware_datetimes_through_as_utc():
    moment = datetime(2024, 5, 1, 10, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert parse_time(moment, IST) == datetime(2024, 5, 1, 4, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "null",
        "0000-00-00 00:00:00",
        "1970-01-01 05:30:00",  # epoch 0 in IST: Passthru's "no end time yet"
        "1970-01-01 00:00:00",
        "yesterday",
        "2024-13-45 10:00:00",
        1714537800,
    ],
)
def test_parse_time_turns_placeholders_and_junk_into_none(value):
    assert parse_time(value, IST) is None


def test_format_time_writes_exotels_form_in_its_zone():
    assert format_time(datetime(2024, 5, 1, 4, 30, tzinfo=UTC), IST) == "2024-05-01 10:00:00"


def test_format_time_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        format_time(datetime(2024, 5, 1, 4, 30), IST)


def test_format_and_parse_time_round_trip():
    moment = datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert parse_time(format_time(moment, IST), IST) == moment


@pytest.mark.parametrize(
    ("value", "expected"),
    [(17, 17), ("17", 17), ("17.0", 17), (" 17 ", 17), (17.0, 17), ("0", 0), (0, 0), ("017", 17)],
)
def test_parse_int_reads_whole_seconds(value, expected):
    assert parse_int(value) == expected


@pytest.mark.parametrize("value", [None, "", "null", "None", "abc", "NaN", "inf", True, [17]])
def test_parse_int_turns_blanks_and_junk_into_none(value):
    assert parse_int(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.500", Decimal("1.500")),
        (1.5, Decimal("1.5")),
        (0.1, Decimal("0.1")),
        (2, Decimal(2)),
        ("0.300030", Decimal("0.300030")),
        (Decimal("3.25"), Decimal("3.25")),
        ("0", Decimal(0)),
    ],
)
def test_parse_decimal_keeps_the_written_digits(value, expected):
    number = parse_decimal(value)
    assert number == expected
    assert str(number) == str(expected)


@pytest.mark.parametrize("value", [None, "", "null", "free", "NaN", "Infinity", False])
def test_parse_decimal_turns_blanks_and_junk_into_none(value):
    assert parse_decimal(value) is None


@pytest.mark.parametrize(
    "value",
    ["09876543210", "+919876543210", "9876543210", "+91 98765 43210", 919876543210, '"09876543210"'],
)
def test_parse_number_reads_every_form_exotel_uses(value):
    assert parse_number(value) == "+919876543210"


def test_parse_number_reads_landlines_with_std_code():
    assert parse_number("08030752400") == "+918030752400"


@pytest.mark.parametrize("value", [None, "", "null", "12", "not a number", "0000000000", True])
def test_parse_number_turns_blanks_and_junk_into_none(value):
    assert parse_number(value) is None


def test_parse_legs_reads_call_details_legs_by_id():
    legs = parse_legs([{"Leg": {"Id": 2, "OnCallDuration": 8}}, {"Leg": {"Id": "1", "OnCallDuration": 21}}])
    assert legs[1]["OnCallDuration"] == 21
    assert legs[2]["OnCallDuration"] == 8


def test_parse_legs_reads_callback_legs_by_position():
    legs = parse_legs([{"OnCallDuration": 21, "Status": "completed"}, {"Status": "busy"}])
    assert legs[1]["Status"] == "completed"
    assert legs[2]["Status"] == "busy"


@pytest.mark.parametrize("value", [None, "null", {}, [None, "x"]])
def test_parse_legs_ignores_junk(value):
    assert parse_legs(value) == {}


@pytest.mark.parametrize(("value", "expected"), [("5", 5.0), ("0", 0.0), ("1.5", 1.5), ("-3", 0.0)])
def test_parse_retry_after_reads_seconds(value, expected):
    assert parse_retry_after(value) == expected


def test_parse_retry_after_reads_an_http_date():
    assert parse_retry_after("Wed, 21 Oct 2099 07:28:00 GMT") > 0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


@pytest.mark.parametrize("value", [None, "", "soon"])
def test_parse_retry_after_turns_junk_into_none(value):
    assert parse_retry_after(value) is None


def test_rest_exception_message_reads_json():
    body = '{"RestException": {"Status": 403, "Message": "Call to 09876543210 cannot be made"}}'
    assert rest_exception_message(body, "application/json") == "Call to 09876543210 cannot be made"


def test_rest_exception_message_reads_xml():
    body = (
        "<?xml version='1.0'?><TwilioResponse><RestException><Status>400</Status>"
        "<Message>Invalid Call Parameters: No 'From' specified &amp; more</Message>"
        "</RestException></TwilioResponse>"
    )
    assert (
        rest_exception_message(body, "application/xml")
        == "Invalid Call Parameters: No 'From' specified & more"
    )


def test_rest_exception_message_reads_json_sent_with_a_wrong_content_type():
    assert rest_exception_message('{"RestException": {"Message": "Not found"}}', "text/html") == "Not found"


def test_rest_exception_message_never_returns_an_html_page():
    page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
    assert rest_exception_message(page, "text/html") == ERROR_PAGE
    assert rest_exception_message("<!DOCTYPE html>" + page, None) == ERROR_PAGE


def test_rest_exception_message_shortens_plain_text():
    assert rest_exception_message("upstream connect error\nmore detail", "text/plain") == (
        "upstream connect error"
    )
    assert len(rest_exception_message("x" * 5000, "text/plain")) <= 300


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("", "application/json"),
        (None, None),
        ("{not json", "application/json"),
        ('{"RestException": {"Message": null}}', "application/json"),
        ("[1, 2]", "application/json"),
        ("<TwilioResponse/>", "application/xml"),
        ("\x00\x01binary", "application/octet-stream"),
    ],
)
def test_rest_exception_message_is_empty_when_the_body_says_nothing(body, content_type):
    assert rest_exception_message(body, content_type) == ""


def test_call_record_reads_a_json_status_callback_too():
    callback = {
        "CallSid": "b6cf",
        "EventType": "terminal",
        "Status": "completed",
        "From": "09845012301",
        "To": "09876543210",
        "PhoneNumberSid": "08030752400",
        "DateCreated": "2024-05-01 10:00:00",
        "EndTime": "2024-05-01 10:02:00",
        "Direction": "outbound-api",
        "ConversationDuration": 95,
        "CustomField": "ticket-42",
        "Legs": [
            {"OnCallDuration": 110, "Status": "completed"},
            {"OnCallDuration": 95, "Status": "completed"},
        ],
    }
    call = call_record(callback, IST)
    assert (call.sid, call.status, call.to_number) == ("b6cf", "completed", "+919876543210")
    assert call.end_time == datetime(2024, 5, 1, 4, 32, tzinfo=UTC)
    assert call.conversation_duration == 95
    assert (call.leg1_status, call.leg2_status) == ("completed", "completed")
    assert (call.leg1_on_call_duration, call.leg2_on_call_duration) == (110, 95)
    assert call.custom_field == "ticket-42"


def test_call_record_calls_passthrus_incoming_direction_inbound():
    assert call_record({"CallSid": "x", "Direction": "incoming"}, IST).direction == "inbound"


def test_call_record_survives_an_empty_payload():
    call = call_record({}, IST)
    assert (call.sid, call.status, call.from_number, call.date_created, call.price) == (
        "",
        "",
        "",
        None,
        None,
    )
