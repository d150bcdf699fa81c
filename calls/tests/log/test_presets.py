"""The quick filters above the log: each link selects what its name says, and says when it is the query."""

import re
from datetime import datetime, time, timedelta
from html import unescape
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from calls.tests.factories import make_call

from .log_page import KOLKATA, get, selected, use_time_zone

PRESET_LINK = re.compile(r'<a class="btn[^"]*" href="([^"]*)"( aria-current="true")?>([^<]*)</a>')


def presets(response):
    """Each preset's name: (its query, whether the page marks it as the current one)."""
    page = response.content.decode()
    block = page[
        page.index('data-testid="presets"') : page.index("</nav>", page.index('data-testid="presets"'))
    ]
    return {
        name: (urlsplit(unescape(href)).query, bool(current))
        for href, current, name in PRESET_LINK.findall(block)
    }


def run(client, name, base=""):
    query, _current = presets(get(client, base))[name]
    return selected(client, query)


def midnight_today(zone):
    return datetime.combine(timezone.now().astimezone(zone).date(), time(), tzinfo=zone)


@pytest.fixture
def calls(agent):
    today = midnight_today(KOLKATA)
    for sid, fields in {
        "in-busy": {"direction": "inbound", "status": "busy"},
        "in-no-answer": {"direction": "inbound", "status": "no-answer"},
        "in-failed": {"direction": "inbound", "status": "failed"},
        "in-canceled": {"direction": "inbound", "status": "canceled"},
        "in-completed": {"direction": "inbound", "status": "completed", "duration": 700},
        "out-busy": {"direction": "outbound-api", "status": "busy"},
        "long": {"direction": "outbound-api", "status": "completed", "duration": 601},
        "ten-minutes": {"direction": "outbound-api", "status": "completed", "duration": 600},
        "recorded": {"status": "completed", "recording_url": "https://recordings.exotel.com/r.mp3"},
    }.items():
        make_call(sid=sid, agent=agent, date_created=today + timedelta(minutes=1), **fields)
    make_call(sid="yesterday", agent=agent, status="completed", date_created=today - timedelta(minutes=1))


def test_the_log_offers_four_presets_none_current(manager_client, calls):
    shown = presets(get(manager_client))
    assert list(shown) == ["Today", "Missed inbound", "Longer than 10 minutes", "With a recording"]
    assert not any(current for _query, current in shown.values())


def test_today_is_the_users_day(manager_client, calls):
    assert "yesterday" not in run(manager_client, "Today")
    assert len(run(manager_client, "Today")) == 9


def test_today_follows_the_users_time_zone(client, agent):
    los_angeles = ZoneInfo("America/Los_Angeles")
    use_time_zone(agent, "America/Los_Angeles")
    today = midnight_today(los_angeles)
    make_call(sid="today-there", agent=agent, date_created=today + timedelta(minutes=1))
    make_call(sid="yesterday-there", agent=agent, date_created=today - timedelta(minutes=1))
    client.force_login(agent)
    assert run(client, "Today") == {"today-there"}


def test_missed_inbound_is_the_inbound_calls_the_missed_queue_counts_by_status(manager_client, calls):
    assert run(manager_client, "Missed inbound") == {"in-busy", "in-no-answer", "in-failed", "in-canceled"}


def test_longer_than_ten_minutes_means_longer(manager_client, calls):
    assert run(manager_client, "Longer than 10 minutes") == {"in-completed", "long"}


def test_with_a_recording(manager_client, calls):
    assert run(manager_client, "With a recording") == {"recorded"}


def test_a_preset_is_marked_current_when_it_is_the_query(manager_client, calls):
    query, _ = presets(get(manager_client))["Missed inbound"]
    shown = presets(get(manager_client, query))
    assert shown["Missed inbound"][1] and not shown["Today"][1]
    assert not presets(get(manager_client, query + "&status=completed"))["Missed inbound"][1]


def test_presets_keep_the_sort_and_drop_other_filters(manager_client, calls):
    query, _ = presets(get(manager_client, "sort=-duration&status=completed&page=3"))["With a recording"]
    assert query == "sort=-duration&has_recording=true"


def test_an_agent_gets_the_presets_over_their_own_calls(agent_client, other_agent, calls):
    make_call(
        sid="theirs", agent=other_agent, direction="inbound", status="busy", date_created=timezone.now()
    )
    assert run(agent_client, "Missed inbound") == {"in-busy", "in-no-answer", "in-failed", "in-canceled"}
