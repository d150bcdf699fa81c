"""An agent watches a call live in Chromium: every part of its page changes in place, never by a reload."""

import re
from itertools import pairwise

import pytest
from playwright.sync_api import expect

from calls.models import Call
from calls.placing.tasks import dial_call
from exotel_dashboard.testing import log_in, point_app_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CUSTOMER = "+919876543210"  # ends in 10: both answer and talk for 40 simulated seconds
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
HELD = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}  # the dial waits for the test

WATCH_ANNOUNCEMENTS = """() => {
  const region = document.querySelector("#call-phase-live");
  window.announced = [region.textContent.trim()];
  new MutationObserver(() => window.announced.push(region.textContent.trim()))
    .observe(region, {childList: true, subtree: true, characterData: true});
}"""


@pytest.fixture
def slow_sandbox(sandbox_factory, live_server, settings):
    """At 4 simulated seconds a real second, the call rings for ~3 s and talks for 10."""
    return point_app_at(sandbox_factory(speed=4), live_server, settings)


def place_a_call_that_waits_for_its_dial(page, settings):
    settings.TASKS = HELD
    page.goto(f"/calls/new/?to={CUSTOMER}")
    page.get_by_text("More options").click()
    page.get_by_label("Record the call").check()
    page.get_by_role("button", name="Call", exact=True).click()
    page.wait_for_url(re.compile(r"/calls/\d+/$"))
    settings.TASKS = IMMEDIATE
    return Call.objects.get(to_number=CUSTOMER)


def test_the_page_follows_a_call_from_queued_to_its_recording_without_reloading(
    page, slow_sandbox, settings, agent, exophone
):
    log_in(page, agent)
    call = place_a_call_that_waits_for_its_dial(page, settings)
    page.evaluate("window.stayedOnThisPage = true")
    page.evaluate(WATCH_ANNOUNCEMENTS)
    assert page.title() == "Call with +91 98765 43210 · Exotel Dashboard"
    status = page.locator("#call-phase-live")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    expect(status).to_have_text("Queued")
    expect(page.get_by_test_id("call-sid")).to_have_text("—")
    expect(page.get_by_test_id("call-started")).to_have_text("—")

    dial_call.call(call.pk)
    call.refresh_from_db()
    expect(page.get_by_test_id("call-sid")).to_have_text(call.sid)
    expect(status).to_have_text("In progress", timeout=10_000)
    expect(page.get_by_test_id("call-started")).not_to_have_text("—")
    expect(page.get_by_test_id("call-elapsed")).to_contain_text("Started")
    timer = page.get_by_test_id("call-timer")
    first = timer.inner_text()
    expect(timer).not_to_have_text(first, timeout=3_000)  # it ticks in the browser
    assert page.get_by_test_id("event").count() >= 2  # the connect's answer, the agent answering, …
    expect(page.get_by_test_id("wrap-up-while-live")).to_be_visible()

    page.locator("[data-final=true]").wait_for(timeout=20_000)
    expect(status).to_have_text("Completed")
    expect(page.get_by_test_id("recording")).to_be_attached()
    expect(page.get_by_test_id("call-ended")).not_to_have_text("—")
    assert page.get_by_test_id("call-elapsed").count() == 0
    assert page.get_by_test_id("event").count() >= 3
    assert page.evaluate("window.stayedOnThisPage") is True
    # The region said each status once: a poll that brought no change left it alone.
    announced = page.evaluate("window.announced")
    assert announced[0] == "Queued" and announced[-1] == "Completed"
    assert all(before != after for before, after in pairwise(announced)), announced
    assert page.locator("#wrap-up select").evaluate("field => field === document.activeElement")
    expect(
        page.get_by_test_id("wrap-up-while-live")
    ).to_be_hidden()  # "notes while you talk" went with the call


def test_refresh_shows_exotels_answer_and_the_time_line_in_place(
    page, slow_sandbox, settings, agent, exophone
):
    log_in(page, agent)
    call = place_a_call_that_waits_for_its_dial(page, settings)
    dial_call.call(call.pk)
    page.locator("[data-final=true]").wait_for(timeout=30_000)
    page.evaluate("window.stayedOnThisPage = true")
    events = page.get_by_test_id("event").count()

    page.get_by_test_id("call-refresh").click()
    expect(page.get_by_test_id("refresh-said")).to_have_text("Exotel says: completed.")
    expect(page.get_by_test_id("event")).to_have_count(events + 1)
    assert "Call details" in page.get_by_test_id("event").last.inner_text()

    page.get_by_test_id("call-refresh").click()
    expect(page.get_by_test_id("refresh-said")).to_have_text(re.compile(r"Asked Exotel \d+ s ago; try again"))
    assert page.evaluate("window.stayedOnThisPage") is True
