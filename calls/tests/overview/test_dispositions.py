"""The overview's dispositions per agent: one grouped query, each figure a link to exactly its calls."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calls.tests.factories import make_call
from calls.tests.log.wrap_ups import make_dispositions, wrap_up

pytestmark = pytest.mark.django_db
PERIOD = "?first=2026-11-19&last=2026-11-20"
IN_PERIOD = datetime(2026, 11, 19, 6, 0, tzinfo=UTC)  # 11:30 in Kolkata
TABLE = re.compile(r'<table class="table table-sm" data-testid="dispositions">(.*?)</table>', re.S)
LINK = re.compile(r'<a href="(/calls/\?[^"]+)">(\d+)</a>')


@pytest.fixture
def dispositions(db):
    return make_dispositions()


@pytest.fixture
def day(agent, other_agent, dispositions):
    """Asha: 2 resolved, 1 follow-up, 1 without a wrap-up; Vikram: 1 resolved, 1 wrapped up without a
    disposition; a call without an agent; and Asha's resolved call the day after the period."""
    made = iter(range(100))

    def call(agent_, disposition=None, wrapped=True, when=IN_PERIOD):
        n = next(made)
        made_call = make_call(sid=f"c{n}", agent=agent_, date_created=when + timedelta(minutes=n))
        if wrapped:
            wrap_up(made_call, disposition, note=f"note {n}")
        return made_call

    call(agent, dispositions["resolved"])
    call(agent, dispositions["resolved"])
    call(agent, dispositions["follow_up"])
    call(agent, wrapped=False)
    call(other_agent, dispositions["resolved"])
    call(other_agent)
    call(None, wrapped=False)
    call(agent, dispositions["resolved"], when=datetime(2026, 11, 20, 18, 30, tzinfo=UTC))  # 21 Nov, IST


def table(client):
    return TABLE.search(client.get(f"/{PERIOD}").content.decode())[1]


def test_rows_are_agents_by_full_name_and_columns_the_dispositions_in_order(manager_client, day):
    shown = table(manager_client)
    headings = re.findall(r'<th class="num">([^<]*)</th>', shown)
    # Spam is inactive and unused in the period: not a column.
    assert headings == ["Resolved", "Follow-up needed", "No disposition", "No wrap-up"]
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th>(.*?)</tr>', shown)
    figures = {name: [int(n) for _, n in LINK.findall(cells)] for name, cells in rows}
    assert figures == {"Asha": [2, 1, 0, 1], "Vikram": [1, 0, 1, 0], "No agent": [0, 0, 0, 1]}
    assert [name for name, _ in rows] == ["Asha", "Vikram", "No agent"]


def test_every_figure_links_to_exactly_its_calls(manager_client, day):
    links = LINK.findall(table(manager_client))
    assert len(links) == 12
    for url, count in links:
        response = manager_client.get(html.unescape(url))
        shown = response.context["table"].page.object_list
        assert len(shown) == int(count), url
        assert re.search(r'data-testid="result-count">(\d+) calls?<', response.content.decode())[1] == count


def test_an_inactive_disposition_used_in_the_period_is_a_column(manager_client, agent, dispositions):
    wrap_up(make_call(sid="spam", agent=agent, date_created=IN_PERIOD), dispositions["spam"])
    headings = re.findall(r'<th class="num">([^<]*)</th>', table(manager_client))
    assert headings == ["Resolved", "Follow-up needed", "Spam", "No wrap-up"]


def test_the_dispositions_cost_one_grouped_query(manager_client, day):
    with CaptureQueriesContext(connection) as captured:
        manager_client.get(f"/{PERIOD}")
    grouped = [q["sql"] for q in captured if '"calls_wrapup"' in q["sql"] and "GROUP BY" in q["sql"]]
    assert len(grouped) == 1


def test_a_period_without_calls_says_so(manager_client, dispositions):
    assert "No calls in this period." in table(manager_client)
