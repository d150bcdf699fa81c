"""A manager in a real Chromium pages past the numbered pages with Next, and back with Previous."""

from datetime import timedelta

import pytest

from calls.tests.factories import T0, make_call
from exotel_dashboard.testing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_next_past_page_five_and_previous_back_show_the_same_calls(page, manager, agent):
    for n in range(14):
        make_call(
            sid=f"c{n:02}", agent=agent, status="completed", duration=60, date_created=T0 - timedelta(hours=n)
        )
    log_in(page, manager)
    page.goto("/calls/?per_page=2&page=5")
    pages = page.get_by_role("navigation", name="Pages of calls")
    assert pages.get_by_role("link", name="5").get_attribute("aria-current") == "page"
    fifth = page.get_by_test_id("call-table").locator("tbody tr").all_inner_texts()

    pages.get_by_role("link", name="Next").click()
    assert "cursor=" in page.url
    sixth = page.get_by_test_id("call-table").locator("tbody tr").all_inner_texts()
    assert len(sixth) == 2 and not set(sixth) & set(fifth)
    page.reload()
    assert page.get_by_test_id("call-table").locator("tbody tr").all_inner_texts() == sixth

    page.get_by_role("navigation", name="Pages of calls").get_by_role("link", name="Previous").click()
    assert page.get_by_test_id("call-table").locator("tbody tr").all_inner_texts() == fifth
