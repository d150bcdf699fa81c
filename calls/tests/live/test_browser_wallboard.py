"""A manager watches a call on the wallboard in a real Chromium: ringing, talking, ended, without a reload."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls.tests.factories import make_call
from exotel_dashboard.testing import log_in, point_app_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE_WIDTH = 390


@pytest.fixture
def slow_sandbox(sandbox_factory, live_server, settings):
    """The sandbox in real time: the agent's phone rings 5 s, the customer's 6 s, they talk 10 s (…00)."""
    return point_app_at(sandbox_factory(speed=1.0), live_server, settings)


def test_a_managers_wallboard_follows_a_call_from_ringing_to_completed(
    page, browser, live_server, slow_sandbox, agent, manager, exophone
):
    log_in(page, manager)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    page.goto("/live/")
    page.get_by_test_id("live-empty").wait_for()
    page.evaluate("window.notReloaded = true")

    agents_browser = browser.new_context(base_url=live_server.url, timezone_id="Asia/Kolkata")
    try:
        agents_page = agents_browser.new_page()
        log_in(agents_page, agent)
        agents_page.goto("/calls/new/")
        agents_page.get_by_label("Customer number").fill("+919876543200")
        agents_page.get_by_test_id("number-info").wait_for()
        agents_page.get_by_role("button", name="Call", exact=True).click()
        agents_page.wait_for_url("**/calls/*/")

        phase = page.get_by_test_id("live-phase")
        phase.filter(has_text="Ringing").wait_for(timeout=10_000)
        agent_now = page.locator("[data-testid=agent-row][data-agent=asha] [data-testid=agent-now]")
        assert "On a call" in agent_now.inner_text()
        phase.filter(has_text="In progress").wait_for(timeout=20_000)
        page.get_by_test_id("live-empty").wait_for(timeout=25_000)  # completed: no longer live
        assert "Free since" in agent_now.inner_text()
        answered = page.locator("[data-testid=agent-row][data-agent=asha] [data-testid=agent-answered]")
        assert answered.inner_text() == "1"
    finally:
        agents_browser.close()
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def test_times_tick_in_the_browser_and_a_lost_server_is_said(page, manager, agent):
    make_call(agent=agent, status="in-progress", date_created=timezone.now() - timedelta(minutes=5))
    log_in(page, manager)
    page.goto("/live/")
    page.route("**/live/board/", lambda route: route.abort())  # from now on, no poll gets through
    page.get_by_test_id("live-stale").wait_for()
    ticking = page.locator("[data-testid=live-call] [data-since]")
    before = ticking.inner_text()
    page.wait_for_function(
        "before => document.querySelector('[data-testid=live-call] [data-since]').textContent !== before",
        arg=before,
    )
    assert ticking.inner_text().startswith("5:")
