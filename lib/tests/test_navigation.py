"""The navigation marks where the person is: aria-current="page" on the item's own page, "true" within it."""

import re

from calls.tests.factories import make_call


def current_items(client, url):
    html = client.get(url).content.decode()
    return re.findall(r'<a class="[^"]*\bactive" aria-current="(\w+)" href="([^"]+)"', html)


def test_the_call_log_is_the_current_page_on_the_call_log(agent_client):
    assert current_items(agent_client, "/calls/") == [("page", "/calls/")]


def test_home_is_current_on_home(manager_client):
    assert current_items(manager_client, "/") == [("page", "/")]


def test_a_call_page_is_within_the_call_log(agent_client, agent):
    call = make_call(agent=agent)
    assert current_items(agent_client, f"/calls/{call.pk}/") == [("true", "/calls/")]


def test_the_flow_call_form_is_within_call_a_customer(agent_client):
    assert current_items(agent_client, "/calls/new/flow/") == [("true", "/calls/new/")]


def test_the_audit_trail_and_sync_health_are_marked_for_managers(manager_client):
    assert current_items(manager_client, "/audit/") == [("page", "/audit/")]
    assert current_items(manager_client, "/ops/sync/") == [("page", "/ops/sync/")]


def test_manage_saved_views_is_marked_in_its_menu(agent_client):
    html = agent_client.get("/views/").content.decode()
    assert 'class="dropdown-item active" aria-current="page" href="/views/"' in html


def test_a_missing_page_marks_nothing(agent_client):
    assert current_items(agent_client, "/no/such/page/") == []


def test_the_page_has_a_skip_link_first_and_landmarks(agent_client):
    html = agent_client.get("/calls/").content.decode()
    body = html[html.index("<body") :]
    first_link = re.search(r"<(a|button|input|select)\b[^>]*>", body).group(0)
    assert 'href="#main"' in first_link
    assert re.search(r"<header>\s*<nav ", body)
    assert '<main id="main"' in body
    assert "Asha, Agent" in body[body.index("<footer") :]
