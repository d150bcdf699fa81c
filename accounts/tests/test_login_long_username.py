"""A username longer than anyone's, typed at the login page, is a wrong login like any other: counted
against its first 255 characters, all axes' column holds (PostgreSQL refuses more with a 500)."""

import pytest
from axes.models import AccessAttempt
from django.test import Client


@pytest.mark.parametrize("length", [256, 400, 100_000])
def test_a_very_long_username_is_a_failed_login_kept_to_255_characters(db, length):
    username = "9" * length

    response = Client().post(
        "/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR="203.0.113.9"
    )

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [username[:255]]
