"""A manager runs a campaign in Chromium against the sandbox: upload, preview, start, and the progress page
following it to the end without a reload; the page fits a phone and passes axe.

The pump runs every second in a thread of the test, as the scheduler would run it; the dial task runs at once
in that thread (the tests' immediate task backend), and the sandbox's callbacks reach the live server.
"""

import re
import threading
from datetime import UTC, datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connection
from playwright.sync_api import expect

from campaigns import pump
from campaigns.models import Campaign, Contact
from exotel_dashboard.testing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The last two digits choose the sandbox's outcome: 10 answers, 75 is busy, 95 is on DND (connect says 403).
LIST = (
    "number,name,custom_field\r\n"
    "+91 98765 43210,Anil,INV-1\r\n"
    "09876543275,Bela,INV-2\r\n"
    "9876543295,Chitra,INV-3\r\n"
    "call me maybe,Dev,INV-4\r\n"
).encode("utf-8-sig")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def pump_every_second():
    """The scheduler's job, in a thread: pump() once a second until the test ends."""
    stop = threading.Event()
    failures = []

    def run():
        try:
            while not stop.wait(pump.TICK_SECONDS):
                pump.pump()
        except Exception as exc:  # reported by the test, not lost in the thread
            failures.append(repr(exc))
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield failures
    stop.set()
    thread.join(timeout=30)
    assert not failures, failures


@pytest.fixture
def fast_sandbox(sandbox_factory, live_server, settings):
    from exotel_dashboard.testing import point_app_at

    return point_app_at(sandbox_factory(speed=100), live_server, settings)


def serious_violations(page):
    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    )
    return [
        f"{violation['id']}: {[node['target'] for node in violation['nodes'][:3]]}"
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def fill_the_form(page):
    page.goto("/campaigns/new/")
    page.get_by_label("Name").fill("Payment reminders, December")
    page.get_by_label("Contacts (CSV)").set_input_files(
        files=[{"name": "december.csv", "mimeType": "text/csv", "buffer": LIST}]
    )
    # Calling hours around the clock, in a zone where it is not the last minute of the day now.
    zone = "UTC" if datetime.now(UTC).hour < 23 else "Asia/Kolkata"
    page.get_by_label("Calling from").fill("00:00")
    page.get_by_label("Calling until").fill("23:59")
    page.get_by_label("Time zone of these hours").select_option(zone)
    page.get_by_label("Attempts per contact").fill("1")


def test_a_manager_uploads_a_list_starts_it_and_watches_it_finish(
    page, fast_sandbox, manager, exophone, flow, pump_every_second
):
    log_in(page, manager)
    fill_the_form(page)
    assert serious_violations(page) == []
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url(re.compile(r"/campaigns/\d+/$"))

    campaign = Campaign.objects.get()
    assert campaign.state == Campaign.State.DRAFT
    expect(page.get_by_test_id("valid-count")).to_have_text("3")
    expect(page.get_by_test_id("refused-count")).to_have_text("1")
    refused = page.locator("table").filter(has_text="call me maybe")
    expect(refused).to_contain_text("5")  # the line in the file, the header being line 1
    assert fast_sandbox.requests() == []  # nothing dialled before Start
    assert serious_violations(page) == []

    page.get_by_role("button", name="Start calling 3 contacts").click()
    expect(page.get_by_test_id("campaign-state")).to_have_text("Running")
    page.evaluate("window.stayedOnThisPage = true")

    # The progress fragment polls every 2 s: the page follows the campaign to its end by itself.
    expect(page.get_by_test_id("campaign-state")).to_have_text("Finished", timeout=60_000)
    expect(page.get_by_test_id("percent-done")).to_have_text("3 of 3 contacts done (100%)")
    expect(page.get_by_test_id("count-reached")).to_have_text("1")
    expect(page.get_by_test_id("count-busy")).to_have_text("1")
    expect(page.get_by_test_id("count-dnd")).to_have_text("1")
    expect(page.get_by_test_id("count-waiting")).to_have_text("0")
    expect(page.get_by_test_id("count-dialling")).to_have_text("0")
    assert page.evaluate("window.stayedOnThisPage") is True

    outcomes = dict(Contact.objects.values_list("number", "outcome"))
    assert outcomes == {"+919876543210": "reached", "+919876543275": "busy", "+919876543295": "dnd"}
    connects = [r for r in fast_sandbox.requests() if r["path"].endswith("/Calls/connect.json")]
    assert sorted(r["form"]["From"][-10:] for r in connects) == ["9876543210", "9876543275", "9876543295"]

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.get_by_test_id("campaign-state")).to_have_text("Finished")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert serious_violations(page) == []
