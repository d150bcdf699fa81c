"""ExotelClient against a scripted Exotel on a real local socket.

`FakeExotel` answers each request with the next scripted `Reply` and remembers what it was sent.
"""

import base64
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from exotel.client import (
    ExotelClient,
    ExotelCouldNotOriginate,
    ExotelOutcomeUnknown,
    ExotelRateLimited,
    ExotelRejected,
    ExotelServerError,
    ExotelUnreachable,
)

SID = "acme1"
KEY = "key-4f8a1c"
TOKEN = "token-93be27d0"
CALL_SID = "b6cfaf5b4bb1c1e2b2f5e0f9d5d3196c"
AGENT, CUSTOMER, EXOPHONE = "+919845012301", "+919876543210", "+918030752400"


@dataclass
class Reply:
    status: int = 200
    body: object = field(default_factory=dict)  # a dict is sent as JSON, a str as it is
    content_type: str = "application/json"
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    hang_up: bool = False  # read the request, then close the socket without answering


@dataclass
class Seen:
    method: str
    path: str
    query: dict
    form: dict
    headers: dict


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        exotel = self.server.exotel
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        url = urlsplit(self.path)
        exotel.seen.append(
            Seen(
                self.command,
                url.path,
                dict(parse_qsl(url.query, keep_blank_values=True)),
                dict(parse_qsl(body, keep_blank_values=True)),
                dict(self.headers),
            )
        )
        reply = exotel.replies.popleft() if exotel.replies else Reply(418, rest_exception("Nothing scripted"))
        time.sleep(reply.delay)
        if reply.hang_up:
            return
        payload = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload.encode())
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting, as the timeout tests intend

    do_POST = do_GET

    def log_message(self, *args):
        pass


class FakeExotel:
    def __init__(self):
        self.replies = deque()
        self.seen: list[Seen] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.exotel = self
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def will(self, *replies):
        self.replies.extend(replies)

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def rest_exception(message, status=400):
    return {"RestException": {"Status": status, "Message": message}}


def answered(delay=0.0, **fields):
    return Reply(body={"Call": call_json(**fields)}, delay=delay)


def refused(status, message, **options):
    return Reply(status, rest_exception(message, status), **options)


def call_json(sid=CALL_SID, **fields):
    """A call as Exotel's JSON shows it: numbers 0-prefixed, times zone-less IST, blanks as null."""
    call = {
        "Sid": sid,
        "ParentCallSid": None,
        "DateCreated": "2024-05-01 10:00:00",
        "DateUpdated": "2024-05-01 10:00:05",
        "AccountSid": SID,
        "To": "09876543210",
        "From": "09845012301",
        "PhoneNumberSid": "08030752400",
        "Status": "in-progress",
        "StartTime": "2024-05-01 10:00:00",
        "EndTime": None,
        "Duration": None,
        "Price": None,
        "Direction": "outbound-api",
        "AnsweredBy": None,
        "RecordingUrl": None,
        "Uri": f"/v1/Accounts/{SID}/Calls/{sid}.json",
    }
    return call | fields


@pytest.fixture
def exotel():
    with FakeExotel() as fake:
        yield fake


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(exotel, sleeps):
    return ExotelClient(exotel.url, SID, KEY, TOKEN, connect_timeout=2, read_timeout=2, sleep=sleeps.append)


def click_to_call(client, **options):
    return client.connect(from_number=AGENT, to=CUSTOMER, caller_id=EXOPHONE, **options)


# What we send


def test_it_sends_a_click_to_call_as_exotel_documents_it(client, exotel):
    exotel.will(answered())
    click_to_call(
        client,
        time_limit=600,
        time_out=30,
        record=True,
        custom_field="ticket-42",
        status_callback="https://calls.example.in/exotel/callback/abc/",
        status_callback_events=["terminal", "answered"],
        status_callback_content_type="application/json",
    )
    [request] = exotel.seen
    assert request.method == "POST"
    assert request.path == f"/v1/Accounts/{SID}/Calls/connect.json"
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(f"{KEY}:{TOKEN}".encode()).decode()
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.form == {
        "From": AGENT,
        "To": CUSTOMER,
        "CallerId": EXOPHONE,
        "TimeLimit": "600",
        "TimeOut": "30",
        "Record": "true",
        "CustomField": "ticket-42",
        "StatusCallback": "https://calls.example.in/exotel/callback/abc/",
        "StatusCallbackEvents[0]": "terminal",
        "StatusCallbackEvents[1]": "answered",
        "StatusCallbackContentType": "application/json",
    }


def test_it_sends_booleans_as_words_and_omits_what_was_not_set(client, exotel):
    exotel.will(answered())
    click_to_call(client, record=False)
    assert exotel.seen[0].form == {"From": AGENT, "To": CUSTOMER, "CallerId": EXOPHONE, "Record": "false"}


def test_it_connects_a_number_to_a_flow_with_url_and_no_to(client, exotel):
    exotel.will(answered(To=None))
    flow = f"http://my.exotel.com/{SID}/exoml/start_voice/245871"
    call = client.connect(from_number="09845012301", caller_id="08030752400", flow_url=flow)
    assert exotel.seen[0].form == {"From": AGENT, "CallerId": EXOPHONE, "Url": flow}
    assert call.to_number == ""


@pytest.mark.parametrize("targets", [{}, {"to": CUSTOMER, "flow_url": "http://my.exotel.com/x"}])
def test_it_needs_exactly_one_of_to_and_flow_url(client, exotel, targets):
    with pytest.raises(ValueError):
        client.connect(from_number=AGENT, caller_id=EXOPHONE, **targets)
    assert exotel.seen == []


def test_it_puts_a_timeout_and_the_throttle_on_every_request(exotel):
    timeouts, slots = [], []

    class RecordingSession(requests.Session):
        def request(self, *args, **kwargs):
            timeouts.append(kwargs.get("timeout"))
            return super().request(*args, **kwargs)

    options = {"throttle": lambda: slots.append(1), "session": RecordingSession(), "sleep": lambda s: None}
    client = ExotelClient(exotel.url, SID, KEY, TOKEN, connect_timeout=3, read_timeout=7, **options)
    exotel.will(Reply(429, headers={"Retry-After": "1"}), answered(), Reply(500), answered())
    click_to_call(client)
    client.call_details(CALL_SID)
    assert timeouts == [(3, 7)] * 4
    assert len(slots) == 4


# What we read


def test_it_reads_a_connect_answer_with_strings_nulls_and_zero_prefixed_numbers(client, exotel):
    exotel.will(answered(Price="null", EndTime="", RecordingUrl="null", CustomField=None))
    call = click_to_call(client)
    assert call.sid == CALL_SID
    assert call.status == "in-progress"
    assert call.direction == "outbound-api"
    assert (call.from_number, call.to_number, call.phone_number) == (AGENT, CUSTOMER, EXOPHONE)
    assert call.date_created == datetime(2024, 5, 1, 4, 30, tzinfo=UTC)
    assert call.date_updated == datetime(2024, 5, 1, 4, 30, 5, tzinfo=UTC)
    assert call.end_time is None
    assert call.duration is None
    assert call.price is None
    assert call.recording_url == ""
    assert call.custom_field == ""
    assert call.conversation_duration is None
    assert (call.leg1_status, call.leg2_status) == ("", "")
    assert call.raw["Uri"] == f"/v1/Accounts/{SID}/Calls/{CALL_SID}.json"


def test_it_keeps_a_number_it_cannot_parse_as_exotel_gave_it(client, exotel):
    exotel.will(answered(From="anonymous", PhoneNumberSid="PN123"))
    call = click_to_call(client)
    assert (call.from_number, call.phone_number) == ("anonymous", "PN123")


def test_it_reads_call_details_with_the_legs(client, exotel):
    details = {
        "ConversationDuration": 8,
        "Leg1Status": "completed",
        "Leg2Status": "completed",
        "Legs": [{"Leg": {"Id": 1, "OnCallDuration": 21}}, {"Leg": {"Id": 2, "OnCallDuration": "8"}}],
    }
    recording = "https://recordings.exotel.com/acme1/b6cf.mp3"
    exotel.will(
        answered(
            Status="completed",
            EndTime="2024-05-01 10:00:21",
            Duration="21",
            Price="1.500",
            RecordingUrl=recording,
            CustomField="ticket-42",
            Details=details,
        )
    )
    call = client.call_details(CALL_SID)
    [request] = exotel.seen
    assert (request.method, request.path) == ("GET", f"/v1/Accounts/{SID}/Calls/{CALL_SID}.json")
    assert request.query == {"details": "true"}
    assert call.status == "completed"
    assert call.end_time == datetime(2024, 5, 1, 4, 30, 21, tzinfo=UTC)
    assert call.duration == 21
    assert call.price == Decimal("1.500")
    assert call.recording_url == recording
    assert call.custom_field == "ticket-42"
    assert call.conversation_duration == 8
    assert (call.leg1_status, call.leg2_status) == ("completed", "completed")
    assert (call.leg1_on_call_duration, call.leg2_on_call_duration) == (21, 8)


def test_it_reads_number_information_with_dnd(client, exotel):
    info = {
        "PhoneNumber": "09876543210",
        "Circle": "KA",
        "CircleName": "Karnataka Telecom Circle",
        "Type": "Mobile",
        "Operator": "A",
        "OperatorName": "Airtel",
        "DND": "Yes",
    }
    exotel.will(Reply(body={"Numbers": info}), Reply(body={"Numbers": info | {"DND": "No"}}))
    number = client.number_info("+91 98765 43210")
    assert exotel.seen[0].path == f"/v1/Accounts/{SID}/Numbers/09876543210.json"
    assert (number.number, number.circle, number.number_type) == (CUSTOMER, "KA", "Mobile")
    assert (number.operator, number.operator_name, number.dnd) == ("A", "Airtel", True)
    assert client.number_info("09876543210").dnd is False


# Bulk


def bulk_page(*sids, next_uri=None):
    return Reply(
        body={"Metadata": {"PageSize": 2, "NextPageUri": next_uri}, "Calls": [call_json(s) for s in sids]}
    )


def test_it_pages_through_bulk_calls_by_next_page_uri(client, exotel):
    exotel.will(
        bulk_page("a1", "a2", next_uri=f"/v1/Accounts/{SID}/Calls.json?PageSize=2&After=a2"),
        bulk_page("a3", "a4", next_uri=f"/v1/Accounts/{SID}/Calls.json?PageSize=2&After=a4"),
        bulk_page("a5"),
    )
    pages = list(
        client.bulk_calls(
            date_from=datetime(2024, 5, 1, 4, 30, tzinfo=UTC),
            date_to=datetime(2024, 5, 2, 4, 29, 59, tzinfo=UTC),
            statuses=["completed", "busy"],
            from_numbers=["09845012301"],  # as Exotel writes numbers; sent as E.164
            page_size=2,
        )
    )
    assert [[call.sid for call in page.calls] for page in pages] == [["a1", "a2"], ["a3", "a4"], ["a5"]]
    assert pages[0].next_page_uri == f"/v1/Accounts/{SID}/Calls.json?PageSize=2&After=a2"
    assert pages[-1].next_page_uri is None
    first, second, third = exotel.seen
    assert first.path == f"/v1/Accounts/{SID}/Calls.json"
    assert first.query == {
        "DateCreated": "gte:2024-05-01 10:00:00;lte:2024-05-02 09:59:59",
        "Status": "completed,busy",
        "From": AGENT,
        "PageSize": "2",
    }
    assert (second.path, second.query) == (f"/v1/Accounts/{SID}/Calls.json", {"PageSize": "2", "After": "a2"})
    assert third.query == {"PageSize": "2", "After": "a4"}


def test_it_resumes_bulk_calls_from_a_stored_uri(client, exotel):
    exotel.will(bulk_page("a3"))
    [page] = client.bulk_calls(start_uri=f"/v1/Accounts/{SID}/Calls.json?PageSize=2&After=a2")
    assert page.calls[0].sid == "a3"
    assert exotel.seen[0].query == {"PageSize": "2", "After": "a2"}


def test_it_never_follows_a_next_page_to_another_host(client, exotel):
    exotel.will(bulk_page("a1", next_uri="https://elsewhere.example/v1/Accounts/acme1/Calls.json?After=a1"))
    pages = client.bulk_calls()
    assert next(pages).calls[0].sid == "a1"
    with pytest.raises(ExotelServerError):
        next(pages)
    assert len(exotel.seen) == 1


def test_bulk_calls_refuses_a_naive_date_before_asking_exotel(client, exotel):
    with pytest.raises(ValueError):
        client.bulk_calls(date_from=datetime(2024, 5, 1))
    assert exotel.seen == []


# Errors and retries


def test_it_carries_exotels_json_message_when_exotel_refuses(client, exotel):
    message = "Call to 09876543210 cannot be made because of TRAI NDNC regulations"
    exotel.will(refused(403, message))
    with pytest.raises(ExotelRejected) as caught:
        click_to_call(client)
    assert (str(caught.value), caught.value.http_status) == (message, 403)
    assert len(exotel.seen) == 1


def test_it_carries_exotels_xml_message_when_exotel_refuses(client, exotel):
    xml = (
        "<TwilioResponse><RestException><Status>400</Status>"
        "<Message>Invalid Call Parameters: No 'From' specified</Message></RestException></TwilioResponse>"
    )
    exotel.will(Reply(400, xml, content_type="application/xml"))
    with pytest.raises(ExotelRejected) as caught:
        click_to_call(client)
    assert str(caught.value) == "Invalid Call Parameters: No 'From' specified"


def test_it_does_not_retry_a_refused_read(client, exotel):
    exotel.will(refused(404, "Call not found"))
    with pytest.raises(ExotelRejected):
        client.call_details(CALL_SID)
    assert len(exotel.seen) == 1


def test_it_waits_as_told_when_rate_limited_then_carries_on(client, exotel, sleeps):
    exotel.will(refused(429, "Too many", headers={"Retry-After": "7"}), answered())
    assert click_to_call(client).sid == CALL_SID
    assert sleeps == [7.0]
    assert len(exotel.seen) == 2


def test_it_caps_a_long_retry_after(client, exotel, sleeps):
    exotel.will(Reply(429, headers={"Retry-After": "3600"}), answered())
    client.call_details(CALL_SID)
    assert sleeps == [60.0]


def test_it_gives_up_when_rate_limited_again_and_again(client, exotel, sleeps):
    exotel.will(*[refused(429, "Too many", headers={"Retry-After": "5"})] * 4)
    with pytest.raises(ExotelRateLimited) as caught:
        click_to_call(client)
    assert caught.value.retry_after == 5.0
    assert caught.value.http_status == 429
    assert sleeps == [5.0, 5.0, 5.0]
    assert len(exotel.seen) == 4


def test_it_retries_a_read_after_a_server_error(client, exotel, sleeps):
    exotel.will(refused(500, "Internal error"), answered())
    assert client.call_details(CALL_SID).sid == CALL_SID
    assert len(exotel.seen) == 2
    assert sleeps == [1.0]


def test_it_gives_up_on_a_read_after_a_few_server_errors_without_showing_the_page(client, exotel, sleeps):
    page = "<html><body><h1>503 Service Unavailable</h1></body></html>"
    exotel.will(*[Reply(503, page, content_type="text/html")] * 3)
    with pytest.raises(ExotelServerError) as caught:
        client.call_details(CALL_SID)
    assert caught.value.http_status == 503
    assert "<" not in str(caught.value)
    assert len(exotel.seen) == 3
    assert sleeps == [1.0, 2.0]


@pytest.mark.parametrize("status", [500, 504])
def test_it_never_retries_a_connect_that_exotel_could_not_originate(client, exotel, sleeps, status):
    exotel.will(refused(status, "Could not originate"), answered())
    with pytest.raises(ExotelCouldNotOriginate) as caught:
        click_to_call(client)
    assert caught.value.http_status == status
    assert len(exotel.seen) == 1
    assert sleeps == []


def test_it_never_retries_a_connect_whose_outcome_is_unknown(exotel, sleeps):
    client = ExotelClient(exotel.url, SID, KEY, TOKEN, read_timeout=0.3, sleep=sleeps.append)
    exotel.will(answered(delay=1.0), answered())
    with pytest.raises(ExotelOutcomeUnknown):
        click_to_call(client)
    time.sleep(1.0)
    assert len(exotel.seen) == 1
    assert sleeps == []


@pytest.mark.parametrize("status", [502, 503])
def test_a_connect_answered_by_a_proxy_error_page_has_an_unknown_outcome(client, exotel, status):
    page = f"<!DOCTYPE html><html><body><h1>{status} Bad Gateway</h1><p>nginx</p></body></html>"
    exotel.will(Reply(status, page, content_type="text/html"))
    with pytest.raises(ExotelOutcomeUnknown) as caught:
        click_to_call(client)
    assert caught.value.http_status == status
    assert "<" not in str(caught.value)
    assert len(exotel.seen) == 1


@pytest.mark.parametrize(
    "reply",
    [
        Reply(body="<html>OK</html>", content_type="text/html"),
        Reply(body={"Call": {"Sid": None}}),
        Reply(body=["not", "an", "object"]),
    ],
)
def test_a_connect_answered_with_a_body_we_cannot_read_has_an_unknown_outcome(client, exotel, reply):
    exotel.will(reply)
    with pytest.raises(ExotelOutcomeUnknown):
        click_to_call(client)
    assert len(exotel.seen) == 1


def test_a_connect_dropped_after_it_was_sent_has_an_unknown_outcome(client, exotel):
    exotel.will(Reply(hang_up=True), answered())
    with pytest.raises(ExotelOutcomeUnknown):
        click_to_call(client)
    assert len(exotel.seen) == 1


def test_a_refused_connection_is_sent_again_then_means_the_call_was_not_placed(closed_port, sleeps):
    client = ExotelClient(closed_port, SID, KEY, TOKEN, sleep=sleeps.append)
    with pytest.raises(ExotelUnreachable):
        click_to_call(client)
    assert sleeps == [1.0, 2.0, 4.0]


def test_a_read_from_an_unreachable_exotel_is_retried_then_given_up(closed_port, sleeps):
    client = ExotelClient(closed_port, SID, KEY, TOKEN, sleep=sleeps.append)
    with pytest.raises(ExotelUnreachable):
        client.call_details(CALL_SID)
    assert sleeps == [1.0, 2.0]


class _FailingSession:
    """requests' own messages name the host and may carry whatever was in the URL."""

    def __init__(self, error):
        self.error = error
        self.tries = 0

    def request(self, *args, **kwargs):
        self.tries += 1
        raise self.error(f"HTTPSConnectionPool(host='{KEY}:{TOKEN}@api.exotel.com', port=443)")


def test_a_connect_timeout_is_sent_again_then_means_the_call_was_not_placed(sleeps):
    session = _FailingSession(requests.ConnectTimeout)
    client = ExotelClient("https://api.exotel.com", SID, KEY, TOKEN, session=session, sleep=sleeps.append)
    with pytest.raises(ExotelUnreachable):
        click_to_call(client)
    assert session.tries == 4 and sleeps == [1.0, 2.0, 4.0]


def test_a_connect_that_broke_after_it_was_sent_is_never_sent_again(sleeps):
    session = _FailingSession(requests.ConnectionError)
    client = ExotelClient("https://api.exotel.com", SID, KEY, TOKEN, session=session, sleep=sleeps.append)
    with pytest.raises(ExotelOutcomeUnknown):
        click_to_call(client)
    assert session.tries == 1 and sleeps == []


def test_credentials_never_appear_in_error_messages(exotel, closed_port):
    def failure(client, *replies):
        exotel.will(*replies)
        with pytest.raises(Exception) as caught:
            click_to_call(client)
        return caught.value

    def no_sleep(seconds):
        pass

    fast = ExotelClient(exotel.url, SID, KEY, TOKEN, read_timeout=0.3, sleep=no_sleep)
    echoed = f"Authentication failed for {KEY}:{TOKEN}"
    errors = [
        failure(fast, refused(401, echoed)),
        failure(fast, Reply(502, f"<html>{KEY} {TOKEN}</html>", content_type="text/html")),
        failure(fast, Reply(500, echoed, content_type="text/plain")),
        failure(fast, Reply(body={}, delay=1.0)),
        failure(fast, Reply(hang_up=True)),
        failure(ExotelClient(closed_port, SID, KEY, TOKEN, sleep=no_sleep)),
        *(
            failure(ExotelClient(exotel.url, SID, KEY, TOKEN, session=_FailingSession(error), sleep=no_sleep))
            for error in (requests.ConnectTimeout, requests.ReadTimeout)
        ),
    ]
    for error in errors:
        for text in (str(error), repr(error), *map(str, error.args)):
            assert KEY not in text
            assert TOKEN not in text


def test_from_settings_reads_the_exotel_settings(settings):
    settings.EXOTEL_API_URL = "https://api.in.exotel.com/"
    settings.EXOTEL_SID = "mumbai1"
    settings.EXOTEL_TIMEZONE = "Asia/Kolkata"
    client = ExotelClient.from_settings(read_timeout=45)
    assert client.base_url == "https://api.in.exotel.com"
    assert client.account_path == "/v1/Accounts/mumbai1"
    assert client.timeout == (5, 45)
