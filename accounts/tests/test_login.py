from django.urls import reverse

from exotel_dashboard.testing import PASSWORD


def test_it_shows_the_login_page(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    assert b"Log in" in response.content


def test_it_sends_anonymous_users_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_it_rejects_a_wrong_password_with_a_message(client, agent):
    response = client.post("/login/", {"username": agent.username, "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert "_auth_user_id" not in client.session


def test_it_logs_an_agent_in_and_lands_on_home(client, agent):
    response = client.post("/login/", {"username": agent.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_it_logs_out_with_post_only(client, agent):
    client.force_login(agent)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
