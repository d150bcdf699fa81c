"""The count above the log stops after a moment on PostgreSQL, says how far it got, and paging goes on."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext

from calls.log import views
from calls.models import Call
from calls.tests.factories import T0
from lib import lists
from lib.lists import Count, count_for_at_most, how_many

from .log_page import get, rows
from .test_cursor_paging import link
from .test_result_count import count_shown

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the time bound is PostgreSQL's"
)


def calls(count):
    Call.objects.bulk_create(
        Call(
            sid=f"c{n:03}",
            from_number="+919845012301",
            to_number="+919876543210",
            date_created=T0 - timedelta(seconds=n),
            status="completed",
        )
        for n in range(count)
    )


def slow_after(first, seconds):
    """The calls, each read after the first `first` taking `seconds`: a slow filter no index serves. Counted
    as PostgreSQL reads them, whatever their order: a scan's order is the table's, which the rows rolled back
    by earlier tests leave in no particular one."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY SEQUENCE IF NOT EXISTS rows_read; ALTER SEQUENCE rows_read RESTART")
    cost = RawSQL(
        "CASE WHEN nextval('rows_read') <= %s THEN '' ELSE pg_sleep(%s)::text END", [first, seconds]
    )
    return Call.objects.alias(cost=cost).filter(cost="")


def settings_shown():
    """What the count sets for itself, as the connection has it."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        timeout = cursor.fetchone()[0]
        cursor.execute("SHOW cursor_tuple_fraction")
        return timeout, cursor.fetchone()[0]


@postgresql_only
def test_a_count_in_time_is_exact_and_leaves_the_connection_as_it_was(db):
    calls(30)
    before = settings_shown()
    assert count_for_at_most(Call.objects.all(), 10, seconds=5) == Count(11, finished=True)
    assert count_for_at_most(Call.objects.all(), 100, seconds=5) == Count(30, finished=True)
    assert count_for_at_most(Call.objects.all(), 29, seconds=5) == Count(30, finished=True)
    assert settings_shown() == before  # within the test's transaction, where SET LOCAL would stay


@postgresql_only
def test_a_count_cut_short_keeps_what_it_had_counted_and_the_connection_as_it_was(db, monkeypatch):
    calls(8)
    before = settings_shown()
    monkeypatch.setattr(lists, "FIRST_COUNT_STEP", 3)
    count = count_for_at_most(slow_after(3, 0.2), 100, seconds=0.05)
    assert count == Count(3, finished=False)
    assert settings_shown() == before
    assert Call.objects.count() == 8  # the connection still works


@postgresql_only
def test_the_page_says_at_least_and_that_counting_stopped(manager_client, monkeypatch):
    calls(60)
    monkeypatch.setattr(lists, "FIRST_COUNT_STEP", 50)

    def slow(queryset, limit, seconds):
        return count_for_at_most(slow_after(50, 0.2), limit, seconds=0.05)

    monkeypatch.setattr(views, "count_for_at_most", slow)
    assert count_shown(manager_client) == "at least 50 calls (counting stopped there)"


def test_no_time_to_count_says_so_and_next_still_goes_on(manager_client, monkeypatch):
    calls(60)
    monkeypatch.setattr(views, "count_for_at_most", lambda queryset, limit, seconds: Count(0, finished=False))
    first = get(manager_client)
    assert count_shown(manager_client) == "Calls not counted: too many to count quickly"
    assert len(rows(first)) == 50
    second = manager_client.get(link(first, "next"))
    assert [row.record.sid for row in second.context["table"].page.object_list] == [
        f"c{n:03}" for n in range(50, 60)
    ]


@postgresql_only
def test_no_time_at_all_counts_nothing_and_says_so(db):
    calls(3)
    assert count_for_at_most(Call.objects.all(), 100, seconds=0) == Count(0, finished=False)
    assert Call.objects.count() == 3


def test_the_steps_add_up_to_the_rows_asked_for():
    assert list(lists.count_steps(10_001)) == [250, 750, 2250, 6751]
    assert list(lists.count_steps(11)) == [11]
    assert list(lists.count_steps(1001)) == [250, 751]


def test_how_many_in_words():
    assert (
        how_many(Count(1, finished=False), 10_000, "call", "calls")
        == "at least 1 call (counting stopped there)"
    )
    assert how_many(Count(1250, finished=False), 10_000, "call", "calls") == (
        "at least 1,250 calls (counting stopped there)"
    )
    assert how_many(Count(10_001), 10_000, "call", "calls") == "more than 10,000 calls"
    assert how_many(Count(1), 10_000, "call", "calls") == "1 call"


@postgresql_only
def test_a_step_the_pace_says_cannot_finish_in_time_is_not_begun(db, monkeypatch):
    """Every call takes 20 ms to read: the first step of 3 takes 60 ms, so the next, of 9, would take 180 ms,
    more than the 140 ms left. It would be cut short and count nothing: the count stops after the first."""
    calls(20)
    monkeypatch.setattr(lists, "FIRST_COUNT_STEP", 3)
    with CaptureQueriesContext(connection) as captured:
        count = count_for_at_most(slow_after(0, 0.02), 100, seconds=0.2)
    assert count == Count(3, finished=False)
    assert sum("MOVE FORWARD" in query["sql"] for query in captured.captured_queries) == 1
