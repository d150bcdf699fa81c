"""The page shell in a real Chromium: the skip link, the navigation at desktop and phone width, focus."""

import pytest

from exotel_dashboard.testing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FOCUS_RING = "rgb(255, 218, 106)"


def nav_link_tops(page):
    return {
        round(box["y"])
        for box in (link.bounding_box() for link in page.get_by_test_id("nav").locator("a").all())
    }


def test_the_first_tab_reaches_the_skip_link_which_moves_focus_to_the_content(page, agent):
    log_in(page, agent)
    page.goto("/calls/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("link => link === document.activeElement")
    assert skip.is_visible()  # hidden off screen until focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("width", [1200, 1280, 1366, 1440, 1920])
def test_an_admins_navigation_fits_one_line_on_a_desktop_even_with_a_long_name(page, admin, width):
    admin.first_name, admin.last_name = "Venkataraghavan", "Subramaniam-Ramasubramanian"
    admin.save()
    page.set_viewport_size({"width": width, "height": 768})
    log_in(page, admin)
    assert len(nav_link_tops(page)) == 1
    assert page.locator("nav.navbar").bounding_box()["height"] < 64  # one row; 81 px when labels wrapped
    log_out = page.get_by_role("button", name="Log out").bounding_box()
    assert log_out["x"] + log_out["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_on_a_phone_the_navigation_folds_behind_the_toggler(page, admin):
    log_in(page, admin)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/views/")
    call_log = page.get_by_test_id("nav").get_by_role("link", name="Call log")
    assert not call_log.is_visible()
    page.get_by_role("button", name="Toggle navigation").click()
    call_log.wait_for(state="visible")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_keyboard_focus_on_the_dark_bar_shows_a_light_ring(page, agent):
    log_in(page, agent)
    page.goto("/calls/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")  # My calls
    focused = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [document.activeElement.textContent.trim(), s.outlineStyle, s.outlineColor]; })()"
    )
    assert focused == ["My calls", "solid", FOCUS_RING]


def test_the_current_page_is_marked_in_the_navigation(page, manager):
    log_in(page, manager)
    page.goto("/audit/")
    current = page.locator("[data-testid=nav] [aria-current=page]")
    assert current.all_inner_texts() == ["Audit trail"]


def test_an_agent_opening_the_audit_trail_sees_the_apps_403_with_navigation(page, live_server, agent):
    log_in(page, agent)
    page.goto("/audit/", referer=f"{live_server.url}/calls/")
    assert page.get_by_role("heading", level=1).inner_text() == "This page is not open to your role"
    assert page.get_by_test_id("nav").get_by_role("link", name="Call log").is_visible()
    page.get_by_role("link", name="Back to the previous page").click()
    page.wait_for_url("**/calls/")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/no/such/page/")
    assert page.get_by_role("heading", level=1).inner_text() == "There is no page at this address"
