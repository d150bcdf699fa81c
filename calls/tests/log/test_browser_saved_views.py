"""A manager saves a filtered call log under a name and opens it again from the navigation."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from calls.tests.factories import make_call
from exotel_dashboard.testing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def listed_statuses(page):
    return set(page.get_by_test_id("call-table").locator("tbody [data-testid=status]").all_inner_texts())


def test_a_manager_saves_a_filtered_log_and_opens_it_from_the_navigation(page, manager, agent):
    now = timezone.now()
    make_call(sid="done", agent=agent, status="completed", date_created=now - timedelta(hours=1))
    make_call(sid="busy", agent=agent, status="busy", date_created=now - timedelta(hours=2))
    log_in(page, manager)

    page.goto("/calls/")
    page.get_by_test_id("filter-panel").locator("summary").click()  # folded away until used
    page.get_by_label("Completed", exact=True).check()
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"status=completed"))
    page.get_by_label("Save these filters as").fill("Completed today")
    page.get_by_role("button", name="Save this view").click()
    page.wait_for_url("**/calls/?status=completed")
    assert "Saved this view as “Completed today”" in page.get_by_role("alert").inner_text()

    page.goto("/calls/")
    assert listed_statuses(page) == {"Completed", "Busy"}
    nav = page.get_by_test_id("saved-views-nav")
    nav.get_by_role("button", name="Saved views").click()
    saved = nav.get_by_role("link", name="Completed today")
    saved.wait_for(state="visible")
    saved.click()
    page.wait_for_url("**/calls/?status=completed")
    assert page.get_by_label("Completed", exact=True).is_checked()
    assert listed_statuses(page) == {"Completed"}
