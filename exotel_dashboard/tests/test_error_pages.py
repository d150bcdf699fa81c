"""403, 404, 500 and a refused form are pages of the app's own: what happened in plain words, the navigation
for a person logged in, and a way back."""

import re

import pytest
from django.test import Client, RequestFactory

from calls.tests.factories import make_call
from exotel_dashboard.errors import server_error


def heading(response):
    return re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S).group(1).strip()


def way_back(response):
    html = response.content.decode()
    block = html[html.index('data-testid="way-back"') :]
    return re.findall(r'<a [^>]*href="([^"]*)"[^>]*>([^<]*)</a>', block[: block.index("</div>")])


def has_navigation(response):
    return 'aria-label="Main"' in response.content.decode()


def test_tests_run_with_debug_off(settings):
    assert settings.DEBUG is False  # else Django shows its technical pages instead of these


def test_an_agent_opening_the_audit_trail_gets_the_apps_403_with_navigation(agent_client):
    response = agent_client.get("/audit/")
    assert response.status_code == 403
    assert heading(response) == "This page is not open to your role"
    assert "You are logged in as Asha (Agent)." in response.content.decode()
    assert has_navigation(response)
    assert ("/", "Go to my calls") in way_back(response)


def test_the_403_offers_the_page_the_person_came_from(agent_client):
    response = agent_client.get("/audit/", HTTP_REFERER="http://testserver/calls/?status=busy")
    assert way_back(response)[0] == ("http://testserver/calls/?status=busy", "Back to the previous page")


def test_a_referer_from_another_site_is_not_offered_as_the_way_back(agent_client):
    response = agent_client.get("/audit/", HTTP_REFERER="https://evil.example/phish")
    assert [href for href, _ in way_back(response)] == ["/"]


def test_a_missing_page_gets_the_apps_404_with_navigation(manager_client):
    response = manager_client.get("/no/such/page/")
    assert response.status_code == 404
    assert heading(response) == "There is no page at this address"
    assert has_navigation(response)
    assert ("/", "Go to the overview") in way_back(response)


def test_another_agents_call_is_a_404_page_too(client, agent, other_agent):
    client.force_login(other_agent)
    response = client.get(f"/calls/{make_call(agent=agent).pk}/")
    assert response.status_code == 404
    assert heading(response) == "There is no page at this address"


def test_a_stranger_gets_the_404_without_navigation_and_a_way_to_log_in(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert not has_navigation(response)
    assert way_back(response) == [("/login/", "Log in")]


def test_a_hostile_address_is_shown_escaped(client, db):
    response = client.get("/<script>alert(1)</script>/")
    assert response.status_code == 404
    assert "<script>alert(1)" not in response.content.decode()


@pytest.mark.urls("exotel_dashboard.tests.failing_urls")
def test_a_bug_gets_the_apps_500_page(agent):
    client = Client(raise_request_exception=False)
    client.force_login(agent)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert heading(response) == "Something went wrong on our side"
    assert way_back(response) == [("/", "Go to the home page")]
    assert not has_navigation(response)  # rendered without the request: nothing that could fail again


def test_the_500_page_asks_nothing_of_the_database(django_assert_max_num_queries, db):
    with django_assert_max_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_a_login_form_without_its_csrf_token_gets_the_apps_page(db):
    response = Client(enforce_csrf_checks=True).post("/login/", {"username": "asha", "password": "x"})
    assert response.status_code == 403
    assert heading(response) == "Your form was not sent"
    assert not has_navigation(response)
    assert ("/login/", "Log in") in way_back(response)


def test_a_form_without_its_csrf_token_keeps_the_navigation(agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.post("/views/save/", {"name": "Busy", "query": "status=busy"})
    assert response.status_code == 403
    assert heading(response) == "Your form was not sent"
    assert has_navigation(response)
    assert ("/", "Go to my calls") in way_back(response)
