"""Sorting by date, duration or price (calls without a value last, ties newest first) and paging by 50.
Paging on by cursor past the fifth page: test_cursor_paging.py."""

from datetime import timedelta
from decimal import Decimal

import pytest

from calls.tests.factories import T0, make_call

from .log_page import get, listed, rows


@pytest.fixture
def calls(db):
    make_call(sid="oldest", duration=300, price=Decimal("3.00"), date_created=T0 - timedelta(days=1))
    make_call(sid="middle", duration=30, price=Decimal("0.50"), date_created=T0)
    make_call(sid="newest", duration=0, price=Decimal("0"), date_created=T0 + timedelta(hours=1))
    make_call(sid="ringing", duration=None, price=None, date_created=T0 + timedelta(minutes=30))
    make_call(sid="sametime", duration=30, price=Decimal("0.50"), date_created=T0 - timedelta(hours=1))


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["newest", "ringing", "middle", "sametime", "oldest"]),
        ("-date_created", ["newest", "ringing", "middle", "sametime", "oldest"]),
        ("date_created", ["oldest", "sametime", "middle", "ringing", "newest"]),
        ("duration", ["newest", "middle", "sametime", "oldest", "ringing"]),
        ("-duration", ["oldest", "middle", "sametime", "newest", "ringing"]),
        ("price", ["newest", "middle", "sametime", "oldest", "ringing"]),
        ("-price", ["oldest", "middle", "sametime", "newest", "ringing"]),
    ],
)
def test_each_sort_orders_the_calls(manager_client, calls, sort, expected):
    assert listed(manager_client, {"sort": sort} if sort else "") == expected


def test_calls_created_at_the_same_moment_keep_a_stable_order(manager_client, db):
    for sid in ("first", "second", "third"):
        make_call(sid=sid, date_created=T0)
    assert listed(manager_client, "") == ["third", "second", "first"]
    assert listed(manager_client, "sort=date_created") == ["first", "second", "third"]


def test_sorting_keeps_the_filters(manager_client, calls):
    assert listed(manager_client, "sort=-duration&duration__gte=1") == ["oldest", "middle", "sametime"]


@pytest.fixture
def fifty_one_calls(agent):
    """The newest is c0; one page holds 50."""
    for i in range(51):
        make_call(
            sid=f"c{i}", agent=agent, status="completed", duration=i, date_created=T0 - timedelta(minutes=i)
        )


def test_the_first_page_holds_fifty_calls_and_the_next_the_rest(manager_client, fifty_one_calls):
    assert listed(manager_client, "") == [f"c{i}" for i in range(50)]
    assert listed(manager_client, "page=2") == ["c50"]


def test_paging_follows_the_sort(manager_client, fifty_one_calls):
    assert listed(manager_client, "sort=duration&page=2") == ["c50"]
    assert listed(manager_client, "sort=-duration&page=2") == ["c0"]


def test_the_filter_state_stays_in_the_paging_links(manager_client, fifty_one_calls):
    html = get(manager_client, "status=completed&sort=duration").content.decode()
    assert "status=completed" in html and "sort=duration" in html and "page=2" in html


def test_the_last_page_has_no_next_link(manager_client, fifty_one_calls):
    response = get(manager_client, "page=2")
    assert rows(response) == ["c50"]
    assert response.context["table"].page.next_url is None
    assert 'rel="next"' not in response.content.decode()
