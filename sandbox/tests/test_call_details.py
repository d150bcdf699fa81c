"""GET Calls/<Sid>: the current state of a call, leg details, and the late arrival of Duration and Price."""

import time
from datetime import datetime

import pytest

from sandbox.tests.helpers import customer, get, place, rest_exception, xml


def test_it_shows_a_call_that_has_just_been_placed_as_queued(sandbox_factory):
    sandbox = sandbox_factory(speed=0.1)
    sid = place(sandbox)

    call = get(sandbox, f"Calls/{sid}.json").json()["Call"]

    assert call["Status"] == "queued"
    assert call["Sid"] == sid


def test_it_walks_a_call_through_ringing_and_in_progress_to_completed(sandbox_factory):
    sandbox = sandbox_factory(speed=10)
    sid = place(sandbox, To=customer("00"))

    seen = []
    while not seen or seen[-1] != "completed":
        status = get(sandbox, f"Calls/{sid}.json").json()["Call"]["Status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        time.sleep(0.01)

    # Ringing lasts 0.4 s here and in-progress 1.6 s; queued only 0.1 s, so a poll may miss it.
    assert seen[-3:] == ["ringing", "in-progress", "completed"]
    assert seen[0] in ("queued", "ringing")


def test_it_fills_duration_price_and_endtime_only_after_the_price_delay(sandbox_factory):
    sandbox = sandbox_factory(speed=100, price_delay=200)
    sid = place(sandbox, To=customer("00"))
    sandbox.wait_for_status(sid, "completed")

    ended = get(sandbox, f"Calls/{sid}.json").json()["Call"]
    sandbox.wait_for_settled(sid)
    settled = get(sandbox, f"Calls/{sid}.json").json()["Call"]

    assert ended["Status"] == "completed"
    assert (ended["Duration"], ended["Price"], ended["EndTime"]) == (None, None, None)
    assert settled["Duration"] == "21"
    assert settled["Price"] == "1.000"
    start, end = (datetime.fromisoformat(settled[name]) for name in ("StartTime", "EndTime"))
    assert (end - start).total_seconds() == 21
    assert settled["DateUpdated"] == settled["EndTime"]


def test_it_adds_leg_details_when_asked(sandbox_factory):
    sandbox = sandbox_factory(speed=1000, price_delay=0)
    sid = place(sandbox, To=customer("42"))
    sandbox.wait_for_status(sid, "completed")

    call = get(sandbox, f"Calls/{sid}.json", details="true").json()["Call"]

    assert call["Details"] == {
        "ConversationDuration": 136,
        "Leg1Status": "completed",
        "Leg2Status": "completed",
        "Legs": [{"Leg": {"Id": 1, "OnCallDuration": 142}}, {"Leg": {"Id": 2, "OnCallDuration": 136}}],
    }
    assert call["Duration"] == "147"
    assert call["Price"] == "3.000"


def test_it_leaves_details_out_unless_asked(sandbox):
    sid = place(sandbox)

    assert "Details" not in get(sandbox, f"Calls/{sid}.json").json()["Call"]
    assert "Details" not in get(sandbox, f"Calls/{sid}.json", details="false").json()["Call"]


def test_it_shows_leg_details_in_xml(sandbox_factory):
    sandbox = sandbox_factory(speed=1000)
    sid = place(sandbox, To=customer("75"))
    sandbox.wait_for_status(sid, "busy")

    call = xml(get(sandbox, f"Calls/{sid}", details="true")).find("Call")

    assert call.findtext("Status") == "busy"
    assert call.findtext("Details/Leg1Status") == "completed"
    assert call.findtext("Details/Leg2Status") == "busy"
    assert call.findtext("Details/ConversationDuration") == "0"
    assert [leg.findtext("Id") for leg in call.findall("Details/Legs/Leg")] == ["1", "2"]


def test_it_caps_the_conversation_at_the_time_limit(sandbox_factory):
    sandbox = sandbox_factory(speed=1000)
    sid = place(sandbox, To=customer("42"), TimeLimit="20")
    sandbox.wait_for_status(sid, "completed")

    details = get(sandbox, f"Calls/{sid}.json", details="true").json()["Call"]["Details"]

    assert details["ConversationDuration"] == 20


def test_it_answers_404_for_an_unknown_call(sandbox):
    response = get(sandbox, "Calls/0123456789abcdef0123456789abcdef.json")

    assert response.status_code == 404
    assert rest_exception(response) == (404, "Call 0123456789abcdef0123456789abcdef was not found")


def test_it_answers_404_in_xml_for_an_unknown_call(sandbox):
    response = get(sandbox, "Calls/0123456789abcdef0123456789abcdef")

    assert response.status_code == 404
    assert xml(response).findtext("RestException/Status") == "404"


@pytest.mark.parametrize("validity", ["4", "61", "ten", ""])
def test_it_refuses_a_recording_url_validity_outside_5_to_60_minutes(sandbox, validity):
    sid = place(sandbox)

    response = get(sandbox, f"Calls/{sid}.json", RecordingUrlValidity=validity)

    assert response.status_code == 400
    assert "RecordingUrlValidity" in rest_exception(response)[1]


def test_it_gives_a_recording_url_and_a_presigned_one_for_recorded_calls(sandbox_factory):
    sandbox = sandbox_factory(speed=1000)
    sid = place(sandbox, To=customer("10"), Record="true")
    sandbox.wait_for_status(sid, "completed")

    call = get(sandbox, f"Calls/{sid}.json", RecordingUrlValidity="30").json()["Call"]

    assert call["RecordingUrl"] == f"{sandbox.url}/exotelrecordings/{sandbox.sid}/{sid}.mp3"
    assert call["PreSignedRecordingUrl"].startswith(call["RecordingUrl"] + "?Expires=")


def test_it_has_no_recording_when_nobody_talked(sandbox_factory):
    sandbox = sandbox_factory(speed=1000)
    sid = place(sandbox, To=customer("85"), Record="true")
    sandbox.wait_for_status(sid, "no-answer")

    call = get(sandbox, f"Calls/{sid}.json", RecordingUrlValidity="5").json()["Call"]

    assert call["RecordingUrl"] is None
    assert call["PreSignedRecordingUrl"] is None


def test_it_shows_the_exophone_as_to_for_a_flow_call(sandbox_factory):
    sandbox = sandbox_factory(speed=1000)
    url = f"http://my.exotel.com/{sandbox.sid}/exoml/start_voice/926"
    sid = place(sandbox, From=customer("20"), To=None, Url=url)
    sandbox.wait_for_status(sid, "completed")

    call = get(sandbox, f"Calls/{sid}.json", details="true").json()["Call"]

    assert call["To"] == call["PhoneNumberSid"] == "08030752400"
    assert call["From"] == "09812345620"
    assert call["Details"]["Leg1Status"] == "completed"
    assert call["Details"]["Leg2Status"] is None
    assert call["Details"]["ConversationDuration"] == 70
