"""The call page for each kind of call: ours, a customer calling in, a flow call, a dashboard call."""

import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from exotel.client import ExotelServerError

from .factories import SID, T0, make_call
from .fake_exotel import FakeExotel, record

CUSTOMER = "+919876543210"
EXOPHONE = "+918030752400"
ASHAS_PHONE = "+919845012301"  # the agent fixture's


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
    assert field(html, "Duration") == "1:33 (talk 1:20)"
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


class CountingExotel(FakeExotel):
    def __init__(self, *records):
        super().__init__(records)
        self.asked = []

    def call_details(self, sid):
        self.asked.append(sid)
        return super().call_details(sid)


@pytest.fixture
def exotel(monkeypatch):
    fake = CountingExotel(record(SID, status="completed"))
    monkeypatch.setattr("calls.tasks.shared_client", lambda **options: fake)
    return fake


def refresh(client, call):
    """Click "Refresh from Exotel"; returns what the page then says."""
    html = client.post(f"/calls/{call.pk}/refresh/", follow=True).content.decode()
    return [
        text(alert).strip() for alert in re.findall(r'<div class="alert[^>]*role="alert">(.*?)</div>', html)
    ]


def test_a_flood_of_refreshes_asks_exotel_once_and_says_when_to_try_again(agent_client, agent, exotel):
    call = make_call(agent=agent, status="in-progress")
    assert refresh(agent_client, call) == [
        "Asked Exotel about this call; what it says appears in the time line."
    ]
    said = [refresh(agent_client, call) for _ in range(20)]
    assert exotel.asked == [SID]
    call.refresh_from_db()
    assert call.status == "completed" and call.refresh_queued_at is None
    assert re.fullmatch(r"Asked Exotel \d+ s ago; try again in \d+ s\.", said[-1][0])


def test_a_refresh_waiting_for_a_worker_is_not_queued_twice(agent_client, agent, exotel, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.tasks import default_task_backend

    call = make_call(agent=agent, status="in-progress")
    refresh(agent_client, call)
    assert refresh(agent_client, call) == [
        "A refresh is already on its way; what Exotel says appears in the time line."
    ]
    assert len(default_task_backend.results) == 1


def test_a_check_by_the_reconciler_counts_as_asking(agent_client, agent, exotel):
    call = make_call(
        agent=agent, status="in-progress", last_checked_at=timezone.now() - timedelta(seconds=12)
    )
    assert refresh(agent_client, call) in (
        ["Asked Exotel 12 s ago; try again in 18 s."],
        ["Asked Exotel 13 s ago; try again in 17 s."],  # a slow machine
    )
    assert exotel.asked == []


def test_thirty_seconds_after_the_last_question_exotel_is_asked_again(agent_client, agent, exotel):
    call = make_call(
        agent=agent, status="in-progress", last_checked_at=timezone.now() - timedelta(seconds=31)
    )
    refresh(agent_client, call)
    assert exotel.asked == [SID]


def test_a_refresh_lost_with_its_worker_does_not_block_the_next(agent_client, agent, exotel):
    call = make_call(
        agent=agent, status="in-progress", refresh_queued_at=timezone.now() - timedelta(minutes=6)
    )
    refresh(agent_client, call)
    assert exotel.asked == [SID]


def test_a_refresh_exotel_failed_still_counts_as_asking(agent_client, agent, exotel):
    call = make_call(agent=agent, status="in-progress", sid="not-at-exotel-5xx")

    def exotel_fails(sid):
        raise ExotelServerError("Exotel failed to answer (HTTP 500).", http_status=500)

    exotel.call_details = exotel_fails
    refresh(agent_client, call)
    call.refresh_from_db()
    assert call.last_checked_at is not None and call.refresh_queued_at is None
    assert refresh(agent_client, call)[0].startswith("Asked Exotel 0 s ago")
