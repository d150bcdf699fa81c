"""The call page for each kind of call (ours, a customer calling in, a flow call, a dashboard call), its live
fragment, and asking Exotel again."""

import re
from datetime import UTC, timedelta
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from calls.models import Call
from calls.placing.failures import plain_reason
from exotel.client import ExotelOutcomeUnknown, ExotelServerError

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
    return unescape(re.sub(r"<[^>]+>", "", fragment))


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
    assert heading(html) == "Call with +91 98765 43210"
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
    assert heading(html) == "Flow call to +91 98765 43210"
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
    assert field(html, "Price") == "₹1.20"
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
    assert refresh(agent_client, call) == ["Exotel says: completed."]
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


def title(html):
    return re.search(r"<title>(.*?) · Exotel Dashboard</title>", html, re.S).group(1).strip()


def phase_text(html):
    return re.search(r'data-testid="call-phase">([^<]*)<', html).group(1)


def time_line(html):
    section = re.search(r'<section id="call-events".*?</section>', html, re.S).group(0)
    return [" ".join(text(item).split()) for item in re.findall(r"<li[^>]*>(.*?)</li>", section, re.S)]


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ({"direction": "outbound-api"}, "Call with +91 98765 43210"),
        ({"direction": "outbound-dial", "agent": None}, "Call with +91 98765 43210"),
        (
            {"direction": "inbound", "from_number": CUSTOMER, "to_number": EXOPHONE},
            "Call from +91 98765 43210",
        ),
    ],
)
def test_the_page_title_names_the_call_by_its_customer(manager_client, kind, words):
    html = page(manager_client, make_call(**kind))
    assert title(html) == words
    assert heading(html) == words


def test_a_flow_calls_title_names_the_customer_the_flow_calls(manager_client, agent, flow):
    call = make_call(agent=agent, flow=flow, from_number=CUSTOMER, to_number=EXOPHONE, status="in-progress")
    assert title(page(manager_client, call)) == "Flow call to +91 98765 43210"


@pytest.mark.parametrize("status", ["ringing", "in-progress"])
def test_a_live_flow_call_says_what_is_true_and_how_long_it_has_gone_on(manager_client, agent, flow, status):
    call = make_call(
        agent=agent,
        flow=flow,
        from_number=CUSTOMER,
        to_number=EXOPHONE,
        status=status,
        date_created=timezone.now() - timedelta(seconds=75),
    )
    html = page(manager_client, call)
    assert phase_text(html) == "In the flow"
    assert "Exotel is connecting the customer to Support IVR; it tells us when the call ends." in html
    assert "Ringing customer" not in html
    elapsed = text(re.search(r'<p[^>]*data-testid="call-elapsed">(.*?)</p>', html, re.S).group(1))
    assert re.fullmatch(r"Placed 1:1[56] ago", elapsed.strip())


def test_the_timer_counts_from_when_exotel_says_the_call_started(manager_client):
    started = timezone.now() - timedelta(minutes=2, seconds=5)
    html = page(manager_client, make_call(status="in-progress", start_time=started))
    timer = re.search(r'data-since="([^"]+)" data-testid="call-timer">([^<]*)<', html)
    assert timer.group(1) == started.astimezone(UTC).isoformat(timespec="seconds")
    assert timer.group(2) in ("2:05", "2:06")


def test_a_final_call_has_no_timer_and_its_page_stops_polling(manager_client):
    html = page(manager_client, make_call(status="completed", start_time=T0, end_time=T0))
    assert 'data-testid="call-elapsed"' not in html
    status = re.search(r'<div id="call-status"[^>]*>', html).group(0)
    assert 'data-final="true"' in status and "hx-get" not in status


def test_the_status_shows_its_label_without_the_raw_status(manager_client):
    html = page(manager_client, make_call(status="pending", sid=None))
    assert phase_text(html) == "Queued"
    assert "pending" not in text(re.search(r'<p class="fs-4.*?</p>', html, re.S).group(0))
    assert 'data-testid="call-raw-status"' not in html


def test_the_status_sits_in_a_polite_live_region(manager_client):
    html = page(manager_client, make_call(status="ringing"))
    region = re.search(r'<span id="call-phase-live"([^>]*)>(.*?)</span></p>', html, re.S)
    assert 'role="status"' in region.group(1) and 'aria-live="polite"' in region.group(1)
    assert text(region.group(2)).strip() == "Ringing you"


def test_a_call_exotel_refused_shows_exotels_answer_in_its_time_line(manager_client, agent):
    refusal = (
        "The customer's number is on the Do Not Disturb registry (TRAI NCPR). Exotel said: Call to "
        "09876543295 cannot be made because of TRAI NDNC regulations"
    )
    call = make_call(agent=agent, sid=None, status="not-placed", error_message=refusal)
    html = page(manager_client, call)
    [entry] = time_line(html)
    assert entry.startswith("Dial Not placed · ") and entry.endswith(refusal)
    assert "Nothing from Exotel yet" not in html


def test_a_call_found_after_its_connect_went_unanswered_shows_only_its_outcome(manager_client, agent):
    call = make_call(
        agent=agent,
        status="completed",
        error_message=plain_reason(ExotelOutcomeUnknown("Read timed out.")),
    )
    html = page(manager_client, call)
    assert phase_text(html) == "Completed"
    assert "checking" not in html.lower()
    assert "Nothing from Exotel yet" in html


def test_a_call_exotel_no_longer_knows_says_why(manager_client, agent):
    call = make_call(
        agent=agent, status="lost", error_message="Exotel answered “not found” for this call's Sid."
    )
    assert "Exotel answered “not found” for this call's Sid." in unescape(page(manager_client, call))


def status_fragment(client, call, **shown):
    response = client.get(f"/calls/{call.pk}/status/", shown, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "HX-Refresh" not in response.headers
    return response.content.decode()


def shown_now(html):
    """What the page (or the last fragment) says it shows: the values it sends with its next poll."""
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html))


def test_the_status_fragment_brings_every_part_that_changes(manager_client, agent):
    call = make_call(agent=agent, sid=None, status="queued")
    shown = shown_now(page(manager_client, call))
    call.sid, call.status, call.start_time = SID, "in-progress", timezone.now() - timedelta(seconds=3)
    call.leg1_status, call.leg2_status = "in-progress", "in-progress"
    call.save()
    call.events.create(source="callback", event_type="answered", status="in-progress", dedupe_key="k1")

    html = status_fragment(manager_client, call, **shown)
    assert re.search(r'<div id="call-status"[^>]*hx-swap-oob="true"[^>]*hx-get=', html)
    assert SID in field(html, "Exotel Sid")
    assert field(html, "Started") != "—"
    assert legs(html) == [
        ("agent", "+91 98450 12301", "in-progress"),
        ("customer", "+91 98765 43210", "in-progress"),
    ]
    assert time_line(html)[0].startswith("Status callback answered in-progress")
    assert phase_text(html) == "In progress"
    assert 'data-testid="call-timer">0:0' in html


def test_a_poll_that_brings_no_news_leaves_the_announced_status_and_time_line_alone(manager_client, agent):
    call = make_call(agent=agent, status="in-progress", leg2_status="in-progress")
    html = status_fragment(manager_client, call, **shown_now(page(manager_client, call)))
    assert 'id="call-phase-live"' not in html
    assert 'id="call-events"' not in html and 'id="call-recording"' not in html
    assert 'id="call-status"' in html and 'id="call-facts"' in html


def test_the_last_poll_shows_the_end_and_stops(manager_client, agent):
    call = make_call(agent=agent, status="in-progress", leg2_status="in-progress")
    shown = shown_now(page(manager_client, call))
    Call.objects.filter(pk=call.pk).update(status="completed", recording_url="https://example.in/r.mp3")
    html = status_fragment(manager_client, call, **shown)
    assert phase_text(html) == "Completed"
    assert 'data-testid="recording"' in html
    assert "hx-get" not in re.search(r'<div id="call-status"[^>]*>', html).group(0)


def test_the_wrap_up_takes_the_focus_when_the_agents_own_call_ends(agent_client, agent):
    call = make_call(agent=agent, status="in-progress")
    shown = shown_now(page(agent_client, call))
    Call.objects.filter(pk=call.pk).update(status="completed")
    assert "data-focus-wrap-up" in status_fragment(agent_client, call, **shown)


def test_the_wrap_up_does_not_take_a_managers_focus(manager_client, agent):
    call = make_call(agent=agent, status="in-progress")
    shown = shown_now(page(manager_client, call))
    Call.objects.filter(pk=call.pk).update(status="completed")
    assert "data-focus-wrap-up" not in status_fragment(manager_client, call, **shown)


@pytest.mark.parametrize(
    "query",
    [
        {"phase": "x" * 5000, "events": "<script>", "recording": ""},
        {"refresh": "not-a-task"},
        {"refresh": "00000000-0000-0000-0000-000000000000"},
    ],
)
def test_a_fragment_asked_with_nonsense_is_the_whole_fragment(manager_client, query):
    call = make_call(status="ringing")
    html = status_fragment(manager_client, call, **query)
    assert 'id="call-phase-live"' in html and 'id="call-events"' in html
    assert 'name="refresh"' not in html


def refresh_in_place(client, call, **shown):
    response = client.post(f"/calls/{call.pk}/refresh/", shown, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def said(html):
    return text(re.search(r'data-testid="refresh-said">(.*?)</div>', html, re.S).group(1)).strip()


def test_refresh_with_htmx_shows_exotels_answer_and_the_time_line_in_place(agent_client, agent, exotel):
    call = make_call(agent=agent, status="in-progress")
    html = refresh_in_place(agent_client, call, **shown_now(page(agent_client, call)))
    assert said(html) == "Exotel says: completed."
    assert time_line(html)[-1].startswith("Call details (reconcile) completed")
    assert phase_text(html) == "Completed"
    assert 'id="refresh-result" hx-swap-oob="innerHTML"' in html


def test_refresh_with_htmx_says_when_to_try_again(agent_client, agent, exotel):
    call = make_call(agent=agent, status="in-progress", last_checked_at=timezone.now())
    assert re.fullmatch(
        r"Asked Exotel 0 s ago; try again in 30 s\.", said(refresh_in_place(agent_client, call))
    )


def test_refresh_says_when_exotel_does_not_know_the_call(agent_client, agent, exotel):
    call = make_call(agent=agent, status="in-progress", sid="c" * 32)
    assert (
        said(refresh_in_place(agent_client, call))
        == "Exotel answered: Exotel answered 404: it has no call with this Sid."
    )


def test_refresh_says_when_asking_exotel_failed(agent_client, agent, exotel):
    call = make_call(agent=agent, status="in-progress")

    def exotel_fails(sid):
        raise ExotelServerError("Exotel failed to answer (HTTP 500).", http_status=500)

    exotel.call_details = exotel_fails
    html = refresh_in_place(agent_client, call)
    assert said(html) == "Asking Exotel failed: Exotel failed to answer (HTTP 500)."
    assert "alert-danger" in html


def test_a_call_without_a_sid_has_nothing_to_refresh(agent_client, agent, exotel):
    call = make_call(agent=agent, status="pending", sid=None)
    assert (
        said(refresh_in_place(agent_client, call))
        == "Exotel has no Sid for this call yet: there is nothing to ask."
    )
    assert exotel.asked == []


def test_a_refresh_waiting_for_a_worker_keeps_the_page_polling_until_it_answers(
    agent_client, agent, exotel, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    call = make_call(agent=agent, status="completed")
    html = refresh_in_place(agent_client, call, **shown_now(page(agent_client, call)))
    assert said(html) == "Asked Exotel about this call; its answer appears here and in the time line."
    shown = shown_now(html)
    assert shown["refresh"]
    still_waiting = status_fragment(agent_client, call, **shown)
    assert shown_now(still_waiting)["refresh"] == shown["refresh"]
    assert "hx-get" in re.search(r'<div id="call-status"[^>]*>', still_waiting).group(0)
    other = make_call(agent=agent, status="completed", sid="d" * 32)
    assert "refresh" not in shown_now(status_fragment(agent_client, other, refresh=shown["refresh"]))


def test_a_poll_costs_a_fixed_handful_of_queries(
    manager_client, agent, exophone, flow, django_assert_num_queries
):
    call = make_call(agent=agent, exophone=exophone, flow=flow, status="in-progress")
    for number in range(5):
        call.events.create(source="callback", status="in-progress", dedupe_key=f"poll-{number}")
    shown = shown_now(page(manager_client, call))
    with django_assert_num_queries(5):  # session, user, time zone and roles; the call and relations; events
        status_fragment(manager_client, call, **shown)
