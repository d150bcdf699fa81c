"""The call page for each kind of call: ours, a customer calling in, a flow call, a dashboard call."""

import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest

from .factories import T0, make_call

CUSTOMER = "+919876543210"
EXOPHONE = "+918030752400"
ASHAS_PHONE = "+919845012301"  # the agent fixture's


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def page(client, call):
    response = client.get(f"/calls/{call.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def text(fragment):
    return re.sub(r"<[^>]+>", "", fragment)


def heading(html):
    return text(re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)).strip()


def call_back_number(html):
    href = re.search(r'href="([^"]+)"[^>]*data-testid="call-back"', html).group(1)
    return parse_qs(urlparse(href.replace("&amp;", "&")).query)["to"][0]


def legs(html):
    """(whose, number, status) of each row of the legs table."""
    rows = re.findall(r"<tr><td>\d \((\w+)\)</td><td>(.*?)</td><td[^>]*>([^<]*)</td>", html)
    return [(whose, text(number), status) for whose, number, status in rows]


def field(html, label):
    return text(re.search(rf"<dt[^>]*>{label}</dt><dd[^>]*>(.*?)</dd>", html).group(1))


def test_a_customers_call_in_that_no_agent_took_shows_the_caller_and_calls_them_back(manager_client):
    call = make_call(
        direction="inbound",
        from_number=CUSTOMER,
        to_number=EXOPHONE,
        status="no-answer",
        leg1_status="completed",
        leg2_status="no-answer",
    )
    html = page(manager_client, call)
    assert heading(html) == "Call from +91 98765 43210"
    assert field(html, "Agent") == "—"
    assert call_back_number(html) == CUSTOMER
    assert legs(html) == [("customer", "+91 98765 43210", "completed"), ("agent", "—", "no-answer")]
    assert "You did not answer" not in html


def test_a_click_to_call_rings_the_agent_first_and_calls_the_customer_back(manager_client, agent, exophone):
    call = make_call(
        agent=agent,
        exophone=exophone,
        direction="outbound-api",
        from_number=ASHAS_PHONE,
        to_number=CUSTOMER,
        status="completed",
        leg1_status="completed",
        leg2_status="completed",
    )
    html = page(manager_client, call)
    assert heading(html) == "Call to +91 98765 43210"
    assert field(html, "Agent") == (agent.get_full_name() or agent.username)
    assert call_back_number(html) == CUSTOMER
    assert legs(html) == [
        ("agent", "+91 98450 12301", "completed"),
        ("customer", "+91 98765 43210", "completed"),
    ]


def test_a_flow_call_has_the_customers_leg_only_and_calls_them_back(manager_client, agent, flow):
    call = make_call(
        agent=agent, flow=flow, from_number=CUSTOMER, to_number=EXOPHONE, leg1_status="completed"
    )
    html = page(manager_client, call)
    assert heading(html) == "Flow call: Support IVR"
    assert call_back_number(html) == CUSTOMER
    assert legs(html) == [("customer", "+91 98765 43210", "completed")]


def test_a_call_made_on_exotels_own_dashboard_has_neither_agent_nor_exophone_here(manager_client):
    call = make_call(direction="outbound-dial", exophone=None, agent=None, status="busy", phone_number="")
    html = page(manager_client, call)
    assert field(html, "Agent") == "—"
    assert 'Caller ID</dt><dd class="col-sm-9">—</dd>' in html


@pytest.mark.parametrize(
    ("status", "phase"),
    [("ringing", "Ringing"), ("in-progress", "In progress")],
)
def test_a_live_call_in_is_not_described_as_ringing_the_agents_phone(manager_client, status, phase):
    call = make_call(direction="inbound", from_number=CUSTOMER, to_number=EXOPHONE, status=status)
    html = page(manager_client, call)
    assert re.search(r'data-testid="call-phase">([^<]*)<', html).group(1) == phase
    assert "your phone" not in html and "You are talking" not in html


def test_every_field_exotel_and_we_know_of_a_call_is_on_its_page(manager_client, agent, exophone, flow):
    call = make_call(
        agent=agent,
        exophone=exophone,
        flow=flow,
        from_number=CUSTOMER,
        date_created=T0,
        start_time=T0 + timedelta(seconds=2),
        end_time=T0 + timedelta(seconds=95),
        date_updated=T0 + timedelta(seconds=96),
        status="completed",
        duration=93,
        conversation_duration=80,
        price=Decimal("1.2000"),
        custom_field="ticket-4411",
        request_options={"time_out": 30, "time_limit": 600},
        dial_attempts=2,
        last_checked_at=T0 + timedelta(minutes=5),
    )
    html = page(manager_client, call)
    assert field(html, "Flow") == "Support IVR (app 245871)"
    assert field(html, "Created") == "20 Nov 2026, 10:00:00 IST"
    assert field(html, "Started") == "20 Nov 2026, 10:00:02 IST"
    assert field(html, "Ended") == "20 Nov 2026, 10:01:35 IST"
    assert field(html, "Updated by Exotel") == "20 Nov 2026, 10:01:36 IST"
    assert field(html, "Duration") == "93 s (talk 80 s)"
    assert field(html, "Price") == "1.2000"
    assert field(html, "Custom field") == "ticket-4411"
    assert field(html, "Options we sent") == "time_limit 600 · time_out 30"
    assert field(html, "Dial attempts") == "2"
    assert field(html, "Last asked Exotel") == "20 Nov 2026, 10:05:00 IST"
    assert field(html, "Caller ID") == "Bengaluru support (+91 80 3075 2400)"


def test_times_exotel_has_not_given_yet_are_dashes(manager_client):
    html = page(manager_client, make_call(status="ringing"))
    assert [
        field(html, label) for label in ("Started", "Ended", "Updated by Exotel", "Last asked Exotel")
    ] == ["—"] * 4
