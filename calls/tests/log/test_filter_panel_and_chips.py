"""The filter panel stays folded until a filter is set; each active filter is a chip, in words, whose link
drops just that one value and keeps the rest."""

from urllib.parse import parse_qs, urlsplit

import pytest

from calls.tests.factories import T0, make_call
from exonumbers.models import Flow

from .log_page import chips, errors_shown, filters_open, get, listed, selected


def query_of(link):
    parts = urlsplit(link)
    assert parts.path == "/calls/"
    return parse_qs(parts.query)


@pytest.fixture
def calls(agent, other_agent, exophone):
    make_call(sid="busy", agent=agent, status="busy", direction="inbound", date_created=T0)
    make_call(sid="failed", agent=agent, status="failed", direction="inbound", date_created=T0)
    make_call(sid="done", agent=other_agent, status="completed", direction="outbound-api", date_created=T0)


def test_the_filters_are_folded_away_when_none_is_set(manager_client, calls):
    response = get(manager_client)
    assert not filters_open(response)
    assert chips(response) == []
    assert selected(manager_client) == {"busy", "failed", "done"}


def test_sorting_or_paging_alone_leaves_them_folded(manager_client, calls):
    assert not filters_open(get(manager_client, "sort=-duration&per_page=20"))
    assert not filters_open(get(manager_client, "status="))  # a hand-made link that chose nothing


def test_the_filters_open_when_any_is_set(manager_client, calls):
    assert filters_open(get(manager_client, "status=busy"))
    assert filters_open(get(manager_client, "number_ends=4321"))


def test_the_filters_open_when_the_query_is_wrong_so_the_user_sees_what_to_fix(manager_client, calls):
    response = get(manager_client, "created_from=yesterday")
    assert filters_open(response)
    assert "Created from" in errors_shown(response)
    response = get(manager_client, "sort=colour")
    assert filters_open(response)
    assert "Cannot sort by 'colour'" in errors_shown(response)


def test_each_ticked_box_is_a_chip_whose_link_drops_only_it(manager_client, calls):
    response = get(manager_client, "status=busy&status=failed&direction=inbound&sort=-duration&page=2")
    shown = chips(response)
    assert [text for text, _ in shown] == [
        "Status: Busy",
        "Status: Failed",
        "Direction: Inbound",
        "Clear all",
    ]
    links = dict(shown)
    assert query_of(links["Status: Busy"]) == {
        "status": ["failed"],
        "direction": ["inbound"],
        "sort": ["-duration"],
    }  # and from the first page: the rows change
    assert query_of(links["Direction: Inbound"]) == {"status": ["busy", "failed"], "sort": ["-duration"]}
    assert query_of(links["Clear all"]) == {"sort": ["-duration"]}


def test_following_a_chip_shows_the_calls_without_that_filter(manager_client, calls):
    links = dict(chips(get(manager_client, "status=busy&direction=inbound")))
    assert selected(manager_client, urlsplit(links["Status: Busy"]).query) == {"busy", "failed"}
    assert selected(manager_client, urlsplit(links["Direction: Inbound"]).query) == {"busy"}
    assert links["Clear all"] == "/calls/"


def test_chips_say_values_in_words(manager_client, agent, exophone):
    agent.last_name = "Rao"
    agent.save(update_fields=["last_name"])
    flow = Flow.objects.create(name="Support IVR", app_id="245871")
    query = {
        "agent": agent.pk,
        "exophone": "08030752400, +919999900000",
        "flow": flow.pk,
        "created_from": "2026-11-20T09:30",
        "created_to": "2026-11-21T18:00",
        "duration__gte": "601",
        "price__lte": "0.5",
        "from_number": "09845012301",
        "has_recording": "true",
        "has_note": "false",
        "note": "refund",
    }
    texts = [text for text, _ in chips(get(manager_client, query))]
    assert texts == [
        "Created from: 20 Nov 2026, 09:30",
        "Created until: 21 Nov 2026, 18:00",
        "Duration ≥: 10:01",
        "Price ≤: ₹0.50",
        "From: +91 98450 12301",
        "ExoPhone: Bengaluru support, +91 99999 00000",  # a number we have no name for stays a number
        "Agent: Asha Rao",
        "Flow: Support IVR (app 245871)",  # as the flow filter lists it
        "Recording: With a recording",
        "Note: Without a note",
        "Note contains: “refund”",
        "Clear all",
    ]


def test_no_agent_and_dispositions_are_named_too(manager_client, db):
    texts = [text for text, _ in chips(get(manager_client, "agent=null&disposition=none"))]
    assert texts == ["Agent: No agent", "Disposition: No wrap-up", "Clear all"]


def test_a_refused_value_gets_a_chip_as_typed_that_removes_it(manager_client, calls):
    response = get(manager_client, "created_from=yesterday&status=busy")
    assert "Created from" in errors_shown(response)
    links = dict(chips(response))
    assert "Created from: yesterday" in links
    assert listed(manager_client, urlsplit(links["Created from: yesterday"]).query) == ["busy"]


def test_a_long_value_is_cut_short_on_its_chip(manager_client, db):
    note = "refund " * 20
    (text, _), _clear = chips(get(manager_client, {"note": note}))
    assert text.startswith("Note contains: “refund refund") and text.endswith("…")
    assert len(text) < 80


def test_a_value_that_filters_nothing_gets_no_chip(manager_client, calls):
    assert chips(get(manager_client, "has_recording=maybe")) == []


def test_an_agent_gets_chips_too(agent_client, calls):
    texts = [text for text, _ in chips(get(agent_client, "status=busy&price__gte=0"))]
    assert texts == ["Status: Busy", "Price ≥: ₹0.00", "Clear all"]
