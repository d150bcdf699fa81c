"""Passwords are hashed with Argon2; a PBKDF2 hash from before is replaced at its owner's next login.

The tests run with the app's own PASSWORD_HASHERS (test_settings uses a fast MD5 hasher for everything else).
"""

import pytest
from django.contrib.auth.hashers import make_password
from django.test import override_settings

from exotel_dashboard import settings as app_settings
from exotel_dashboard.testing import PASSWORD

pytestmark = pytest.mark.usefixtures("app_hashers")


@pytest.fixture
def app_hashers():
    with override_settings(PASSWORD_HASHERS=app_settings.PASSWORD_HASHERS):
        yield


@pytest.fixture
def agent_with_pbkdf2_hash(agent):
    agent.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    agent.save(update_fields=["password"])
    return agent


def log_in(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_a_new_password_is_hashed_with_argon2id(agent):
    agent.set_password("a new shift, a new password")
    agent.save()
    agent.refresh_from_db()
    assert agent.password.startswith("argon2$argon2id$")
    assert agent.check_password("a new shift, a new password")


def test_a_pbkdf2_hash_becomes_argon2_at_the_next_login(client, agent_with_pbkdf2_hash):
    agent = agent_with_pbkdf2_hash
    assert agent.password.startswith("pbkdf2_sha256$")

    response = log_in(client, agent.username, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(agent.pk)
    agent.refresh_from_db()
    assert agent.password.startswith("argon2$argon2id$")


def test_the_same_password_still_logs_in_after_the_upgrade(client, agent_with_pbkdf2_hash):
    agent = agent_with_pbkdf2_hash
    assert log_in(client, agent.username, PASSWORD).status_code == 302
    client.post("/logout/")
    upgraded = type(agent).objects.get(pk=agent.pk).password

    response = log_in(client, agent.username, PASSWORD)

    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.password == upgraded  # an Argon2 hash is kept as it is


def test_a_wrong_password_neither_logs_in_nor_changes_the_hash(client, agent_with_pbkdf2_hash):
    agent = agent_with_pbkdf2_hash
    old_hash = agent.password

    response = log_in(client, agent.username, "not the password")

    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert "_auth_user_id" not in client.session
    agent.refresh_from_db()
    assert agent.password == old_hash
