"""The overview's chart by keyboard and for screen readers: each day's bar a named stop, Enter opens it."""

from datetime import UTC, datetime

import pytest

from calls.tests.factories import make_call
from exotel_dashboard.testing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_tab_reaches_each_days_bar_by_its_name_and_enter_opens_that_days_calls(page, manager, agent):
    make_call(
        sid="done", agent=agent, status="completed", date_created=datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
    )
    make_call(sid="busy", agent=agent, status="busy", date_created=datetime(2026, 12, 3, 7, 0, tzinfo=UTC))
    log_in(page, manager)
    page.goto("/?first=2026-12-02&last=2026-12-04")
    chart = page.get_by_role("group", name="Calls per day, answered and not answered")
    bars = chart.get_by_role("link")
    assert bars.evaluate_all("links => links.map(link => link.getAttribute('aria-label'))") == [
        "2 Dec: 0 calls, 0 answered",
        "3 Dec: 2 calls, 1 answered",
        "4 Dec: 0 calls, 0 answered",
    ]
    page.get_by_test_id("total-cost").focus()  # the last figure before the chart
    names = []
    for _ in range(3):
        page.keyboard.press("Tab")
        names.append(page.evaluate("document.activeElement.getAttribute('aria-label')"))
    assert names == ["2 Dec: 0 calls, 0 answered", "3 Dec: 2 calls, 1 answered", "4 Dec: 0 calls, 0 answered"]
    page.keyboard.press("Shift+Tab")
    ring = page.evaluate("getComputedStyle(document.activeElement.querySelector('.chart-slot')).strokeWidth")
    assert ring == "3px"  # a ring round the column shows which bar Enter opens
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "created_from=2026-12-03" in page.url
    sids = page.locator("[data-testid=call-table] tbody tr").all_inner_texts()
    assert len(sids) == 2
