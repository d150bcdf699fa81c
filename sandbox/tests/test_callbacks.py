"""StatusCallback delivery: legacy and extended events, both encodings, retries, duplicates, order, losses."""

import time

import pytest
import requests

from sandbox.tests.helpers import AGENT, connect, customer, place

LEGACY_FIELDS = {"CallSid", "Status", "RecordingUrl", "DateUpdated"}
EVENT_FIELDS = {
    "CallSid", "EventType", "DateCreated", "DateUpdated", "StartTime", "EndTime", "To", "From",
    "PhoneNumberSid", "Status", "Direction", "RecordingUrl", "ConversationDuration", "Legs",
}  # fmt: skip
BOTH_EVENTS = {"StatusCallbackEvents[0]": "answered", "StatusCallbackEvents[1]": "terminal"}


@pytest.fixture
def fast_sandbox(sandbox_factory):
    return sandbox_factory(speed=1000)


def test_without_events_it_posts_the_four_legacy_fields_as_multipart_once_the_call_ends(
    fast_sandbox, receiver
):
    sid = place(fast_sandbox, To=customer("10"), Record="true", StatusCallback=receiver.url)

    [received] = receiver.wait_for(1)

    assert received["content_type"].startswith("multipart/form-data; boundary=")
    assert set(received["fields"]) == LEGACY_FIELDS
    assert received["fields"]["CallSid"] == sid
    assert received["fields"]["Status"] == "completed"
    assert received["fields"]["RecordingUrl"].endswith(f"/{sid}.mp3")
    assert received["path"] == "/exotel/status"


def test_legacy_fields_come_as_json_when_asked(fast_sandbox, receiver):
    place(
        fast_sandbox,
        To=customer("85"),
        StatusCallback=receiver.url,
        StatusCallbackContentType="application/json",
    )

    [received] = receiver.wait_for(1)

    assert received["content_type"] == "application/json"
    assert received["fields"]["Status"] == "no-answer"
    assert received["fields"]["RecordingUrl"] is None


def test_with_both_events_it_posts_answered_per_leg_then_terminal_with_flat_leg_keys(fast_sandbox, receiver):
    sid = place(
        fast_sandbox, To=customer("10"), StatusCallback=receiver.url, CustomField="order-42", **BOTH_EVENTS
    )

    first, second, terminal = (item["fields"] for item in receiver.wait_for(3))

    assert [first["EventType"], second["EventType"], terminal["EventType"]] == [
        "answered",
        "answered",
        "terminal",
    ]
    assert first["Status"] == second["Status"] == "in-progress"
    assert (first["Legs[0][Status]"], first["Legs[1][Status]"]) == ("in-progress", "")
    assert (second["Legs[0][Status]"], second["Legs[1][Status]"]) == ("in-progress", "in-progress")
    assert "CustomField" not in first and "CustomField" not in second
    assert terminal["CustomField"] == "order-42"
    assert terminal["CallSid"] == sid
    assert terminal["Status"] == "completed"
    assert terminal["To"] == "09812345610" and terminal["From"] == "09876543210"
    assert terminal["PhoneNumberSid"] == "08030752400"
    assert terminal["Direction"] == "outbound-api"
    assert terminal["ConversationDuration"] == "40"
    assert (terminal["Legs[0][Status]"], terminal["Legs[1][Status]"]) == ("completed", "completed")
    assert (terminal["Legs[0][OnCallDuration]"], terminal["Legs[1][OnCallDuration]"]) == ("46", "40")
    flat_legs = {f"Legs[{leg}][{name}]" for leg in (0, 1) for name in ("Status", "OnCallDuration")}
    assert set(terminal) == (EVENT_FIELDS - {"Legs"}) | flat_legs | {"CustomField"}


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_a_repeated_list_key_subscribes_to_every_event_it_names(fast_sandbox, receiver, encoding):
    # StatusCallbackEvents[]=terminal&StatusCallbackEvents[]=answered, as HTTP clients send a list
    pairs = [
        ("From", AGENT),
        ("To", customer("10")),
        ("CallerId", fast_sandbox.exophones[0]),
        ("StatusCallback", receiver.url),
        ("StatusCallbackEvents[]", "terminal"),
        ("StatusCallbackEvents[]", "answered"),
    ]
    body = {"data": pairs} if encoding == "urlencoded" else {"files": [(n, (None, v)) for n, v in pairs]}

    response = requests.post(
        f"{fast_sandbox.api_url}/Calls/connect.json", auth=fast_sandbox.auth, timeout=10, **body
    )

    assert response.status_code == 200, response.text
    events = [item["fields"]["EventType"] for item in receiver.wait_for(3)]
    assert events == ["answered", "answered", "terminal"]
    assert fast_sandbox.requests()[0]["form"]["StatusCallbackEvents[]"] == ["terminal", "answered"]


def test_extended_events_come_as_json_with_a_legs_array(fast_sandbox, receiver):
    place(
        fast_sandbox,
        To=customer("75"),
        StatusCallback=receiver.url,
        StatusCallbackContentType="application/json",
        CustomField='{"ticket": 7}',
        **BOTH_EVENTS,
    )

    answered, terminal = (item["fields"] for item in receiver.wait_for(2))

    assert set(terminal) == EVENT_FIELDS | {"CustomField"}
    assert answered["Legs"] == [
        {"OnCallDuration": 0, "Status": "in-progress"},
        {"OnCallDuration": 0, "Status": None},
    ]
    assert terminal["Status"] == "busy"
    assert terminal["Legs"] == [
        {"OnCallDuration": 3, "Status": "completed"},
        {"OnCallDuration": 0, "Status": "busy"},
    ]
    assert terminal["ConversationDuration"] == 0
    assert terminal["CustomField"] == '{"ticket": 7}'
    assert terminal["EndTime"] is not None and answered["EndTime"] is None


def test_only_the_subscribed_events_are_sent(fast_sandbox, receiver):
    place(
        fast_sandbox,
        To=customer("10"),
        StatusCallback=receiver.url,
        **{"StatusCallbackEvents[0]": "terminal"},
    )
    place(
        fast_sandbox,
        To=customer("11"),
        StatusCallback=receiver.url,
        **{"StatusCallbackEvents[0]": "answered"},
    )

    receiver.wait_for(3)
    time.sleep(0.1)

    assert sorted(item["fields"]["EventType"] for item in receiver.received) == [
        "answered",
        "answered",
        "terminal",
    ]


def test_when_the_agent_does_not_answer_only_terminal_is_sent(fast_sandbox, receiver):
    place(fast_sandbox, To=customer("98"), StatusCallback=receiver.url, **BOTH_EVENTS)

    [terminal] = [item["fields"] for item in receiver.wait_for(1)]
    fast_sandbox.wait_for_callbacks(1)
    time.sleep(0.05)

    assert len(receiver.received) == 1
    assert terminal["EventType"] == "terminal"
    assert (terminal["Legs[0][Status]"], terminal["Legs[1][Status]"]) == ("no-answer", "")


def test_a_flow_call_sends_only_the_legacy_fields(fast_sandbox, receiver):
    url = f"http://my.exotel.com/{fast_sandbox.sid}/exoml/start_voice/926"
    place(fast_sandbox, From=customer("10"), To=None, Url=url, StatusCallback=receiver.url, **BOTH_EVENTS)

    [received] = receiver.wait_for(1)
    time.sleep(0.05)

    assert len(receiver.received) == 1
    assert set(received["fields"]) == LEGACY_FIELDS


def test_no_status_callback_means_no_delivery(fast_sandbox):
    sid = place(fast_sandbox, To=customer("10"))
    fast_sandbox.wait_for_status(sid)
    time.sleep(0.05)

    assert fast_sandbox.callbacks() == []


def test_it_retries_a_callback_that_got_a_non_2xx_answer_twice(fast_sandbox, receiver):
    receiver.replies.extend([500, 404])
    place(fast_sandbox, To=customer("10"), StatusCallback=receiver.url)

    receiver.wait_for(3)
    log = fast_sandbox.wait_for_callbacks(3)

    assert [(entry["attempt"], entry["response_status"], entry["outcome"]) for entry in log] == [
        (1, 500, "failed"),
        (2, 404, "failed"),
        (3, 200, "delivered"),
    ]
    first_wait, second_wait = log[1]["epoch"] - log[0]["epoch"], log[2]["epoch"] - log[1]["epoch"]
    assert 0.3 <= first_wait < 0.8  # 5 minutes at speed 1000
    assert 0.9 <= second_wait < 1.4  # then 15 minutes


def test_it_gives_up_after_two_retries(sandbox_factory, receiver):
    sandbox = sandbox_factory(speed=3000)
    receiver.replies.extend([503, 503, 503, 503])
    place(sandbox, To=customer("10"), StatusCallback=receiver.url)

    sandbox.wait_for_callbacks(3)
    time.sleep(0.5)

    assert [entry["outcome"] for entry in sandbox.callbacks()] == ["failed", "failed", "failed"]
    assert len(receiver.received) == 3


def test_it_retries_a_callback_that_got_no_answer_in_time(sandbox_factory, receiver):
    sandbox = sandbox_factory(speed=3000, callback_timeout=0.5)
    receiver.delays.append(2.0)
    place(sandbox, To=customer("10"), StatusCallback=receiver.url)

    first, second = sandbox.wait_for_callbacks(2)

    assert first["outcome"] == "failed"
    assert first["response_status"] is None
    assert "Timeout" in first["error"]
    assert (second["attempt"], second["outcome"]) == (2, "delivered")


def test_it_records_a_receiver_that_cannot_be_reached(sandbox_factory):
    sandbox = sandbox_factory(speed=3000)
    place(sandbox, To=customer("10"), StatusCallback="http://127.0.0.1:9/unreachable")

    entries = sandbox.wait_for_callbacks(3)

    assert [entry["attempt"] for entry in entries] == [1, 2, 3]
    assert all("ConnectionError" in entry["error"] for entry in entries)


def test_it_can_deliver_every_callback_twice(sandbox_factory, receiver):
    sandbox = sandbox_factory(speed=1000, duplicate_callbacks=1.0)
    sid = place(sandbox, To=customer("10"), StatusCallback=receiver.url)

    first, second = receiver.wait_for(2)

    assert first["fields"] == second["fields"]
    assert first["fields"]["CallSid"] == sid
    assert [entry["duplicate"] for entry in sandbox.wait_for_callbacks(2)] == [False, True]


def test_it_can_hold_answered_events_until_after_terminal(sandbox_factory, receiver):
    sandbox = sandbox_factory(speed=1000, reorder_callbacks=True)
    place(sandbox, To=customer("10"), StatusCallback=receiver.url, **BOTH_EVENTS)

    received = receiver.wait_for(3)

    assert [item["fields"]["EventType"] for item in received] == ["terminal", "answered", "answered"]


def test_every_callback_of_a_call_to_99_is_lost(fast_sandbox, receiver):
    sid = place(fast_sandbox, To=customer("99"), StatusCallback=receiver.url, **BOTH_EVENTS)

    entries = fast_sandbox.wait_for_callbacks(3)
    time.sleep(0.05)

    assert receiver.received == []
    assert [(entry["event_type"], entry["outcome"]) for entry in entries] == [
        ("answered", "lost"),
        ("answered", "lost"),
        ("terminal", "lost"),
    ]
    assert fast_sandbox.call(sid)["status"] == "completed"


def test_the_callback_log_shows_what_was_sent_and_how_it_went(fast_sandbox, receiver):
    sid = place(fast_sandbox, To=customer("10"), StatusCallback=receiver.url)

    [entry] = fast_sandbox.wait_for_callbacks(1)

    assert entry["call_sid"] == sid
    assert entry["url"] == receiver.url
    assert entry["event_type"] == "legacy"
    assert entry["content_type"].startswith("multipart/form-data")
    assert 'name="CallSid"' in entry["body"]
    assert (entry["attempt"], entry["response_status"], entry["error"]) == (1, 200, None)
    assert entry["time"]


def test_a_slow_receiver_never_slows_the_api_down(sandbox_factory, receiver):
    sandbox = sandbox_factory(speed=1000, callback_timeout=2)
    receiver.delays.extend([1.0] * 5)
    started = time.monotonic()

    for digits in ("10", "11", "12", "13", "14"):
        assert connect(sandbox, To=customer(digits), StatusCallback=receiver.url).status_code == 200
        time.sleep(0.06)

    # Had the deliveries been waited for, each connect would have taken a second.
    assert time.monotonic() - started < 2.5
    receiver.wait_for(5)
