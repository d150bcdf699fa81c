"""Five wrong passwords lock one username out from one address for a while (django-axes)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from exotel_dashboard.testing import PASSWORD

A = "203.0.113.10"
B = "198.51.100.20"


@pytest.fixture(autouse=True)
def limits(settings):
    # Fixed here, whatever LOGIN_FAILURE_LIMIT or LOGIN_COOLOFF_MINUTES the environment sets.
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def log_in(user, password=PASSWORD, ip=A, path="/login/"):
    """One try in a fresh browser, so an earlier success does not short-cut the login page."""
    return Client().post(path, {"username": user.username, "password": password}, REMOTE_ADDR=ip)


def fail(user, times, ip=A, path="/login/"):
    return [log_in(user, "wrong", ip, path) for _ in range(times)][-1]


def assert_locked_out(response):
    assert response.status_code == 429
    assert "registration/locked_out.html" in [template.name for template in response.templates]
    assert b"Too many failed logins" in response.content
    assert b"Wait 15 minutes" in response.content
    assert "_auth_user_id" not in response.wsgi_request.session


def test_four_wrong_passwords_only_show_the_form_error(agent):
    response = fail(agent, 4)
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert log_in(agent).status_code == 302


def test_the_fifth_wrong_password_locks_the_username_from_that_address(agent):
    assert_locked_out(fail(agent, 5))
    assert_locked_out(log_in(agent))


def test_the_same_username_still_logs_in_from_another_address(agent):
    fail(agent, 5, ip=A)
    assert log_in(agent, ip=B).status_code == 302


def test_another_username_still_logs_in_from_the_locked_address(agent, other_agent):
    fail(agent, 5, ip=A)
    assert log_in(other_agent, ip=A).status_code == 302


def test_the_lockout_ends_after_the_cool_off(agent):
    fail(agent, 5)
    assert_locked_out(log_in(agent))
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    assert log_in(agent).status_code == 302


def test_tries_during_the_lockout_do_not_restart_the_wait(agent):
    fail(agent, 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert_locked_out(log_in(agent, "wrong"))
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    assert log_in(agent).status_code == 302


def test_a_successful_login_resets_the_failure_count(agent):
    fail(agent, 4)
    assert log_in(agent).status_code == 302
    assert not AccessAttempt.objects.exists()
    assert fail(agent, 4).status_code == 200
    assert log_in(agent).status_code == 302


def test_the_admin_login_is_throttled_too(admin):
    response = fail(admin, 5, path="/admin/login/")
    assert_locked_out(response)
    assert_locked_out(log_in(admin, path="/admin/login/"))
    assert_locked_out(log_in(admin, path="/login/"))


def test_behind_a_trusted_proxy_the_lockout_keys_on_the_forwarded_address(settings, agent):
    settings.TRUSTED_PROXY_COUNT = 1

    def via_proxy(password, client_ip):
        return Client().post(
            "/login/",
            {"username": agent.username, "password": password},
            REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR=f"192.0.2.99, {client_ip}",
        )

    for _ in range(5):
        via_proxy("wrong", A)
    assert AccessAttempt.objects.get().ip_address == A
    assert_locked_out(via_proxy(PASSWORD, A))
    assert via_proxy(PASSWORD, B).status_code == 302
