"""The call log in Chromium, as a manager sees it at a desk and on a phone: rows first, one line each; no
sideways scroll of the page; a chip removes its filter."""

from datetime import timedelta
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from calls.tests.factories import make_call
from exotel_dashboard.testing import log_in
from exotel_dashboard.tests.test_browser_every_page import FAILING_IMPACTS, WCAG_TAGS

from .wrap_ups import make_dispositions, wrap_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
ONE_LINE = 40  # px: a row of one line is ~29 (a play button too); two lines would be ~49


@pytest.fixture
def busy_log(agent, other_agent, exophone):
    """Calls whose cells are as wide as they get: full names, hour-long calls, two-digit prices."""
    agent.last_name = "Raghunathan"
    agent.save(update_fields=["last_name"])
    resolved = make_dispositions()["resolved"]
    now = timezone.now()
    for index in range(30):
        call = make_call(
            sid=f"call{index:02}",
            agent=agent if index % 2 else other_agent,
            exophone=exophone,
            direction="outbound-api" if index % 3 else "inbound",
            status=["completed", "busy", "no-answer", "failed"][index % 4],
            from_number="+919845012301",
            to_number=f"+9198765432{index:02}",
            duration=3725 + index,
            price=Decimal("12.5000"),
            date_created=now - timedelta(minutes=index),
            recording_url="https://recordings.exotel.com/a.mp3" if index % 2 else "",
        )
        wrap_up(call, resolved)


def rows(page):
    return page.locator("[data-testid=call-table] tbody tr")


def test_at_a_desk_the_first_row_shows_without_scrolling_and_each_row_is_one_line(page, manager, busy_log):
    page.set_viewport_size(DESKTOP)
    log_in(page, manager)
    page.goto("/calls/")
    assert not page.get_by_test_id("filter-panel").evaluate("details => details.open")
    first = rows(page).first.bounding_box()
    assert first["y"] + first["height"] <= DESKTOP["height"]
    heights = rows(page).evaluate_all("rows => rows.map(row => row.getBoundingClientRect().height)")
    assert len(heights) == 30
    assert max(heights) < ONE_LINE, heights
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]


def test_on_a_phone_the_table_scrolls_in_its_box_and_the_page_does_not(page, manager, agent, busy_log):
    log_in(page, manager)
    page.set_viewport_size(PHONE)
    for query in ["", f"?status=busy&direction=inbound&agent={agent.pk}", "?created_from=nonsense"]:
        page.goto(f"/calls/{query}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], query
    page.goto("/calls/?status=busy")
    box = page.locator(".table-responsive").first
    assert box.evaluate("box => box.scrollWidth > box.clientWidth")  # the rows are there, one swipe away


def test_a_chip_removes_its_filter_and_keeps_the_others(page, manager, busy_log):
    log_in(page, manager)
    page.goto("/calls/")
    page.get_by_role("link", name="Missed inbound").click()
    page.wait_for_url("**direction=inbound**")
    assert page.get_by_test_id("filter-panel").evaluate("details => details.open")
    chips = page.get_by_test_id("active-filters")
    assert "Direction: Inbound" in chips.inner_text()
    # 7 of the 10 inbound calls: 2 busy, 2 not answered, 3 failed; the other 3 completed.
    assert rows(page).count() == 7
    page.get_by_role("link", name="Remove filter Status: Busy").click()
    page.wait_for_load_state()
    assert "status=busy" not in page.url and "status=failed" in page.url and "direction=inbound" in page.url
    assert rows(page).count() == 5
    assert "Status: Busy" not in chips.inner_text()

    page.get_by_role("link", name="Clear all").click()
    page.wait_for_url("**/calls/")
    assert rows(page).count() == 30
    assert not page.get_by_test_id("filter-panel").evaluate("details => details.open")


def test_the_sorted_column_says_so_and_its_link_says_what_clicking_does(page, manager, busy_log):
    log_in(page, manager)
    page.goto("/calls/")
    created = page.get_by_role("columnheader", name="Created")
    assert created.get_attribute("aria-sort") == "descending"
    page.get_by_role("link", name="Duration, sort ascending").click()
    page.wait_for_url("**sort=duration*")
    assert page.get_by_role("columnheader", name="Duration").get_attribute("aria-sort") == "ascending"
    assert page.get_by_role("columnheader", name="Created").get_attribute("aria-sort") is None
    page.get_by_role("link", name="Duration, sort descending").click()
    page.wait_for_url("**sort=-duration*")
    assert page.get_by_role("columnheader", name="Duration").get_attribute("aria-sort") == "descending"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_log_with_its_filters_open_chips_and_errors_passes_axe(page, manager, busy_log, viewport):
    """The every-page check opens the log bare; here with what only a query shows."""
    log_in(page, manager)
    page.set_viewport_size(viewport)
    axe = Axe()
    for query in ["?status=busy&direction=inbound&sort=-duration", "?created_from=yesterday&number_ends=12"]:
        page.goto(f"/calls/{query}")
        results = axe.run(
            page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
        )
        failing = [
            (violation["id"], [node["target"] for node in violation["nodes"][:3]])
            for violation in results.response["violations"]
            if violation["impact"] in FAILING_IMPACTS
        ]
        assert failing == [], query
