"""Whatever the filters, an agent only ever sees their own calls; only managers and admins pick an agent."""

import re

import pytest
from django.contrib.auth.models import User

from calls.tests.factories import make_call

from .log_page import listed, rows, selected


@pytest.fixture
def calls(agent, other_agent, flow):
    make_call(sid="asha", agent=agent, status="completed", duration=30, to_number="+919876543210")
    make_call(
        sid="vikram",
        agent=other_agent,
        status="busy",
        direction="inbound",
        duration=300,
        from_number="+919811122233",
        to_number="+918030752400",
        flow=flow,
        recording_url="https://recordings.exotel.com/v.mp3",
    )


def test_agents_see_only_their_own_calls(agent_client, calls):
    assert listed(agent_client) == ["asha"]


@pytest.mark.parametrize(
    "query",
    [
        "sid=vikram",
        "sid=vikram,asha",
        "status=busy",
        "direction=inbound",
        "duration__gte=300",
        "from_number=9811122233",
        "to_number=080 3075 2400",
        "number_ends=2233",
        "has_recording=true",
        "flow={flow}",
        "agent={other_agent}",
        "sort=-duration",
    ],
)
def test_no_filter_shows_an_agent_another_agents_call(agent_client, calls, flow, other_agent, query):
    query = query.format(flow=flow.pk, other_agent=other_agent.pk)
    assert "vikram" not in selected(agent_client, query)


def test_agents_do_not_get_the_agent_filter_nor_the_agent_column(agent_client, calls, other_agent):
    response = agent_client.get(f"/calls/?agent={other_agent.pk}")
    assert "agent" not in response.context["filter"].form.fields
    assert 'name="agent"' not in response.content.decode()
    assert "agent" not in [column.name for column in response.context["table"].columns]
    assert rows(response) == ["asha"]


def test_managers_and_admins_get_the_agent_filter(client, manager, admin, calls):
    for user in (manager, admin):
        client.force_login(user)
        response = client.get("/calls/")
        assert "agent" in response.context["filter"].form.fields
        assert selected(client, "") == {"asha", "vikram"}


def test_no_role_no_log(client, db):
    client.force_login(User.objects.create_user("nobody"))
    assert client.get("/calls/").status_code == 403


def test_the_log_asks_strangers_to_log_in(client, db):
    response = client.get("/calls/?status=completed")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("who", ["agent_client", "manager_client"])
def test_each_row_has_a_cell_under_each_heading(request, calls, who):
    page = request.getfixturevalue(who).get("/calls/").content.decode()
    table = page[page.index('data-testid="call-table"') :]
    headings = len(re.findall(r"<th[ >]", table[: table.index("</thead>")]))
    body = table[table.index("<tbody") : table.index("</tbody>")]
    assert body.count("<td") == headings * body.count("<tr")
    assert ("Agent" in table[: table.index("</thead>")]) == (who == "manager_client")
