import pytest
from django.contrib.auth.models import User


def nav_links(client, user):
    client.force_login(user)
    html = client.get("/").content.decode()
    return html


def test_agents_see_their_own_calls_and_no_admin(client, agent):
    html = nav_links(client, agent)
    assert "My calls" in html
    assert "/admin/" not in html
    assert "Agent" in html


def test_managers_see_the_overview_and_no_admin(client, manager):
    html = nav_links(client, manager)
    assert "Overview" in html
    assert "/admin/" not in html


def test_admins_see_the_admin_link(client, admin):
    html = nav_links(client, admin)
    assert 'href="/admin/"' in html


@pytest.mark.django_db
def test_a_user_without_a_role_is_refused(client):
    nobody = User.objects.create_user("nobody", password="x")
    client.force_login(nobody)
    assert client.get("/").status_code == 403


def test_managers_cannot_open_django_admin(client, manager):
    client.force_login(manager)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
