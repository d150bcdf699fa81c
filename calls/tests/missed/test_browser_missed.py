"""An agent works the missed-call queue in Chromium: a customer nobody answered, called back, talked to."""

import re

import pytest

from calls.models import Call, MissedCustomer
from calls.tasks import sync_recent
from exotel_dashboard.testing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CUSTOMER = "+919811100042"  # ends in 42: the sandbox connects both parties and they talk


def test_an_agent_calls_back_a_missed_customer_and_the_row_leaves_the_queue(
    page, app_on_sandbox, agent, exophone
):
    app_on_sandbox.inject_call(
        From="09811100042", Status="no-answer", Duration="25", PhoneNumber=exophone.number
    )
    sync_recent.call()
    log_in(page, agent)
    assert page.get_by_test_id("missed-count").inner_text().startswith("1")

    page.get_by_test_id("nav-missed").click()
    row = page.get_by_test_id("missed-row")
    assert "+91 98111 00042" in row.inner_text() and "Bengaluru support" in row.inner_text()
    row.get_by_role("button", name="Call back").click()
    page.wait_for_url("**/calls/new/?to=*")
    assert page.get_by_label("Customer number").input_value() == CUSTOMER
    assert MissedCustomer.objects.get().claimed_by == agent

    page.get_by_role("button", name="Call", exact=True).click()
    page.wait_for_url(re.compile(r"/calls/\d+/$"))
    page.locator("[data-final=true]").wait_for(timeout=20_000)
    assert page.get_by_test_id("call-phase").inner_text() == "Completed"
    call_back = Call.objects.get(to_number=CUSTOMER, agent=agent)

    page.goto("/missed/")
    assert page.get_by_test_id("queue-empty").is_visible()
    resolved = page.get_by_test_id("resolved-row")
    assert "+91 98111 00042" in resolved.inner_text() and "Asha" in resolved.inner_text()
    assert resolved.get_by_test_id("resolved-by").inner_text() == f"Call #{call_back.pk}"
    assert page.get_by_test_id("missed-count").count() == 0
