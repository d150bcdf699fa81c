"""Production settings: everything in settings.py plus HTTPS and hardened cookies."""

from django.core.exceptions import ImproperlyConfigured

from lib.logs import log_format, logging_config

from .settings import *  # noqa: F403
from .settings import ALLOWED_HOSTS, LOG_LEVEL, STORAGES, _bool, _typed

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _typed("SECURE_SSL_REDIRECT", _bool, True)
# Health checks may come over plain HTTP from inside the network; the answer holds nothing secret.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = _typed("SECURE_HSTS_SECONDS", int, 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# Static files from collectstatic's output, under hashed names that WhiteNoise serves with a one-year cache
# (whatever DEBUG said in the environment).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = False

LOG_FORMAT = _typed("LOG_FORMAT", log_format, "json")
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)

# `make run-prod` rehearses production on this machine over plain http://127.0.0.1. LOCAL_HTTP=true allows
# that, and only while every host the site answers to is a loopback name: it cannot turn HTTPS off on a real
# host by accident, and `manage.py check --deploy` still warns wherever it is on.
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
LOCAL_HTTP = _typed("LOCAL_HTTP", _bool, False)
if LOCAL_HTTP:
    if not ALLOWED_HOSTS or not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS:
        raise ImproperlyConfigured(
            "LOCAL_HTTP=true is only for trying production settings on this machine: ALLOWED_HOSTS must "
            f"name only localhost, 127.0.0.1 or ::1, not {', '.join(ALLOWED_HOSTS) or 'nothing'}."
        )
    SECURE_SSL_REDIRECT = False
    SECURE_HSTS_SECONDS = 0
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
