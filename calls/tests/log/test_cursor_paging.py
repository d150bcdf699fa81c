"""Paging past the first pages by cursor: Next and Previous on every sort, with ties and calls not yet priced,
deep links that stay put when newer calls arrive, and an agent's own calls only."""

import re
from datetime import timedelta
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from calls.log.cursors import cursor_text
from calls.log.sorts import LogSort, Place
from calls.models import Call
from calls.tests.factories import T0, make_call

from .log_page import errors_shown, get, rows

SORTS = ["-date_created", "date_created", "duration", "-duration", "price", "-price"]
DURATIONS = [None, 0, 30, 30, 30, 60, 600]  # ties and calls still ringing (no duration, no price)


def link(response, rel):
    """The href of the pagination's Previous or Next link, as a browser would follow it; None when absent."""
    match = re.search(rf'<a class="page-link" href="([^"]*)" rel="{rel}">', response.content.decode())
    return unescape(match[1]) if match else None


def params(url):
    return parse_qs(urlsplit(url).query)


def page_numbers(response):
    """The numbered page links, the current page's in brackets."""
    nav = re.search(r'<nav aria-label="Pages of calls".*?</nav>', response.content.decode(), re.S)
    found = (
        re.findall(r'<a class="page-link" href="[^"]*"( aria-current="page")?>(\d+)</a>', nav[0])
        if nav
        else []
    )
    return [f"[{number}]" if current else number for current, number in found]


def expected_order(sort):
    """The order a user expects, worked out here from the calls: ties newest first, empties last."""
    calls = list(Call.objects.all())
    field = sort.removeprefix("-")
    newest_first = sorted(calls, key=lambda call: (call.date_created, call.pk), reverse=True)
    if field == "date_created":
        return [call.sid for call in (newest_first if sort.startswith("-") else newest_first[::-1])]
    valued = [call for call in newest_first if getattr(call, field) is not None]
    valued.sort(
        key=lambda call: getattr(call, field), reverse=sort.startswith("-")
    )  # stable: ties keep order
    return [call.sid for call in valued + [call for call in newest_first if getattr(call, field) is None]]


@pytest.fixture
def many_calls(agent):
    """42 calls: three at each moment, durations and prices repeating, some without either."""
    for n in range(42):
        duration = DURATIONS[n % len(DURATIONS)]
        make_call(
            sid=f"c{n:02}",
            agent=agent,
            duration=duration,
            price=None if duration is None else Decimal("0.60") * (duration // 30),
            date_created=T0 - timedelta(minutes=n // 3),
        )


def walk(client, url, rel):
    """Every page from url by following one link, as (rows of each page); fails on a page with an error."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200 and errors_shown(response) == ""
        pages.append(rows(response))
        url = link(response, rel)
        assert len(pages) < 50
    return pages


@pytest.mark.parametrize("sort", SORTS)
def test_next_shows_every_call_once_in_the_sorts_order(manager_client, many_calls, sort):
    pages = walk(manager_client, f"/calls/?sort={sort}&per_page=4", "next")
    assert len(pages) == 11  # five numbered, then six by cursor
    assert [sid for page in pages for sid in page] == expected_order(sort)


@pytest.mark.parametrize("sort", SORTS)
def test_previous_from_the_last_page_goes_back_through_the_same_pages(manager_client, many_calls, sort):
    forward = walk(manager_client, f"/calls/?sort={sort}&per_page=4", "next")
    response = get(manager_client, f"sort={sort}&per_page=4")
    for _ in range(10):
        response = manager_client.get(link(response, "next"))
    assert rows(response) == forward[-1]
    backward = walk(manager_client, link(response, "prev"), "prev")
    assert backward == forward[-2::-1]


def test_only_the_first_five_pages_have_numbers(manager_client, many_calls):
    first = get(manager_client, "per_page=4")
    assert page_numbers(first) == ["[1]", "2", "3", "4", "5"]
    assert link(first, "next") == "/calls/?per_page=4&page=2"
    fifth = get(manager_client, "per_page=4&page=5")
    assert set(params(link(fifth, "next"))) == {"per_page", "cursor"}
    sixth = manager_client.get(link(fifth, "next"))
    assert page_numbers(sixth) == ["1", "2", "3", "4", "5"]


def test_a_page_number_past_the_fifth_is_explained_over_the_first_page(manager_client, many_calls):
    response = get(manager_client, "per_page=4&page=6")
    assert "Page 6 is too far to fetch: pages 1 to 5 open by number, and Next goes on from there." in (
        errors_shown(response)
    )
    assert rows(response) == expected_order("-date_created")[:50]


def test_fewer_calls_than_five_pages_number_only_the_pages_there_are(manager_client, many_calls):
    assert page_numbers(get(manager_client, "per_page=20&page=2")) == ["1", "[2]", "3"]
    assert page_numbers(get(manager_client, "")) == []
    assert link(get(manager_client, ""), "next") is None


@pytest.mark.parametrize("sort", ["-date_created", "price", "-duration"])
def test_a_deep_link_shows_the_same_calls_after_newer_calls_arrive(manager_client, many_calls, sort):
    response = get(manager_client, f"sort={sort}&per_page=4")
    for _ in range(7):
        response = manager_client.get(link(response, "next"))
    deep_url = link(response, "prev")
    deep_rows = rows(manager_client.get(deep_url))
    for n in range(10):
        make_call(sid=f"new{n}", duration=30, price=Decimal("0.60"), date_created=T0 + timedelta(minutes=n))
    assert rows(manager_client.get(deep_url)) == deep_rows


def test_a_cursor_keeps_the_filters_and_the_rows_per_page(manager_client, many_calls):
    response = get(manager_client, "duration__gte=30&per_page=2&sort=price")
    for _ in range(5):
        response = manager_client.get(link(response, "next"))
    url = link(response, "next")
    assert set(params(url)) == {"duration__gte", "per_page", "sort", "cursor"}
    shown = rows(manager_client.get(url))
    assert len(shown) == 2
    assert all(Call.objects.get(sid=sid).duration >= 30 for sid in shown)


def test_next_from_the_last_call_after_it_was_deleted_shows_the_last_calls(manager_client, many_calls):
    last = Call.objects.order_by("date_created", "id").first()
    sort = LogSort("-date_created")
    url = "/calls/?per_page=4&cursor=" + cursor_text_after(sort, last)
    response = manager_client.get(url)
    assert rows(response) == expected_order("-date_created")[-5:-1]


def cursor_text_after(sort, call):
    from calls.log.cursors import Cursor

    return cursor_text(Cursor(sort, Place(None, call.date_created, call.pk), backwards=False))


def test_changing_the_sort_starts_again_from_the_first_page(manager_client, many_calls):
    response = get(manager_client, "per_page=4&page=5")
    response = manager_client.get(link(response, "next"))
    html = response.content.decode()
    duration_header = re.search(r'<a href="([^"]*)" aria-label="Duration, sort ascending"', html)[1]
    assert params(unescape(duration_header)) == {"per_page": ["4"], "sort": ["duration"]}
    assert rows(manager_client.get("/calls/" + unescape(duration_header))) == expected_order("duration")[:4]


def test_agents_follow_cursors_through_their_own_calls_only(client, agent, other_agent, many_calls):
    for n in range(30):
        make_call(sid=f"other{n}", agent=other_agent, date_created=T0 - timedelta(minutes=n, seconds=30))
    client.force_login(agent)
    pages = walk(client, "/calls/?per_page=4", "next")
    mine = [sid for sid in expected_order("-date_created") if not sid.startswith("other")]
    assert [sid for page in pages for sid in page] == mine


def test_an_agent_opening_a_managers_deep_link_sees_only_their_own_calls(
    manager_client, client, agent, other_agent, many_calls
):
    for n in range(30):
        make_call(sid=f"other{n}", agent=other_agent, date_created=T0 - timedelta(minutes=n, seconds=30))
    response = get(manager_client, "per_page=4&page=5")
    deep_url = link(response, "next")
    client.force_login(agent)
    shown = rows(client.get(deep_url))
    assert shown and all(sid.startswith("c") for sid in shown)
