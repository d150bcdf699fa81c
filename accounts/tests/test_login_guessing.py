"""Guessing one person's password from many addresses is limited per username, without locking them out of the
addresses they have logged in from before (accounts/login_lockout.py)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from exotel_dashboard.testing import PASSWORD

HOME = "198.51.100.7"
ELSEWHERE = "192.0.2.200"


@pytest.fixture(autouse=True)
def limits(settings):
    # Fixed here, whatever the environment sets.
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_FAILURE_LIMIT_PER_USER = 20
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def new_addresses(count, start=1):
    return [f"203.0.113.{n}" for n in range(start, start + count)]


def log_in(user, password=PASSWORD, ip=HOME):
    """One try in a fresh browser, so an earlier success does not short-cut the login page."""
    return Client().post("/login/", {"username": user.username, "password": password}, REMOTE_ADDR=ip)


def fail_from(user, addresses):
    return [log_in(user, "wrong", ip) for ip in addresses][-1]


@pytest.fixture
def asha(agent):
    """The agent asha, who has logged in from HOME before."""
    assert log_in(agent, ip=HOME).status_code == 302
    return agent


def assert_locked_out(response, *, reason):
    assert response.status_code == 429
    assert "_auth_user_id" not in response.wsgi_request.session
    text = response.content.decode()
    assert "Too many failed logins" in text
    assert reason in text
    assert "Wait 15 minutes" in text


def assert_logged_in(response):
    assert response.status_code == 302
    assert "_auth_user_id" in response.wsgi_request.session


def test_five_wrong_passwords_from_one_address_still_lock_that_pair(asha):
    address = new_addresses(1)
    assert fail_from(asha, address * 4).status_code == 200
    assert_locked_out(fail_from(asha, address), reason="5 wrong passwords for")
    assert_locked_out(log_in(asha, ip=address[0]), reason="from this network")
    assert_logged_in(log_in(asha, ip=ELSEWHERE))


def test_nineteen_wrong_passwords_spread_over_addresses_do_not_lock_the_username(asha):
    assert fail_from(asha, new_addresses(19)).status_code == 200
    assert_logged_in(log_in(asha, ip=ELSEWHERE))


def test_wrong_passwords_spread_over_addresses_lock_the_username_on_new_addresses(asha):
    addresses = new_addresses(25)
    assert fail_from(asha, addresses[:19]).status_code == 200
    assert_locked_out(fail_from(asha, addresses[19:20]), reason="20 wrong passwords for")
    for ip in addresses[20:]:
        assert_locked_out(log_in(asha, "wrong", ip), reason="networks where asha has never logged in")
    assert_locked_out(log_in(asha, ip=ELSEWHERE), reason="logging in as asha from a new network is paused")


def test_the_person_still_logs_in_from_an_address_they_used_before(asha):
    fail_from(asha, new_addresses(25))
    assert_locked_out(log_in(asha, ip=ELSEWHERE), reason="networks where asha has never logged in")
    assert_logged_in(log_in(asha, ip=HOME))


def test_another_user_is_unaffected(asha, other_agent):
    fail_from(asha, new_addresses(25))
    assert_logged_in(log_in(other_agent, ip=ELSEWHERE))
    assert_logged_in(log_in(other_agent, ip=new_addresses(1)[0]))


def test_wrong_passwords_from_the_persons_own_address_do_not_count_toward_the_username_limit(asha):
    fail_from(asha, [HOME] * 4)
    fail_from(asha, new_addresses(16))
    assert_logged_in(log_in(asha, ip=ELSEWHERE))


def test_the_username_lockout_ends_after_the_cool_off_and_refused_tries_do_not_extend_it(asha):
    fail_from(asha, new_addresses(20))
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    # As many refused tries again: had they been counted, they alone would keep the lock after the cool-off.
    assert_locked_out(fail_from(asha, new_addresses(20, start=100)), reason="from a new network is paused")
    AccessAttempt.objects.filter(attempt_time__lt=timezone.now() - timedelta(minutes=1)).update(
        attempt_time=timezone.now() - timedelta(minutes=15, seconds=1)
    )
    assert_logged_in(log_in(asha, ip=ELSEWHERE))
