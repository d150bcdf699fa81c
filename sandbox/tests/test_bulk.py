"""GET Calls: bulk call details, their filters, their limits and paging that sees every call exactly once."""

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from sandbox.clock import IST, stamp
from sandbox.tests.helpers import get, place, rest_exception, xml

DIRECTIONS = {"inbound", "outbound-dial", "outbound-api"}


@pytest.fixture
def seeded(sandbox_factory):
    return sandbox_factory(history=400, seed=7)


def days_ago(days: float) -> datetime:
    return datetime.now(IST) - timedelta(days=days)


def window(start_days_ago: float, end_days_ago: float = 0) -> str:
    return f"gte:{stamp(days_ago(start_days_ago))};lte:{stamp(days_ago(end_days_ago))}"


def in_window(sandbox, start_days_ago: float, end_days_ago: float = 0) -> set[str]:
    since, until = stamp(days_ago(start_days_ago)), stamp(days_ago(end_days_ago))
    return {
        call["sid"]
        for call in sandbox.calls()
        if call["over"] and since <= call["resource"]["DateCreated"] <= until
    }


def follow(sandbox, first: requests.Response, link: str = "NextPageUri") -> list[dict]:
    """Every page from `first` on, following Metadata[link] as a client would: host + the path given."""
    pages = [first.json()]
    while uri := pages[-1]["Metadata"][link]:
        response = requests.get(sandbox.url + uri, auth=sandbox.auth, timeout=10)
        assert response.status_code == 200, response.text
        pages.append(response.json())
    return pages


def sids(pages: list[dict]) -> list[str]:
    return [call["Sid"] for page in pages for call in page["Calls"]]


def test_it_lists_the_last_31_days_newest_first_by_default(seeded):
    body = get(seeded, "Calls.json", PageSize="100").json()

    created = [call["DateCreated"] for call in body["Calls"]]
    assert created == sorted(created, reverse=True)
    assert set(sids([body])) == in_window(seeded, 31)
    assert body["Metadata"]["Total"] == len(in_window(seeded, 31))


def test_its_metadata_holds_total_page_size_and_page_paths(seeded):
    body = get(seeded, "Calls.json", PageSize="5", Status="completed").json()

    metadata = body["Metadata"]
    assert list(metadata) == ["Total", "PageSize", "FirstPageUri", "PrevPageUri", "NextPageUri"]
    assert metadata["PageSize"] == 5 and len(body["Calls"]) == 5
    assert metadata["FirstPageUri"] == f"/v1/Accounts/{seeded.sid}/Calls.json?PageSize=5&Status=completed"
    assert metadata["PrevPageUri"] is None
    assert metadata["NextPageUri"].startswith(metadata["FirstPageUri"] + "&After=")


def test_paging_forward_sees_every_call_exactly_once(seeded):
    filters = {"DateCreated": window(30), "PageSize": "7"}

    pages = follow(seeded, get(seeded, "Calls.json", **filters))

    seen = sids(pages)
    assert len(seen) == len(set(seen))
    assert set(seen) == in_window(seeded, 30)
    assert len(pages) > 3
    assert pages[-1]["Metadata"]["NextPageUri"] is None


def test_paging_backwards_returns_the_previous_pages(seeded):
    forward = follow(seeded, get(seeded, "Calls.json", DateCreated=window(30), PageSize="7"))
    last = requests.get(seeded.url + forward[-2]["Metadata"]["NextPageUri"], auth=seeded.auth, timeout=10)

    backward = follow(seeded, last, link="PrevPageUri")

    assert [sids([page]) for page in reversed(backward)] == [sids([page]) for page in forward]
    assert backward[-1]["Metadata"]["PrevPageUri"] is None


def test_it_sorts_oldest_first_on_request(seeded):
    pages = follow(seeded, get(seeded, "Calls.json", SortBy="DateCreated:asc", PageSize="9"))

    created = [call["DateCreated"] for page in pages for call in page["Calls"]]
    assert created == sorted(created)
    assert "SortBy=DateCreated:asc" in pages[0]["Metadata"]["NextPageUri"]


def test_paging_stays_stable_while_new_calls_arrive(seeded):
    first = get(seeded, "Calls.json", PageSize="10")
    expected = in_window(seeded, 31)
    for _ in range(5):
        seeded.inject_call(Direction="inbound", From="+919812345601", Status="completed")

    seen = sids(follow(seeded, first))

    assert len(seen) == len(set(seen))
    assert set(seen) == expected


def test_the_next_page_keeps_the_filters(seeded):
    first = get(seeded, "Calls.json", Status="completed,busy", Direction="inbound", PageSize="3")

    pages = follow(seeded, first)

    query = parse_qs(urlsplit(first.json()["Metadata"]["NextPageUri"]).query)
    assert query["Status"] == ["completed,busy"] and query["Direction"] == ["inbound"]
    calls = [call for page in pages for call in page["Calls"]]
    assert calls and all(call["Status"] in ("completed", "busy") for call in calls)
    assert all(call["Direction"] == "inbound" for call in calls)


def test_calls_in_progress_are_not_listed(sandbox_factory):
    sandbox = sandbox_factory(speed=0.1)
    live = place(sandbox)
    finished = sandbox.inject_call(Direction="outbound-dial", From="+919812345601", To="+919812345602")

    assert sids([get(sandbox, "Calls.json").json()]) == [finished["sid"]]
    assert sids([get(sandbox, "Calls.json", Status="in-progress,queued").json()]) == []
    assert live


def test_an_injected_live_call_is_listed_once_it_ends(sandbox_factory):
    sandbox = sandbox_factory(speed=1000)
    call = sandbox.inject_call(Direction="inbound", From="+919812345601", Status="in-progress", Duration="30")

    sandbox.wait_for_status(call["sid"], "completed")

    assert sids([get(sandbox, "Calls.json").json()]) == [call["sid"]]


def test_it_finds_calls_by_sid(seeded):
    wanted = sorted(in_window(seeded, 31))[:3]

    body = get(seeded, "Calls.json", Sid=",".join(wanted)).json()

    assert sorted(sids([body])) == wanted


def test_it_finds_calls_by_number_in_any_form(sandbox):
    sandbox.inject_call(Direction="inbound", From="+919812345601", PhoneNumber="+912267891234")
    sandbox.inject_call(Direction="outbound-api", From="+919876543210", To="+919812345602")
    sandbox.inject_call(Direction="outbound-dial", From="+919876543211", To="+919812345603")

    def directions(**filters) -> list[str]:
        return sorted(call["Direction"] for call in get(sandbox, "Calls.json", **filters).json()["Calls"])

    assert directions(From="09812345601") == ["inbound"]
    assert directions(To="9812345602,+919812345603") == ["outbound-api", "outbound-dial"]
    assert directions(PhoneNumber="+912267891234") == ["inbound"]
    assert directions(PhoneNumber="08030752400") == ["outbound-api", "outbound-dial"]
    assert directions(Direction="outbound-dial,inbound") == ["inbound", "outbound-dial"]


def test_it_filters_by_status(seeded):
    statuses = {
        call["Status"]
        for call in get(seeded, "Calls.json", Status="busy,failed", PageSize="100").json()["Calls"]
    }

    assert statuses == {"busy", "failed"}


def test_it_filters_by_duration_and_price(sandbox):
    for seconds in ("30", "60", "200"):
        sandbox.inject_call(Direction="inbound", From="+919812345601", Duration=seconds)

    def durations(**filters) -> list[str]:
        return sorted(int(call["Duration"]) for call in get(sandbox, "Calls.json", **filters).json()["Calls"])

    assert durations(Duration="gte:30s;lte:60s") == [30, 60]
    assert durations(Duration="eq:200s") == [200]
    assert durations(Duration="gte:61") == [200]
    assert durations(Price="gte:2.0") == [200]
    assert durations(Price="eq:1.000") == [30, 60]
    assert durations(Price="gte:0.10;lte:1.0") == [30, 60]


def test_a_range_filter_skips_calls_whose_price_is_not_known_yet(sandbox_factory):
    sandbox = sandbox_factory(speed=1000, price_delay=100000)
    sid = place(sandbox)
    sandbox.wait_for_status(sid)

    assert sids([get(sandbox, "Calls.json").json()]) == [sid]
    assert sids([get(sandbox, "Calls.json", Duration="gte:0s").json()]) == []


def test_it_looks_up_to_a_month_at_a_time_within_six_months(seeded):
    body = get(seeded, "Calls.json", DateCreated=window(170, 140), PageSize="100").json()

    assert set(sids([body])) == in_window(seeded, 170, 140)
    assert body["Calls"]


def test_it_returns_every_direction_and_status_from_the_seeded_history(seeded):
    calls = seeded.calls()

    assert {call["direction"] for call in calls} == DIRECTIONS
    assert {call["status"] for call in calls} == {"completed", "busy", "no-answer", "failed", "canceled"}


def test_the_history_is_the_same_for_the_same_seed(sandbox_factory):
    first = sandbox_factory(history=20, seed=3)
    second = sandbox_factory(history=20, seed=3)
    other = sandbox_factory(history=20, seed=4)

    def history(sandbox) -> list[tuple[str, str]]:
        return sorted((call["sid"], call["status"]) for call in sandbox.calls())

    assert history(first) == history(second) != history(other)


def test_the_historys_outbound_calls_come_from_the_agents_it_is_given(sandbox_factory):
    agents = ("+919845012301", "+919845012302")
    calls = sandbox_factory(history=60, seed=5, history_agents=agents).calls()
    outbound = [call["resource"] for call in calls if call["direction"] != "inbound"]

    as_exotel_writes_them = {"09845012301", "09845012302"}
    assert outbound
    assert {call["From"] for call in outbound} == as_exotel_writes_them
    assert (
        not {call["resource"]["From"] for call in calls if call["direction"] == "inbound"}
        & as_exotel_writes_them
    )


def test_it_answers_in_xml_without_json_suffix(seeded):
    root = xml(get(seeded, "Calls", PageSize="2"))

    assert root.findtext("Metadata/PageSize") == "2"
    assert root.findtext("Metadata/NextPageUri").startswith(
        f"/v1/Accounts/{seeded.sid}/Calls?PageSize=2&After="
    )
    assert root.findtext("Metadata/PrevPageUri") == ""
    assert len(root.findall("Calls/Call")) == 2
    assert len(root.find("Calls/Call/Sid").text) == 32


@pytest.mark.parametrize(
    "filters, message",
    [
        ({"Sid": ",".join(f"{n:032x}" for n in range(101))}, "Sid: at most 100 values"),
        ({"To": ",".join(f"+9198123456{n:02}" for n in range(6))}, "To: at most 5 values"),
        ({"From": "12345"}, "From: '12345' is not a valid phone number"),
        ({"PhoneNumber": "1,2,3,4,5,6"}, "PhoneNumber: at most 5 values"),
        ({"Status": "done"}, "Status: unknown value"),
        ({"Direction": "outbound"}, "Direction: unknown value"),
        ({"DateCreated": "yesterday"}, "Invalid DateCreated filter"),
        ({"DateCreated": "gte:2024-13-01 00:00:00"}, "Invalid DateCreated value"),
        ({"DateCreated": "eq:2024-01-01 00:00:00"}, "Invalid DateCreated filter"),
        ({"DateCreated": window(40)}, "the date range can be at most one month"),
        ({"DateCreated": window(200, 190)}, "call records are kept for 6 months"),
        ({"DateCreated": window(1, 2)}, "gte must not be later than lte"),
        ({"Duration": "gte:ten"}, "Invalid Duration value"),
        ({"Duration": "gt:10s"}, "Invalid Duration filter"),
        ({"Price": "lte:cheap"}, "Invalid Price value"),
        ({"PageSize": "0"}, "PageSize must be a whole number between 1 and 100"),
        ({"PageSize": "101"}, "PageSize must be"),
        ({"PageSize": "lots"}, "PageSize must be"),
        ({"SortBy": "Duration:asc"}, "SortBy must be DateCreated:asc or DateCreated:desc"),
        ({"After": "not-a-cursor"}, "Invalid After cursor"),
        ({"After": "abc", "Before": "abc"}, "Use either After or Before"),
        ({"RecordingUrlValidity": "90"}, "RecordingUrlValidity must be"),
    ],
)
def test_it_refuses_bad_filters_with_a_400(sandbox, filters, message):
    response = get(sandbox, "Calls.json", **filters)

    assert response.status_code == 400
    assert message in rest_exception(response)[1]


def test_it_accepts_a_window_of_exactly_one_month(sandbox):
    assert get(sandbox, "Calls.json", DateCreated="gte:" + stamp(days_ago(31))).status_code == 200


def test_a_history_of_a_million_calls_pages_by_date_with_every_call_once(sandbox_factory):
    sandbox = sandbox_factory(history=1_000_000, seed=2)
    first = get(sandbox, "Calls.json", DateCreated=window(60, 40), PageSize="100")
    pages = [first.json()]
    while len(pages) < 4:
        uri = pages[-1]["Metadata"]["NextPageUri"]
        pages.append(requests.get(f"{sandbox.url}{uri}", auth=sandbox.auth, timeout=10).json())
    calls = [call for page in pages for call in page["Calls"]]
    keys = [(call["DateCreated"], call["Sid"]) for call in calls]

    assert len({sid for _, sid in keys}) == 400
    assert keys == sorted(keys, reverse=True)
    assert 100_000 < pages[0]["Metadata"]["Total"] < 120_000  # 20 of 180 days
    one = get(sandbox, f"Calls/{calls[250]['Sid']}.json").json()["Call"]
    assert one["DateCreated"] == calls[250]["DateCreated"]
