"""Production settings: HTTPS, JSON logs, hashed static files; plain http only on this machine's loopback."""

import json
import os
import subprocess
import sys

from django.conf import settings

from .test_settings import GOOD as REQUIRED

GOOD = REQUIRED | {"ALLOWED_HOSTS": "calls.example.in"}
INHERITED_NOT = ("EXOTEL_", "DATABASE_URL", "LOG_", "LOCAL_HTTP", "SECURE_", "DEBUG", "DJANGO_SETTINGS")
READ = """
import json
from exotel_dashboard import production as s
print(json.dumps({
    "redirect": s.SECURE_SSL_REDIRECT, "hsts": s.SECURE_HSTS_SECONDS,
    "session_secure": s.SESSION_COOKIE_SECURE, "csrf_secure": s.CSRF_COOKIE_SECURE,
    "log_format": s.LOG_FORMAT, "static": s.STORAGES["staticfiles"]["BACKEND"],
    "finders": s.WHITENOISE_USE_FINDERS, "exempt": s.SECURE_REDIRECT_EXEMPT,
}))
"""


def production(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(INHERITED_NOT)}
    environment.update(GOOD | env)
    return subprocess.run(
        [sys.executable, "-c", READ],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def read(**env):
    result = production(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_it_insists_on_https_and_logs_json():
    values = read()
    assert values["redirect"] is True and values["hsts"] == 31536000
    assert values["session_secure"] is True and values["csrf_secure"] is True
    assert values["log_format"] == "json"
    assert values["exempt"] == [r"^healthz$"]


def test_static_files_get_hashed_names_even_if_the_environment_says_debug():
    values = read(DEBUG="true")
    assert values["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["finders"] is False


def test_log_format_text_can_be_chosen():
    assert read(LOG_FORMAT="text")["log_format"] == "text"


def test_local_http_serves_plain_http_on_loopback_hosts_only():
    values = read(LOCAL_HTTP="true", ALLOWED_HOSTS="127.0.0.1,localhost,::1")
    assert values["redirect"] is False and values["hsts"] == 0
    assert values["session_secure"] is False and values["csrf_secure"] is False


def test_local_http_refuses_to_start_on_a_real_host():
    for hosts in ("calls.example.in", "127.0.0.1,calls.example.in", "*", ""):
        result = production(LOCAL_HTTP="true", ALLOWED_HOSTS=hosts)
        assert result.returncode != 0, hosts
        assert "LOCAL_HTTP" in result.stderr
