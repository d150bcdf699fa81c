"""ExotelClient against the local Exotel imitation (sandbox/): the whole round trip over HTTP.

The customer number's last two digits pick what the sandbox does (see sandbox/scenarios.py). The fixtures come
from sandbox/fixtures.py, a plugin registered in the root conftest.py.
"""

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from calls.placing.dialing import dial
from calls.tests.factories import make_call
from exotel.client import (
    ExotelClient,
    ExotelCouldNotOriginate,
    ExotelOutcomeUnknown,
    ExotelRateLimited,
    ExotelRejected,
)
from exotel.values import parse_time

AGENT = "+919876543210"
FAST = 1000  # simulated seconds per real second


def customer(digits):
    return f"+9198123456{digits}"


def client_for(handle, **options):
    return ExotelClient(handle.url, handle.sid, handle.api_key, handle.api_token, **options)


def wait_until_settled(client, sid, timeout=10.0):
    """Poll call details like the reconcile task does, until Exotel has filled in Duration."""
    deadline = time.monotonic() + timeout
    while True:
        call = client.call_details(sid)
        if call.duration is not None:
            return call
        if time.monotonic() > deadline:
            raise TimeoutError(f"call {sid} still {call.status} after {timeout} s")
        time.sleep(0.05)


@pytest.fixture
def fast_sandbox(sandbox_factory):
    return sandbox_factory(speed=FAST)


def test_a_click_to_call_ends_completed_with_its_legs_in_call_details(fast_sandbox):
    client = client_for(fast_sandbox)
    placed = client.connect(
        from_number=AGENT, to=customer("42"), caller_id=fast_sandbox.exophones[0], time_limit=600
    )
    assert placed.status == "in-progress"
    assert (placed.from_number, placed.to_number) == (AGENT, customer("42"))
    assert placed.phone_number == fast_sandbox.exophones[0]
    assert placed.date_created.tzinfo is UTC
    assert abs(placed.date_created - datetime.now(UTC)) < timedelta(minutes=1)

    call = wait_until_settled(client, placed.sid)
    assert call.status == "completed"
    assert call.conversation_duration == 10 + 3 * 42
    assert (call.leg1_status, call.leg2_status) == ("completed", "completed")
    assert call.leg2_on_call_duration == call.conversation_duration
    assert call.leg1_on_call_duration >= call.leg2_on_call_duration
    assert call.duration >= call.conversation_duration
    assert isinstance(call.price, Decimal) and call.price > 0
    assert call.end_time > call.start_time


def test_a_busy_customer_ends_busy(fast_sandbox):
    client = client_for(fast_sandbox)
    placed = client.connect(from_number=AGENT, to=customer("75"), caller_id=fast_sandbox.exophones[0])
    call = wait_until_settled(client, placed.sid)
    assert (call.status, call.leg2_status) == ("busy", "busy")


def test_a_flow_call_is_placed_with_its_url(fast_sandbox):
    client = client_for(fast_sandbox)
    flow = f"http://my.exotel.com/{fast_sandbox.sid}/exoml/start_voice/245871"
    placed = client.connect(from_number=customer("42"), caller_id=fast_sandbox.exophones[0], flow_url=flow)
    assert placed.sid
    assert fast_sandbox.requests()[0]["form"]["Url"] == flow


def test_it_sends_the_status_callback_events_the_sandbox_understands(fast_sandbox):
    client = client_for(fast_sandbox)
    placed = client.connect(
        from_number=AGENT,
        to=customer("42"),
        caller_id=fast_sandbox.exophones[0],
        record=True,
        status_callback="http://127.0.0.1:9/exotel/status",
        status_callback_events=["terminal", "answered"],
        status_callback_content_type="application/json",
    )
    params = fast_sandbox.call(placed.sid)["params"]
    assert params["StatusCallbackEvents[0]"] == "terminal"
    assert params["StatusCallbackEvents[1]"] == "answered"
    assert params["Record"] == "true"


@pytest.mark.django_db
def test_a_dial_asks_for_the_terminal_event_first_as_exotels_own_example_does(sandbox, exophone, settings):
    # Should Exotel read only the first event, the one it must not miss is the end of the call.
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:9"
    call = make_call(sid=None, status="pending", exophone=exophone, to_number=customer("42"))

    dial(call.pk, client=client_for(sandbox))

    [request] = sandbox.requests()
    assert request["path"].endswith("/Calls/connect.json")
    assert request["form"]["StatusCallbackEvents[0]"] == "terminal"
    assert request["form"]["StatusCallbackEvents[1]"] == "answered"
    assert sandbox.call(sandbox.calls()[0]["sid"])["callback"]["events"] == ["terminal", "answered"]


def test_number_info_shows_a_dnd_number_and_connect_refuses_to_call_it(fast_sandbox):
    client = client_for(fast_sandbox)
    info = client.number_info(customer("95"))
    assert info.dnd is True
    assert info.number == customer("95")
    assert info.circle and info.operator_name and info.number_type == "Mobile"
    assert client.number_info(customer("42")).dnd is False

    with pytest.raises(ExotelRejected) as caught:
        client.connect(from_number=AGENT, to=customer("95"), caller_id=fast_sandbox.exophones[0])
    assert caught.value.http_status == 403
    assert "TRAI NDNC" in str(caught.value)


def test_a_call_exotel_could_not_originate_is_tried_once(fast_sandbox):
    client = client_for(fast_sandbox)
    with pytest.raises(ExotelCouldNotOriginate):
        client.connect(from_number=AGENT, to=customer("96"), caller_id=fast_sandbox.exophones[0])
    assert len(fast_sandbox.requests()) == 1


def test_a_slow_connect_has_an_unknown_outcome_and_is_not_repeated(sandbox_factory):
    slow = sandbox_factory(speed=FAST, slow_connect_delay=1.0)
    client = client_for(slow, read_timeout=0.3)
    with pytest.raises(ExotelOutcomeUnknown):
        client.connect(from_number=AGENT, to=customer("97"), caller_id=slow.exophones[0])
    slow.wait_for(slow.requests)  # the sandbox logs a request once it has answered it
    time.sleep(0.2)
    assert len(slow.requests()) == 1
    [call] = slow.calls()
    assert call["to"] == customer("97")


def test_a_wrong_token_is_refused_with_401_and_the_token_is_not_repeated(fast_sandbox):
    client = ExotelClient(fast_sandbox.url, fast_sandbox.sid, fast_sandbox.api_key, "wrong-token-5150")
    with pytest.raises(ExotelRejected) as caught:
        client.call_details("0" * 32)
    assert caught.value.http_status == 401
    assert "Authentication failed" in str(caught.value)
    assert "wrong-token-5150" not in str(caught.value)


def test_past_the_rate_limit_it_waits_then_gives_up(sandbox_factory):
    limited = sandbox_factory(rate_limit=3, speed=FAST)
    sleeps = []
    client = client_for(limited, sleep=sleeps.append)
    for _ in range(3):
        client.number_info(customer("42"))
    with pytest.raises(ExotelRateLimited) as caught:
        client.number_info(customer("42"))
    assert 0 < caught.value.retry_after <= 60
    assert len(sleeps) == ExotelClient.rate_limit_retries
    assert all(0 < seconds <= 60 for seconds in sleeps)


def test_bulk_pages_through_the_history_once_each(sandbox_factory):
    history = sandbox_factory(history=300, speed=FAST)
    client = client_for(history)
    date_to = datetime.now(UTC)
    date_from = date_to - timedelta(days=30)

    pages = list(client.bulk_calls(date_from=date_from, date_to=date_to, page_size=10))

    sids = [call.sid for page in pages for call in page.calls]
    expected = {
        call["sid"]
        for call in history.calls()
        if call["over"] and date_from <= _created(call, client) <= date_to
    }
    assert len(pages) > 2
    assert len(sids) == len(set(sids))
    assert set(sids) == expected
    assert pages[-1].next_page_uri is None
    assert all(call.date_created and call.status for page in pages for call in page.calls)

    resumed = list(client.bulk_calls(start_uri=pages[0].next_page_uri))
    assert [call.sid for page in resumed for call in page.calls] == sids[len(pages[0].calls) :]


def test_bulk_filters_by_direction_and_finds_an_inbound_call(fast_sandbox):
    fast_sandbox.inject_call(Direction="inbound", From=customer("42"), Status="completed", Duration="45")
    client = client_for(fast_sandbox)
    [page] = client.bulk_calls(directions=["inbound"], from_numbers=[customer("42")])
    [call] = page.calls
    assert call.direction == "inbound"
    assert (call.from_number, call.to_number) == (customer("42"), fast_sandbox.exophones[0])
    assert call.duration == 45


def _created(call, client):
    return parse_time(call["resource"]["DateCreated"], client.timezone)
