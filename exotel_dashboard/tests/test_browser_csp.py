"""Every main page, the admin's included, runs in a real Chromium under our Content Security Policy without
one violation, and htmx still swaps fragments in."""

import re

import pytest

from calls.models import Call
from calls.tests.factories import make_call
from exotel_dashboard.testing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Runs in every document before its own scripts; the exposed function survives navigations.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.documentURI}: ${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
    + ` (${event.sourceFile}:${event.lineNumber}) ${event.sample}`
  );
});
"""
NONCE = re.compile(r"script-src 'self' 'nonce-[\w-]{16,}'")
APP_PAGES = ["/", "/calls/", "/calls/?status=completed", "/calls/new/", "/calls/new/flow/", "/ops/sync/"]


@pytest.fixture
def violations(page):
    found = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            found.append(message.text)

    page.expose_function("reportCspViolation", lambda text: found.append(text))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", on_console)
    return found


@pytest.fixture
def call(manager):
    return make_call(agent=manager, status="in-progress")


def visit(page, path):
    response = page.goto(path)
    assert response.ok, f"{path} answered {response.status}"
    assert NONCE.search(response.headers["content-security-policy"]), path


def settle(page):
    """Violations are reported as events shortly after they happen: give the last ones time to arrive."""
    page.wait_for_timeout(300)


def test_each_page_sends_the_policy_with_a_fresh_nonce(client, manager):
    client.force_login(manager)
    first = client.get("/calls/")["Content-Security-Policy"]
    second = client.get("/calls/")["Content-Security-Policy"]
    assert NONCE.search(first)
    assert first != second
    for directive in [
        "default-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]:
        assert directive in first


def test_a_manager_sees_every_page_without_a_violation(page, violations, manager, call):
    visit(page, "/login/")
    log_in(page, manager)
    for path in [*APP_PAGES, f"/calls/{call.pk}/"]:
        visit(page, path)
    settle(page)
    assert violations == []


def test_an_admin_sees_every_page_and_the_django_admin_without_a_violation(page, violations, admin, call):
    visit(page, "/admin/login/")
    log_in(page, admin)
    for path in [*APP_PAGES, f"/calls/{call.pk}/", "/admin/", "/admin/calls/call/"]:
        visit(page, path)
    visit(page, f"/admin/calls/call/{call.pk}/change/")
    # The user form runs the admin's widgets: the two-box permission picker and the date shortcuts.
    visit(page, f"/admin/auth/user/{admin.pk}/change/")
    page.locator(".selector-chooseall").first.wait_for()
    page.locator(".datetimeshortcuts a", has_text="Today").first.click()
    assert page.locator("#id_date_joined_0").input_value() != ""
    settle(page)
    assert violations == []


def test_htmx_looks_up_a_number_as_it_is_typed(page, violations, manager):
    log_in(page, manager)
    visit(page, "/calls/new/")
    # From the htmx-config meta tag: no eval, and no <style> of its own that the policy would refuse.
    assert page.evaluate("[htmx.config.allowEval, htmx.config.includeIndicatorStyles]") == [False, False]
    with page.expect_response("**/calls/lookup/?to=12345*"):
        page.get_by_label("Customer number").fill("12345")
    page.locator("#number-info .text-danger").wait_for()
    settle(page)
    assert violations == []


def test_htmx_polls_the_status_until_the_call_ends(page, violations, manager, call):
    log_in(page, manager)
    visit(page, f"/calls/{call.pk}/")
    assert page.get_by_test_id("call-status").get_attribute("data-final") == "false"
    Call.objects.filter(pk=call.pk).update(status="completed", duration=30)
    page.locator("[data-final=true]").wait_for()
    assert page.get_by_test_id("call-phase").inner_text() == "Completed"
    settle(page)
    assert violations == []


def test_the_listener_does_catch_a_violation(page, violations):
    """Without this, a broken listener would pass every test above."""
    visit(page, "/login/")
    page.evaluate("document.head.insertAdjacentHTML('beforeend', '<style>body { color: red }</style>')")
    settle(page)
    assert any("style-src" in violation for violation in violations)
