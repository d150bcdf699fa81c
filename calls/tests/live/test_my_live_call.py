"""An agent's home: their own live call on top (polled), today's calls owing a wrap-up, the latest calls."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from calls.models import WrapUp
from calls.tests.factories import make_call

from .conftest import MIDNIGHT, NOW

pytestmark = pytest.mark.django_db

MINE = reverse("live-mine")


def sid(n):
    return f"{n:032x}"


def test_the_home_polls_the_agents_own_live_call(agent_client):
    html = agent_client.get(reverse("home")).content.decode()
    assert f'hx-get="{MINE}" hx-trigger="load, every 2s' in html
    assert "/static/app/live.js" in html


def test_an_agents_live_call_shows_its_status_customer_time_and_link(agent_client, agent, frozen):
    call = make_call(
        sid=sid(1),
        agent=agent,
        status="in-progress",
        leg1_status="in-progress",
        leg2_status="in-progress",
        to_number="+919876543201",
        date_created=NOW - timedelta(minutes=3),
    )
    call.status_changed_at = NOW - timedelta(seconds=42)
    call.save(update_fields=["status_changed_at"])
    html = agent_client.get(MINE).content.decode()
    assert re.search(r'data-testid="my-live-phase">In progress<', html)
    assert "+91 98765 43201" in html
    assert '<span data-since="2026-11-20T06:29:18+00:00">0:42</span>' in html
    assert f'href="{reverse("call-detail", args=[call.pk])}"' in html


def test_the_newest_live_call_is_shown(agent_client, agent, frozen):
    make_call(sid=sid(1), agent=agent, status="in-progress", date_created=NOW - timedelta(hours=3))
    newest = make_call(sid=sid(2), agent=agent, status="ringing", date_created=NOW - timedelta(minutes=1))
    make_call(sid=sid(3), agent=agent, status="completed", date_created=NOW)
    html = agent_client.get(MINE).content.decode()
    assert f'href="{reverse("call-detail", args=[newest.pk])}"' in html
    assert html.count('data-testid="my-live-phase"') == 1


def test_without_a_live_call_the_fragment_shows_nothing(agent_client, agent, frozen):
    make_call(sid=sid(1), agent=agent, status="completed", date_created=NOW)
    html = agent_client.get(MINE).content.decode()
    assert "my-live-phase" not in html and "Open the call" not in html


def test_an_agent_never_sees_another_agents_live_call(agent_client, other_agent, frozen):
    make_call(sid=sid(1), agent=other_agent, status="in-progress", date_created=NOW)
    assert "my-live-phase" not in agent_client.get(MINE).content.decode()


def test_a_manager_sees_only_their_own_live_call(manager_client, manager, agent, frozen):
    make_call(sid=sid(1), agent=agent, status="in-progress", date_created=NOW)
    assert "my-live-phase" not in manager_client.get(MINE).content.decode()
    mine = make_call(sid=sid(2), agent=manager, status="ringing", date_created=NOW)
    assert f'href="{reverse("call-detail", args=[mine.pk])}"' in manager_client.get(MINE).content.decode()


def owed_calls(html):
    return [int(pk) for pk in re.findall(r'data-testid="owed-call" data-call="(\d+)"', html)]


def test_the_home_lists_todays_own_calls_that_owe_a_wrap_up(agent_client, agent, other_agent, frozen):
    today = MIDNIGHT + timedelta(hours=1)
    owed = make_call(sid=sid(1), agent=agent, status="completed", date_created=today, duration=125)
    busy = make_call(sid=sid(2), agent=agent, status="busy", date_created=today + timedelta(minutes=1))
    wrapped = make_call(sid=sid(3), agent=agent, status="completed", date_created=today)
    WrapUp.objects.create(call=wrapped, written_by=agent, written_at=NOW)
    make_call(sid=sid(4), agent=agent, status="in-progress", date_created=today)  # not over yet
    make_call(sid=sid(5), agent=agent, status="not-placed", date_created=today)  # never dialled
    make_call(sid=sid(6), agent=agent, status="completed", date_created=MIDNIGHT - timedelta(minutes=10))
    make_call(sid=sid(7), agent=other_agent, status="completed", date_created=today)
    html = agent_client.get(reverse("home")).content.decode()
    assert owed_calls(html) == [busy.pk, owed.pk]
    row = re.search(rf'data-call="{owed.pk}".*?</tr>', html, re.S)[0]
    assert f'href="{reverse("call-detail", args=[owed.pk])}"' in row
    assert "2:05" in row  # durations as m:ss


def test_with_nothing_owed_the_home_says_so(agent_client, agent, frozen):
    html = agent_client.get(reverse("home")).content.decode()
    assert "Nothing to wrap up" in html


def test_the_latest_calls_show_durations_as_minutes_and_seconds(agent_client, agent, other_agent, frozen):
    make_call(sid=sid(1), agent=agent, status="completed", date_created=NOW, duration=3725)
    make_call(sid=sid(2), agent=other_agent, status="completed", date_created=NOW, to_number="+919876543299")
    html = agent_client.get(reverse("home")).content.decode()
    recent = re.search(r'data-testid="recent-calls".*?</table>', html, re.S)[0]
    assert "1:02:05" in recent
    assert "98765 43299" not in recent
