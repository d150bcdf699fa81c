"""The call log: each filter family selects exactly the right calls; bad input gets words, never a 500."""

from datetime import timedelta

import pytest

from .factories import T0, make_call


def sids(response):
    return {row.record.sid for row in response.context["table"].page.object_list}


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def test_managers_see_every_call_newest_first(manager_client, calls):
    response = manager_client.get("/calls/")
    rows = [row.record.sid for row in response.context["table"].page.object_list]
    assert rows == ["busy", "done", "long"]


def test_agents_see_only_their_own_calls(client, agent, calls):
    client.force_login(agent)
    assert sids(client.get("/calls/")) == {"done", "busy"}
    assert sids(client.get("/calls/?sid=long")) == set()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=completed", {"done", "long"}),
        ("status=completed&status=busy", {"done", "busy", "long"}),
        ("direction=inbound", {"long"}),
        ("duration__gte=30", {"done", "long"}),
        ("duration__lte=30", {"done", "busy"}),
        ("duration__eq=300", {"long"}),
        ("price__gte=0.5&price__lte=1", {"done"}),
        ("price__eq=3", {"long"}),
        ("to_number=098765 12345", {"busy"}),
        ("from_number=%2B919811122233,+919845012301", {"done", "busy", "long"}),
        ("exophone=080 3075 2400", {"done", "busy", "long"}),
        ("sid=done,long", {"done", "long"}),
        ("number_ends=2233", {"long"}),
        ("has_recording=true", {"done"}),
        ("has_recording=false", {"busy", "long"}),
    ],
)
def test_each_filter_selects_exactly_the_right_calls(manager_client, calls, query, expected):
    response = manager_client.get(f"/calls/?{query}")
    assert response.status_code == 200
    assert not response.context["filter"].form.errors
    assert sids(response) == expected


def test_the_date_range_is_read_in_the_users_time_zone(manager_client, calls):
    # "done" was created at 10:00 in Kolkata (04:30 UTC).
    assert sids(manager_client.get("/calls/?created_from=2026-11-20T10:00&created_to=2026-11-20T10:00")) == {
        "done"
    }
    assert sids(manager_client.get("/calls/?created_from=2026-11-20T10:01")) == {"busy"}
    assert sids(manager_client.get("/calls/?created_to=2026-11-20T09:59")) == {"long"}


def test_agent_and_flow_filters(manager_client, calls, other_agent, flow):
    assert sids(manager_client.get(f"/calls/?agent={other_agent.pk}")) == {"long"}
    assert sids(manager_client.get(f"/calls/?flow={flow.pk}")) == {"long"}


def test_sorting_by_duration_and_price(manager_client, calls):
    def order(sort):
        return [
            row.record.sid
            for row in manager_client.get(f"/calls/?sort={sort}").context["table"].page.object_list
        ]

    assert order("-duration") == ["long", "done", "busy"]
    assert order("price") == ["busy", "done", "long"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("duration__gte=abc", "Enter a number"),
        ("created_from=2024-13-45", "Enter a valid date"),
        ("to_number=1,2,3,4,5,6", "At most 5"),
        ("to_number=12345", "does not exist"),
        ("sid=abc$def", "Not a call Sid"),
        ("number_ends=12ab", "Digits 0-9"),
        ("status=teleported", "Select a valid choice"),
        ("page=-1", "does not exist"),
        ("page=abc", "does not exist"),
        ("sort=password", "Cannot sort by"),
    ],
)
def test_bad_filter_input_is_explained_on_the_page(manager_client, calls, query, message):
    response = manager_client.get(f"/calls/?{query}")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'data-testid="filter-errors"' in response.content.decode()


def test_the_filter_state_stays_in_the_paging_links(manager_client, agent):
    for i in range(60):
        make_call(sid=f"c{i}", agent=agent, status="completed", date_created=T0 - timedelta(minutes=i))
    html = manager_client.get("/calls/?status=completed").content.decode()
    assert "status=completed" in html and "page=2" in html


def test_no_role_no_log(client, db):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("nobody"))
    assert client.get("/calls/").status_code == 403


def test_a_user_with_their_own_zone_filters_in_that_zone(client, manager, calls):
    manager.agent_profile.time_zone = "Asia/Dubai"  # 08:30 there when it is 10:00 in Kolkata
    manager.agent_profile.save()
    client.force_login(manager)
    assert sids(client.get("/calls/?created_from=2026-11-20T08:30&created_to=2026-11-20T08:30")) == {"done"}
