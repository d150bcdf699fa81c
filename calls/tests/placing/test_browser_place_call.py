"""An agent places calls in a real Chromium and watches them end on the same page, never reloaded."""

import pytest

from calls.tests.factories import make_call
from exotel_dashboard.testing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_agent_calls_back_a_customer_from_the_log_and_watches_it_complete(
    page, app_on_sandbox, agent, exophone
):
    make_call(agent=agent, to_number="+919876543205", status="no-answer", sid="f" * 32)
    log_in(page, agent)
    page.get_by_role("link", name="+91 98765 43205").first.click()
    page.wait_for_url("**/calls/new/?to=*")
    assert page.get_by_label("Customer number").input_value() == "+919876543205"
    page.get_by_test_id("number-info").wait_for()
    page.get_by_role("button", name="Call", exact=True).click()
    page.wait_for_url("**/calls/*/")
    page.evaluate("window.stayedOnThisPage = true")
    page.locator("[data-final=true]").wait_for(timeout=20_000)
    assert page.get_by_test_id("call-phase").inner_text() == "Completed"
    assert page.get_by_test_id("leg2-status").inner_text() == "completed"
    assert page.evaluate("window.stayedOnThisPage") is True


def test_an_agent_sees_a_dnd_warning_before_dialling(page, app_on_sandbox, agent, exophone):
    log_in(page, agent)
    page.goto("/calls/new/?to=09876543295")
    assert "DND" in page.get_by_test_id("number-info").inner_text()


def test_an_agent_connects_a_customer_to_a_flow(page, app_on_sandbox, agent, exophone, flow):
    log_in(page, agent)
    page.goto("/calls/new/flow/")
    page.get_by_label("Customer number").fill("098765 43210")
    page.get_by_label("Flow").select_option(label=str(flow))
    page.get_by_role("button", name="Connect to flow").click()
    page.wait_for_url("**/calls/*/")
    assert page.title() == "Flow call to +91 98765 43210 · Exotel Dashboard"
    page.evaluate("window.stayedOnThisPage = true")
    page.locator("[data-final=true]").wait_for(timeout=20_000)
    assert page.get_by_test_id("call-phase").inner_text() == "Completed"
    assert page.evaluate("window.stayedOnThisPage") is True


def test_a_bad_number_shows_an_error_beside_the_field(page, agent, exophone):
    log_in(page, agent)
    page.goto("/calls/new/")
    page.get_by_label("Customer number").fill("12345")
    page.get_by_role("button", name="Call", exact=True).click()
    assert "does not exist" in page.locator(".invalid-feedback").first.inner_text()
