"""The wallboard: who is ringing or talking now, each agent's day, today's figures, for managers only."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from accounts.models import AgentProfile
from calls.live import board
from calls.models import MissedCustomer, WrapUp
from calls.tests.factories import make_call
from exotel_dashboard.testing import make_person
from lib.roles import Role

from .conftest import MIDNIGHT, NOW

pytestmark = pytest.mark.django_db

BOARD = reverse("live-board")


def sid(n):
    return f"{n:032x}"


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def rows(html, testid):
    return re.findall(rf'<tr data-testid="{testid}".*?</tr>', html, re.S)


def live_call(n, **fields):
    defaults = {"sid": sid(n), "status": "in-progress", "date_created": NOW - timedelta(minutes=n)}
    return make_call(**(defaults | fields))


@pytest.mark.parametrize("name", ["live", "live-board"])
def test_agents_are_refused_the_wallboard(agent_client, name):
    assert agent_client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["live", "live-board"])
def test_managers_and_admins_get_the_wallboard(client, manager, admin, name):
    for person in (manager, admin):
        client.force_login(person)
        assert client.get(reverse(name)).status_code == 200


def test_the_page_polls_the_board_every_two_seconds_and_loads_the_ticking_script(manager_client):
    html = manager_client.get(reverse("live")).content.decode()
    assert f'hx-get="{BOARD}"' in html
    assert 'hx-trigger="every 2s' in html
    assert "/static/app/live.js" in html
    assert "<script>" not in html  # the CSP allows no inline script


def test_now_lists_the_calls_not_final_newest_first(manager_client, agent, exophone, flow, frozen):
    ringing = live_call(
        1, agent=agent, status="ringing", leg1_status="ringing", exophone=exophone, to_number="+919876543201"
    )
    talking = live_call(
        3, agent=agent, leg1_status="in-progress", leg2_status="in-progress", to_number="+919876543203"
    )
    live_call(2, status="completed")
    live_call(4, status="no-answer")
    inbound = live_call(
        5, status="ringing", direction="inbound", flow=flow, from_number="+919811122233", agent=None
    )
    html = manager_client.get(BOARD).content.decode()
    shown = rows(html, "live-call")
    assert [re.search(r'data-call="(\d+)"', row)[1] for row in shown] == [
        str(call.pk) for call in (ringing, talking, inbound)
    ]
    first = text_of(shown[0])
    assert "Ringing you" in first  # the call page's own words
    assert "Asha" in first and "+91 98765 43201" in first and "Bengaluru support" in first
    assert "agent: ringing" in first and "customer: —" in first
    assert f'href="{reverse("call-detail", args=[ringing.pk])}"' in shown[0]
    assert "In progress" in text_of(shown[1])
    assert "Support IVR" in text_of(shown[2]) and "+91 98111 22233" in text_of(shown[2])
    assert "no agent" in text_of(shown[2])


def test_each_call_shows_how_long_it_has_been_in_its_status_and_ticks_from_there(
    manager_client, agent, frozen
):
    call = live_call(1, agent=agent, date_created=NOW - timedelta(minutes=10))
    call.status_changed_at = NOW - timedelta(minutes=2, seconds=5)
    call.save(update_fields=["status_changed_at"])
    html = manager_client.get(BOARD).content.decode()
    row = rows(html, "live-call")[0]
    assert '<span data-since="2026-11-20T06:27:55+00:00">2:05</span>' in row
    assert 'data-now="2026-11-20T06:30:00+00:00"' in html  # the server's clock, which the browser counts on


def test_a_call_whose_status_never_changed_counts_from_its_creation(manager_client, agent, frozen):
    live_call(1, agent=agent, status="queued", date_created=NOW - timedelta(hours=1, minutes=1, seconds=1))
    assert ">1:01:01</span>" in rows(manager_client.get(BOARD).content.decode(), "live-call")[0]


def test_with_no_live_call_the_board_says_what_that_means(manager_client, frozen):
    html = text_of(manager_client.get(BOARD).content.decode())
    assert "No call placed from the dashboard is under way" in html


def test_the_board_says_inbound_calls_show_only_after_the_sync(manager_client, settings):
    settings.EXOTEL_SYNC_INTERVAL_MINUTES = 5
    html = text_of(manager_client.get(BOARD).content.decode())
    assert (
        "Calls into an ExoPhone send no status callbacks: they appear here only after they end, "
        "when the sync imports them (every 5 minutes)."
    ) in html


def test_beyond_the_limit_the_board_says_how_many_more(manager_client, agent, frozen, monkeypatch):
    monkeypatch.setattr(board, "NOW_LIMIT", 2)
    for n in range(1, 6):
        live_call(n, agent=agent)
    html = manager_client.get(BOARD).content.decode()
    assert len(rows(html, "live-call")) == 2
    assert "and 3 more" in text_of(html)


def test_an_agent_on_a_call_shows_since_when_and_with_whom(manager_client, agent, frozen):
    call = live_call(1, agent=agent, to_number="+919876543201")
    call.status_changed_at = NOW - timedelta(seconds=75)
    call.save(update_fields=["status_changed_at"])
    html = manager_client.get(BOARD).content.decode()
    (row,) = [row for row in rows(html, "agent-row") if 'data-agent="asha"' in row]
    assert f'href="{reverse("call-detail", args=[call.pk])}">On a call</a>' in row
    assert "since 11:59 with +91 98765 43201" in text_of(row) and "1:15" in text_of(row)


def test_a_free_agent_shows_since_when_their_last_call_ended(manager_client, agent, other_agent, frozen):
    make_call(
        sid=sid(1),
        agent=agent,
        status="completed",
        date_created=NOW - timedelta(hours=2),
        end_time=NOW - timedelta(minutes=90),
    )
    make_call(
        sid=sid(2),
        agent=agent,
        status="busy",
        date_created=NOW - timedelta(hours=1),
        end_time=NOW - timedelta(minutes=59),
    )
    make_call(
        sid=sid(3), agent=other_agent, status="completed", date_created=MIDNIGHT - timedelta(minutes=10)
    )
    html = manager_client.get(BOARD).content.decode()
    asha, vikram = rows(html, "agent-row")
    assert "Free since 11:01 (" in text_of(asha)  # in the viewer's zone, Kolkata
    assert 'data-since="2026-11-20T05:31:00+00:00">59:00<' in asha
    assert "No calls today" in text_of(vikram)  # yesterday's call is not today's


def test_only_active_agents_have_a_row(manager_client, agent, other_agent, manager, frozen):
    other_agent.is_active = False
    other_agent.save()
    html = manager_client.get(BOARD).content.decode()
    assert [re.search(r'data-agent="(\w+)"', row)[1] for row in rows(html, "agent-row")] == ["asha"]


def test_agents_figures_count_only_todays_calls_in_the_viewers_zone(manager_client, agent, frozen):
    today = MIDNIGHT + timedelta(minutes=10)
    talked = make_call(
        sid=sid(1),
        agent=agent,
        status="completed",
        date_created=today,
        conversation_duration=95,
        duration=110,
        price=Decimal("1.5"),
    )
    WrapUp.objects.create(call=talked, written_by=agent, written_at=NOW)
    make_call(  # synced: no talk time from Exotel, so its whole duration counts
        sid=sid(2), agent=agent, status="completed", date_created=today, duration=30, price=Decimal("0.5")
    )
    make_call(  # completed, but the customer never picked up: no conversation
        sid=sid(3),
        agent=agent,
        status="completed",
        date_created=today,
        conversation_duration=0,
        duration=40,
        price=Decimal("0.25"),
        leg2_status="no-answer",
    )
    make_call(sid=sid(4), agent=agent, status="not-placed", date_created=today)  # never dialled: owes nothing
    make_call(
        sid=sid(5),
        agent=agent,
        status="completed",
        date_created=MIDNIGHT - timedelta(minutes=10),
        conversation_duration=600,
        price=Decimal("9"),
    )
    html = manager_client.get(BOARD).content.decode()
    (row,) = [row for row in rows(html, "agent-row") if 'data-agent="asha"' in row]
    assert re.search(r'data-testid="agent-calls">4<', row)
    assert re.search(r'data-testid="agent-answered">2<', row)
    assert "2:05" in re.search(r'data-testid="agent-talk">(.*?)</td>', row)[1]  # 95 s + 30 s
    assert 'title="1 of the answered calls counted with their whole duration">*' in row
    assert re.search(r'data-testid="agent-owed">2<', row)  # the synced and the unanswered call
    today_figures = text_of(re.search(r'data-testid="live-today".*?\n</div>', html, re.S)[0])
    assert "Calls 4" in today_figures
    assert "Answered 50% 2 of 4 had a conversation" in today_figures
    assert "Cost ₹2.25" in today_figures


def test_the_calls_count_links_to_exactly_those_calls_in_the_log(manager_client, agent, frozen):
    today = make_call(
        sid=sid(1), agent=agent, status="completed", date_created=MIDNIGHT + timedelta(minutes=1)
    )
    yesterday = make_call(
        sid=sid(2), agent=agent, status="busy", date_created=MIDNIGHT - timedelta(minutes=1)
    )
    html = manager_client.get(BOARD).content.decode()
    url = re.search(r'href="([^"]+)" data-testid="agent-calls"', html)[1].replace("&amp;", "&")
    assert url == (
        f"{reverse('call-log')}?created_from=2026-11-20T00%3A00&created_to=2026-11-20T23%3A59&agent={agent.pk}"
    )
    log = manager_client.get(url).content.decode()
    assert reverse("call-detail", args=[today.pk]) in log
    assert reverse("call-detail", args=[yesterday.pk]) not in log


def test_today_follows_the_viewers_own_zone(client, agent, frozen):
    viewer = make_person("ines", Role.MANAGER)
    AgentProfile.objects.filter(user=viewer).update(time_zone="Europe/Lisbon")  # 06:30 on 20 November
    make_call(
        sid=sid(1), agent=agent, status="completed", date_created=NOW - timedelta(hours=7)
    )  # Lisbon: 19th
    make_call(sid=sid(2), agent=agent, status="completed", date_created=NOW - timedelta(hours=1))
    client.force_login(viewer)
    html = client.get(BOARD).content.decode()
    assert re.search(r'data-testid="agent-calls">1<', html)
    assert "Fri 20 Nov 2026" in html


def test_missed_customers_waiting_show_with_their_longest_and_average_wait(manager_client, frozen):
    call = make_call(sid=sid(1), status="no-answer", direction="inbound")
    for n, minutes in enumerate((10, 30)):
        MissedCustomer.objects.create(
            number=f"+9198110000{n:02}",
            first_try_at=NOW - timedelta(minutes=minutes),
            last_try_at=NOW,
            first_call=call,
            last_call=call,
        )
    MissedCustomer.objects.create(
        number="+919811000099",
        state="resolved",
        first_try_at=NOW - timedelta(hours=5),
        last_try_at=NOW,
        first_call=call,
        last_call=call,
    )
    html = manager_client.get(BOARD).content.decode()
    missed = re.search(r'href="/missed/" data-testid="today-missed">.*?</a>', html, re.S)[0]
    assert "Missed, waiting for a call back 2" in text_of(missed)
    assert 'data-testid="missed-longest">30:00<' in missed
    assert 'data-testid="missed-average">20:00<' in missed


def test_with_nobody_waiting_the_queue_shows_zero(manager_client, frozen):
    html = manager_client.get(BOARD).content.decode()
    missed = re.search(r'data-testid="today-missed">.*?</a>', html, re.S)[0]
    assert "Missed, waiting for a call back 0" in text_of(missed)
    assert "longest" not in missed


def add_agents(count, start, frozen_now):
    agents_group = Group.objects.get(name=Role.AGENT.value)
    for n in range(start, start + count):
        person = User.objects.create_user(f"agent{n}", first_name=f"Agent {n}")
        person.groups.add(agents_group)
        make_call(sid=sid(1000 + n), agent=person, status="completed", date_created=frozen_now)
        make_call(sid=sid(2000 + n), agent=person, status="in-progress", date_created=frozen_now)


@pytest.mark.parametrize("agents", [1, 30])
def test_the_board_costs_the_same_few_queries_with_1_or_30_agents(
    manager_client, frozen, agents, django_assert_max_num_queries
):
    add_agents(agents, 0, NOW - timedelta(minutes=5))
    call = make_call(sid=sid(1), status="no-answer", direction="inbound")
    MissedCustomer.objects.create(
        number="+919811000001", first_try_at=NOW, last_try_at=NOW, first_call=call, last_call=call
    )
    manager_client.get(BOARD)  # the session and the user, as on every page
    # session, user, their profile (time zone), their groups; live calls, agents, today by agent, missed queue
    with django_assert_max_num_queries(8):
        response = manager_client.get(BOARD)
    assert len(rows(response.content.decode(), "agent-row")) == agents


@pytest.mark.parametrize(
    "query", ["?x=%00", "?page=99999999999999999999", "?" + "a" * 5000 + "=1", "?since=9999-12-31"]
)
def test_hostile_query_strings_change_nothing(client, manager, agent, query):
    client.force_login(manager)
    assert client.get(BOARD + query).status_code == 200
    assert client.get(reverse("live") + query).status_code == 200
    client.force_login(agent)
    assert client.get(reverse("live-mine") + query).status_code == 200
