"""Each role logs in through a real Chromium and sees its own navigation."""

import pytest

from exotel_dashboard.testing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def nav_texts(page):
    return page.locator("[data-testid=nav] a").all_inner_texts()


def test_an_agent_sees_my_calls_only(page, agent):
    log_in(page, agent)
    assert nav_texts(page) == ["My calls", "Call log", "Call a customer", "Missed calls"]
    assert "Agent" in page.locator("[data-testid=whoami]").inner_text()


def test_a_manager_sees_the_overview(page, manager):
    log_in(page, manager)
    assert nav_texts(page) == [
        "Overview",
        "Call log",
        "Call a customer",
        "Missed calls",
        "Live",
        "Campaigns",
        "Sync health",
        "Audit trail",
    ]


def test_an_admin_reaches_django_admin(page, admin):
    log_in(page, admin)
    assert nav_texts(page) == [
        "Overview",
        "Call log",
        "Call a customer",
        "Missed calls",
        "Live",
        "Campaigns",
        "Sync health",
        "Audit trail",
        "Admin",
    ]
    page.get_by_role("link", name="Admin").click()
    page.wait_for_url("**/admin/")
    assert page.get_by_role("link", name="ExoPhones").is_visible()


def test_a_wrong_password_is_refused_in_the_page(page, agent):
    page.goto("/login/")
    page.get_by_label("Username").fill(agent.username)
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").is_visible()
    assert page.locator("[data-testid=whoami]").count() == 0
