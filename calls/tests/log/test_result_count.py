"""The count above the log: exact up to 10,000 calls, "more than 10,000" beyond, and the page's only count."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calls.models import Call
from calls.tests.factories import T0, make_call

from .log_page import get

pytestmark = pytest.mark.django_db
COUNT_SHOWN = re.compile(r'data-testid="result-count">([^<]*)<')


def count_shown(client, query=""):
    response = get(client, query)
    assert response.status_code == 200
    match = COUNT_SHOWN.search(response.content.decode())
    return match[1] if match else None


def many_calls(count, **fields):
    Call.objects.bulk_create(
        Call(
            sid=f"bulk{n}",
            from_number="+919845012301",
            to_number="+919876543210",
            date_created=T0 - timedelta(seconds=n),
            status="completed",
            **fields,
        )
        for n in range(count)
    )


def test_an_empty_log_says_0_calls(manager_client):
    assert count_shown(manager_client) == "0 calls"


def test_one_call_is_1_call(manager_client):
    make_call(sid="one")
    assert count_shown(manager_client) == "1 call"


def test_10000_calls_are_counted_exactly(manager_client):
    many_calls(10_000)
    assert count_shown(manager_client) == "10,000 calls"


def test_beyond_10000_the_count_says_more_than(manager_client):
    many_calls(10_001)
    assert count_shown(manager_client) == "more than 10,000 calls"
    make_call(sid="busy", status="busy")
    assert count_shown(manager_client, "status=busy") == "1 call"


def test_the_count_follows_the_filters(manager_client):
    make_call(sid="a", status="completed")
    make_call(sid="b", status="busy")
    make_call(sid="c", status="busy")
    assert count_shown(manager_client, "status=busy") == "2 calls"
    assert count_shown(manager_client, "status=failed") == "0 calls"


def test_agents_count_only_their_own_calls(client, agent, other_agent):
    make_call(sid="mine", agent=agent)
    make_call(sid="theirs1", agent=other_agent)
    make_call(sid="theirs2", agent=other_agent)
    client.force_login(agent)
    assert count_shown(client) == "1 call"


def test_bad_filters_show_their_errors_and_no_count(manager_client):
    make_call(sid="one")
    assert count_shown(manager_client, "duration__gte=abc") is None


def test_the_page_counts_once_and_never_the_whole_table(manager_client):
    many_calls(60)
    with CaptureQueriesContext(connection) as captured:
        assert count_shown(manager_client, "page=2") == "60 calls"
    # On PostgreSQL the count is a cursor over the same LIMITed ids, moved over in steps (lib/lists.py).
    counts = [
        sql
        for query in captured
        if ("COUNT(" in (sql := query["sql"]) or "DECLARE" in sql) and '"calls_call"' in sql
    ]
    assert len(counts) == 1
    assert "LIMIT 10001" in counts[0]
