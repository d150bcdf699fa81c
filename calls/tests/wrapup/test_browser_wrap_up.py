"""An agent wraps up a call in a real Chromium; the manager finds it in the log and the export, and the next
call to the same customer shows it in the customer's history."""

import csv

import pytest

from calls.models import Disposition
from exotel_dashboard.testing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CUSTOMER = "+919876543201"  # the sandbox answers and talks 13 s


def place_call(page):
    page.goto(f"/calls/new/?to={CUSTOMER.replace('+', '%2B')}")
    page.get_by_test_id("number-info").wait_for()
    page.get_by_role("button", name="Call", exact=True).click()
    page.wait_for_url("**/calls/*/")


def test_a_wrap_up_reaches_the_log_the_export_and_the_next_calls_history(
    page, app_on_sandbox, agent, manager, exophone
):
    Disposition.objects.create(name="Resolved", order=1)
    Disposition.objects.create(name="Follow-up needed", order=2)

    log_in(page, agent)
    place_call(page)
    page.locator("[data-final=true]").wait_for(timeout=30_000)
    disposition = page.get_by_label("Disposition")
    disposition.wait_for()
    assert page.evaluate("document.activeElement.name") == "disposition"  # the call ended: wrap up now
    disposition.select_option(label="Follow-up needed")
    page.get_by_label("Note").fill("Wants the refund by Friday; send the form again.")
    page.get_by_role("button", name="Save wrap-up").click()
    assert page.get_by_test_id("wrap-up-disposition").inner_text() == "Follow-up needed"

    place_call(page)  # the same customer again: the first call is in their history
    earlier = page.get_by_test_id("history-call")
    assert earlier.count() == 1
    assert "Follow-up needed" in earlier.inner_text()
    assert "Wants the refund by Friday" in earlier.inner_text()

    page.get_by_role("button", name="Log out").click()
    log_in(page, manager)
    page.goto("/calls/?disposition=" + str(Disposition.objects.get(name="Follow-up needed").pk))
    rows = page.get_by_test_id("call-table").locator("tbody tr")
    assert rows.count() == 1
    assert "Follow-up needed" in rows.inner_text()
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    with open(download.value.path(), newline="", encoding="utf-8-sig") as exported:
        [row] = list(csv.DictReader(exported))
    assert row["Disposition"] == "Follow-up needed"
    assert row["Note"] == "Wants the refund by Friday; send the form again."
