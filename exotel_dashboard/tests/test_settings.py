import os
import subprocess
import sys

from django.conf import settings

GOOD = {
    "ENV_FILE": "",
    "SECRET_KEY": "x" * 50,
    "EXOTEL_SID": "sid",
    "EXOTEL_API_KEY": "key",
    "EXOTEL_API_TOKEN": "token",
    "PUBLIC_BASE_URL": "https://calls.example.in",
}


def start_django(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("EXOTEL_", "DATABASE_URL"))}
    environment.update(GOOD | env | {"DJANGO_SETTINGS_MODULE": "exotel_dashboard.settings"})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_starts_with_every_required_variable():
    assert start_django().returncode == 0


def test_a_missing_variable_is_named_at_start_up():
    result = start_django(EXOTEL_API_TOKEN="")
    assert result.returncode != 0
    assert "EXOTEL_API_TOKEN" in result.stderr


def test_a_malformed_number_is_named_at_start_up():
    result = start_django(EXOTEL_RATE_LIMIT_PER_MINUTE="lots")
    assert result.returncode != 0
    assert "EXOTEL_RATE_LIMIT_PER_MINUTE" in result.stderr


def test_a_malformed_url_is_named_at_start_up():
    result = start_django(PUBLIC_BASE_URL="calls.example.in")
    assert "PUBLIC_BASE_URL" in result.stderr


def test_an_unknown_time_zone_is_named_at_start_up():
    result = start_django(EXOTEL_TIMEZONE="Mars/Olympus")
    assert "EXOTEL_TIMEZONE" in result.stderr


def test_the_api_url_defaults_to_the_subdomain():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.EXOTEL_API_URL)",
        ],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            **GOOD,
            "EXOTEL_SUBDOMAIN": "api.in.exotel.com",
            "EXOTEL_API_URL": "",
            "DJANGO_SETTINGS_MODULE": "exotel_dashboard.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip().splitlines()[-1] == "https://api.in.exotel.com"


def test_debug_is_off_unless_set():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, **GOOD, "DEBUG": "", "DJANGO_SETTINGS_MODULE": "exotel_dashboard.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip().splitlines()[-1] == "False"
