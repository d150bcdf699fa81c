"""POST Calls/connect: both modes, both body encodings, the documented response and every refusal."""

import re

import pytest
import requests

from sandbox.tests.helpers import AGENT, connect, customer, rest_exception, xml

CALL_FIELDS = [
    "Sid", "ParentCallSid", "DateCreated", "DateUpdated", "AccountSid", "To", "From", "PhoneNumberSid",
    "Status", "StartTime", "EndTime", "Duration", "Price", "Direction", "AnsweredBy", "ForwardedFrom",
    "CallerName", "RecordingUrl", "Uri",
]  # fmt: skip
STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def test_it_answers_in_xml_with_the_documented_call_fields(sandbox):
    response = connect(sandbox, fmt="xml")

    assert response.status_code == 200
    call = xml(response).find("Call")
    assert [element.tag for element in call] == CALL_FIELDS
    assert re.fullmatch(r"[0-9a-f]{32}", call.findtext("Sid"))
    assert call.findtext("Status") == "in-progress"
    assert call.findtext("Direction") == "outbound-api"
    assert call.findtext("From") == "09876543210"
    assert call.findtext("To") == "09812345642"
    assert call.findtext("PhoneNumberSid") == "08030752400"
    assert call.findtext("AccountSid") == sandbox.sid
    assert call.findtext("Uri") == f"/v1/Accounts/{sandbox.sid}/Calls/{call.findtext('Sid')}"
    for empty in ("ParentCallSid", "EndTime", "Duration", "Price", "RecordingUrl", "AnsweredBy"):
        assert call.findtext(empty) == ""


def test_it_answers_in_json_with_null_for_empty_values(sandbox):
    response = connect(sandbox)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    call = response.json()["Call"]
    assert list(call) == CALL_FIELDS
    assert STAMP.fullmatch(call["DateCreated"]) and call["StartTime"] == call["DateCreated"]
    assert call["DateUpdated"] == call["DateCreated"]
    assert call["ParentCallSid"] is None and call["EndTime"] is None
    assert call["Duration"] is None and call["Price"] is None and call["RecordingUrl"] is None


def test_it_reads_a_multipart_form_like_exotels_curl_example(sandbox):
    fields = {
        "From": (None, "+919876543210"),
        "To": (None, "+919812345642"),
        "CallerId": (None, "08030752400"),
        "StatusCallbackContentType": (None, "application/json"),
        "StatusCallbackEvents[0]": (None, "terminal"),
        "Record": (None, "true"),
        "StatusCallbackEvents[1]": (None, "answered"),
    }
    host = sandbox.url.removeprefix("http://")
    url = f"http://{sandbox.api_key}:{sandbox.api_token}@{host}/v1/Accounts/{sandbox.sid}/Calls/connect"

    response = requests.post(url, files=fields, timeout=10)

    assert response.status_code == 200, response.text
    assert xml(response).findtext("Call/To") == "09812345642"
    assert sandbox.requests()[0]["form"]["StatusCallbackEvents[1]"] == "answered"


@pytest.mark.parametrize(
    "number",
    ["+919812345642", "09812345642", "9812345642", "919812345642", "+91 98123 45642", "098-1234-5642"],
)
def test_it_accepts_the_usual_forms_of_a_number_and_echoes_the_national_form(sandbox, number):
    response = connect(sandbox, To=number)

    assert response.status_code == 200
    assert response.json()["Call"]["To"] == "09812345642"


def test_it_accepts_a_landline_with_its_std_code(sandbox):
    response = connect(sandbox, To="080-4123-4542")

    assert response.json()["Call"]["To"] == "08041234542"


def test_it_connects_a_number_to_a_flow_and_shows_the_exophone_as_to(sandbox):
    url = f"http://my.exotel.com/{sandbox.sid}/exoml/start_voice/926"

    response = connect(sandbox, To=None, From=customer("42"), Url=url, CallerId="02267891234")

    call = response.json()["Call"]
    assert response.status_code == 200
    assert call["From"] == "09812345642"
    assert call["To"] == call["PhoneNumberSid"] == "02267891234"
    assert sandbox.calls()[0]["origin"] == "flow"


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"From": None}, "Invalid Call Parameters: No 'From' specified"),
        ({"To": None}, "Invalid Call Parameters: No 'To' or 'Url' specified"),
        ({"CallerId": None}, "Invalid Call Parameters: No 'CallerId' specified"),
        ({"Url": "http://my.exotel.com/demo_sandbox/exoml/start_voice/1"}, "not both"),
        ({"To": "12345"}, "'To' is not a valid phone number: 12345"),
        ({"From": "+14155550123"}, "'From' is not a valid phone number"),
        ({"CallerId": "+919000000001"}, "CallerId 09000000001 is not an ExoPhone of account"),
        ({"CallType": "promo"}, "CallType 'promo' is no longer supported"),
        ({"CallType": "marketing"}, "CallType must be one of: trans"),
        ({"TimeLimit": "14401"}, "TimeLimit must be a whole number of seconds between 1 and 14400"),
        ({"TimeLimit": "0"}, "TimeLimit must be"),
        ({"TimeLimit": "ten"}, "TimeLimit must be"),
        ({"TimeOut": "61"}, "TimeOut must be a whole number of seconds between 1 and 60"),
        ({"TimeOut": "-5"}, "TimeOut must be"),
        ({"Record": "yes"}, "Record must be one of: true, false"),
        ({"RecordingChannels": "stereo"}, "RecordingChannels must be one of: single, dual"),
        ({"RecordingFormat": "wav"}, "RecordingFormat must be one of: mp3, mp3-hq"),
        ({"StartPlaybackToNew": "Caller"}, "StartPlaybackToNew must be one of: Callee, Both"),
        ({"StartPlaybackValueNew": "beep.wav"}, "StartPlaybackValueNew must be an http(s) URL"),
        ({"WaitUrl": "ftp://example.com/wait.wav"}, "WaitUrl must be an http(s) URL"),
        ({"StatusCallback": "not a url"}, "StatusCallback must be an http(s) URL"),
        ({"StatusCallbackEvents[0]": "ringing"}, "StatusCallbackEvents must be among: answered, terminal"),
        ({"StatusCallbackContentType": "text/xml"}, "StatusCallbackContentType must be one of"),
    ],
)
def test_it_refuses_invalid_parameters_with_a_400_rest_exception(sandbox, fields, message):
    response = connect(sandbox, **fields)

    assert response.status_code == 400
    status, text = rest_exception(response)
    assert status == 400
    assert message in text
    assert sandbox.calls() == []


@pytest.mark.parametrize(
    ("name", "first", "second"),
    [
        ("From", AGENT, "+919876543211"),
        ("To", customer("42"), customer("75")),
        ("CallerId", "+918030752400", "+912267891234"),
        ("StatusCallbackEvents[0]", "terminal", "answered"),
    ],
)
@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_a_parameter_given_twice_with_different_values_is_refused_not_cut_to_one(
    sandbox, name, first, second, encoding
):
    fields = {"From": AGENT, "To": customer("42"), "CallerId": sandbox.exophones[0]} | {name: first}
    pairs = [*fields.items(), (name, second)]
    body = {"data": pairs} if encoding == "urlencoded" else {"files": [(n, (None, v)) for n, v in pairs]}

    response = requests.post(f"{sandbox.api_url}/Calls/connect.json", auth=sandbox.auth, timeout=10, **body)

    assert response.status_code == 400
    assert rest_exception(response) == (
        400,
        f"Invalid Call Parameters: '{name}' was given more than once, with different values",
    )
    assert sandbox.calls() == []


def test_a_parameter_repeated_with_the_same_value_is_read_once(sandbox):
    pairs = [
        ("From", AGENT),
        ("To", customer("42")),
        ("To", customer("42")),
        ("CallerId", sandbox.exophones[0]),
    ]

    response = requests.post(
        f"{sandbox.api_url}/Calls/connect.json", auth=sandbox.auth, data=pairs, timeout=10
    )

    assert response.status_code == 200, response.text
    assert response.json()["Call"]["To"] == "09812345642"


def test_a_repeated_parameter_is_refused_only_after_authentication(sandbox):
    pairs = [("From", AGENT), ("From", "+919876543211")]

    response = requests.post(f"{sandbox.api_url}/Calls/connect.json", data=pairs, timeout=10)

    assert response.status_code == 401


def test_it_rejects_timelimit_over_four_hours_and_accepts_exactly_four(sandbox):
    assert connect(sandbox, TimeLimit="14401").status_code == 400
    assert connect(sandbox, TimeLimit="14400").status_code == 200


def test_it_explains_a_refusal_in_xml_when_xml_was_asked_for(sandbox):
    response = connect(sandbox, fmt="xml", From=None)

    error = xml(response).find("RestException")
    assert response.status_code == 400
    assert error.findtext("Status") == "400"
    assert error.findtext("Message") == "Invalid Call Parameters: No 'From' specified"


@pytest.mark.parametrize(
    "url",
    [
        "http://my.exotel.com/another_account/exoml/start_voice/926",
        "http://my.exotel.com/demo_sandbox/exoml/start_voice/",
        "https://example.com/flow/926",
    ],
)
def test_it_refuses_a_flow_url_of_the_wrong_shape(sandbox, url):
    response = connect(sandbox, To=None, Url=url)

    assert response.status_code == 400
    assert "Url must look like http://my.exotel.com/demo_sandbox/exoml/start_voice/<app_id>" in response.text


def test_it_accepts_the_legacy_flow_url(sandbox):
    assert connect(sandbox, To=None, Url="http://my.exotel.in/exoml/start/926").status_code == 200


def test_it_accepts_trans_calls_and_every_documented_option(sandbox):
    response = connect(
        sandbox,
        CallType="trans",
        TimeLimit="600",
        TimeOut="45",
        WaitUrl="https://example.com/wait.wav",
        Record="true",
        RecordingChannels="dual",
        RecordingFormat="mp3-hq",
        CustomField='{"order": 42}',
        StartPlaybackToNew="Both",
        StartPlaybackValueNew="https://example.com/hello.wav",
        StatusCallback="https://example.com/status",
        StatusCallbackContentType="application/json",
        **{"StatusCallbackEvents[0]": "terminal", "StatusCallbackEvents[1]": "answered"},
    )

    assert response.status_code == 200, response.text
    call = sandbox.calls()[0]
    assert call["custom_field"] == '{"order": 42}'
    assert call["callback"]["events"] == ["terminal", "answered"]
    assert call["params"]["RecordingFormat"] == "mp3-hq"


def test_it_does_not_read_a_json_body(sandbox):
    response = requests.post(
        f"{sandbox.api_url}/Calls/connect.json",
        auth=sandbox.auth,
        json={"From": AGENT, "To": customer("42"), "CallerId": sandbox.exophones[0]},
        timeout=10,
    )

    assert response.status_code == 400
    assert rest_exception(response)[1] == "Invalid Call Parameters: No 'From' specified"


def test_it_refuses_a_malformed_multipart_body(sandbox):
    response = requests.post(
        f"{sandbox.api_url}/Calls/connect.json",
        auth=sandbox.auth,
        data=b"--nope",
        headers={"Content-Type": "multipart/form-data"},
        timeout=10,
    )

    assert response.status_code == 400
    assert "multipart" in rest_exception(response)[1]
