"""Settings for Exotel Dashboard, read from the environment (see .env.example)."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from lib.logs import log_format, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env_file = env.str("ENV_FILE", default=str(BASE_DIR / ".env"))
if Path(env_file).is_file():
    environ.Env.read_env(env_file, overwrite=False)


def _required(name, cast=str):
    """Fail at start-up with a message that names the variable."""
    raw = env.str(name, default="").strip()
    if not raw:
        raise ImproperlyConfigured(f"Set the environment variable {name} (see .env.example).")
    try:
        return cast(raw)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} is malformed: {exc}") from exc


def _typed(name, cast, default):
    raw = env.str(name, default="").strip()
    if not raw:
        return default
    try:
        return cast(raw)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} is malformed ({raw!r}): {exc}") from exc


def _positive_int(raw):
    value = int(raw)
    if value <= 0:
        raise ValueError("must be a positive whole number")
    return value


def _non_negative_int(raw):
    value = int(raw)
    if value < 0:
        raise ValueError("must be 0 or a positive whole number")
    return value


def _base_url(raw):
    if not raw.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return raw.rstrip("/")


def _bool(raw):
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("must be true or false")


SECRET_KEY = _required("SECRET_KEY")
DEBUG = _typed("DEBUG", _bool, False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "exotel_dashboard.errors.csrf_failure"  # a page of our own, with the navigation

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "django_tasks_db",
    "axes",
    "crontask",
    "accounts",
    "exonumbers",
    "calls",
    "campaigns",
    "ops",
    "audit",
]

MIDDLEWARE = [
    # First, so it logs every response, even one that a later middleware makes.
    "ops.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Exotel's callbacks skip the rest, made for people (measured in bench/README.md).
    "exotel_dashboard.callbacks_bypass.CallbacksBypassMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "exotel_dashboard.urls"
WSGI_APPLICATION = "exotel_dashboard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.role",
                "accounts.context_processors.saved_views",
                "calls.context_processors.missed_calls",
                "lib.navigation.active_section",
            ],
        },
    },
]

DATABASE_URL = env.str("DATABASE_URL", default="").strip() or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": environ.Env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web, worker and scheduler processes read while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
# Keep connections between requests: a new one per request doubled the cost of a callback (bench/).
DATABASES["default"].setdefault("CONN_MAX_AGE", _typed("CONN_MAX_AGE", int, 60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Django's widget HTML, the plain inputs and selects written without a template each (form_rendering.py).
FORM_RENDERER = "lib.form_rendering.WidgetsInPython"
DEFAULT_EXCEPTION_REPORTER_FILTER = "lib.error_reports.SecretsHiddenFilter"
# The call log's covering index (calls.Call.Meta) is a plain index on SQLite, which is what small logs need.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CRONTASK = {"REDIS_URL": REDIS_URL}

# Argon2 first (Django's recommended hasher): a login costs about 0.17 s of CPU here, PBKDF2's 0.31-1.1 s
# (bench/README.md, "A shift starting"). The others check older hashes, upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes, on our login page and the admin's), over the last LOGIN_COOLOFF_MINUTES:
# - LOGIN_FAILURE_LIMIT wrong passwords for one username from one address lock that pair. Keying on the pair
#   means that an office behind one NAT address does not lock out all its agents.
# - LOGIN_FAILURE_LIMIT_PER_USER wrong passwords for one username from addresses it has never logged in from
#   lock it on every such address (accounts/login_lockout.py): that slows guessing spread over many addresses.
#   Addresses it has logged in from (axes' access log) neither count nor are locked, so a stranger cannot lock
#   a person out of their usual office; a new network waits at most the cool-off.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_HANDLER = "accounts.login_lockout.LoginLockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = _typed("LOGIN_FAILURE_LIMIT", _positive_int, 5)
LOGIN_FAILURE_LIMIT_PER_USER = _typed("LOGIN_FAILURE_LIMIT_PER_USER", _positive_int, 20)
AXES_COOLOFF_TIME = timedelta(minutes=_typed("LOGIN_COOLOFF_MINUTES", _positive_int, 15))
AXES_RESET_ON_SUCCESS = True
# The access log of successful logins is what marks a person's own addresses.
AXES_DISABLE_ACCESS_LOG = False
# Refused tries during a lockout are not recorded, so they do not extend it: the lockout page's "wait N
# minutes" stays true for both rules.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "accounts.login_lockout.locked_out_response"
# Behind reverse proxies, the number of them that append to X-Forwarded-For, so a lockout keys on the client's
# address rather than the proxy's (lib/client_ip.py). Keep 0 while clients can reach the app directly: they
# could then write any address into the header.
TRUSTED_PROXY_COUNT = _typed("TRUSTED_PROXY_COUNT", _non_negative_int, 0)
AXES_CLIENT_IP_CALLABLE = "lib.client_ip.client_ip"

# Content Security Policy, enforced in development too so that a violation shows up before production. Scripts
# and styles come only from our own static files or from a tag carrying this response's {{ csp_nonce }}: no
# inline event handlers or style attributes. Recordings play from our own proxy URL, so media is 'self' too.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "media-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LANGUAGE_CODE = "en-in"
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Kolkata")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# In development WhiteNoise serves straight from the app folders; in production from collectstatic's output.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A task still RUNNING this long after its worker last beat (a worker killed outright) is failed, and run
# again when that is safe (ops/stale_tasks.py). Workers beat every eighth of it, so a long task on a live
# worker is never failed.
TASK_STALE_AFTER_SECONDS = _typed("TASK_STALE_AFTER_SECONDS", _positive_int, 120)

# Exotel
EXOTEL_SID = _required("EXOTEL_SID")
EXOTEL_API_KEY = _required("EXOTEL_API_KEY")
EXOTEL_API_TOKEN = _required("EXOTEL_API_TOKEN")
EXOTEL_SUBDOMAIN = env.str("EXOTEL_SUBDOMAIN", default="api.exotel.com")
EXOTEL_API_URL = _typed("EXOTEL_API_URL", _base_url, f"https://{EXOTEL_SUBDOMAIN}")
EXOTEL_TIMEZONE = env.str("EXOTEL_TIMEZONE", default="Asia/Kolkata")
# Connect is synchronous at Exotel and can take seconds: a generous read timeout (docs/architecture.md §5).
EXOTEL_CONNECT_TIMEOUT = _typed("EXOTEL_CONNECT_TIMEOUT", float, 5.0)
EXOTEL_READ_TIMEOUT = _typed("EXOTEL_READ_TIMEOUT", float, 30.0)
# Exotel counts a minute from when our requests arrive, we from when they leave: a little longer window
# absorbs the network's jitter so we never cross the limit as Exotel measures it.
EXOTEL_RATE_LIMIT_WINDOW_SECONDS = _typed("EXOTEL_RATE_LIMIT_WINDOW_SECONDS", float, 61.0)
EXOTEL_RATE_LIMIT_PER_MINUTE = _typed("EXOTEL_RATE_LIMIT_PER_MINUTE", _positive_int, 200)
# Dials come first: reads (refresh, look-up, reconcile, sync) take a slot only while fewer than this share of
# the limit is taken (195 of 200), so the rest is always free for click-to-call, and a dial may take any slot:
# while dials are busy, reads back off (ops/ratelimit.py). A small reserve lets the sync use the minute.
EXOTEL_READ_SHARE = _typed("EXOTEL_READ_SHARE", float, 0.975)
if not 0 < EXOTEL_READ_SHARE <= 1:
    raise ImproperlyConfigured(
        f"EXOTEL_READ_SHARE must be above 0 and at most 1, e.g. 0.975 (not {EXOTEL_READ_SHARE})"
    )
# Number look-ups one person may send to Exotel per minute; a number already looked up (cached) costs nothing.
EXOTEL_LOOKUPS_PER_MINUTE = _typed("EXOTEL_LOOKUPS_PER_MINUTE", _positive_int, 10)
# Campaigns together start at most this share of the limit's dials in any window; agents keep the rest, and
# their click-to-call goes to a worker before any campaign dial (campaigns/pump.py).
CAMPAIGN_SHARE = _typed("CAMPAIGN_SHARE", float, 0.8)
if not 0 < CAMPAIGN_SHARE <= 1:
    raise ImproperlyConfigured(
        f"CAMPAIGN_SHARE must be above 0 and at most 1, e.g. 0.8 (not {CAMPAIGN_SHARE})"
    )
# Campaign dials waiting for a worker at once: few, so a pause stops new dials at once.
CAMPAIGN_DIALS_IN_FLIGHT = _typed("CAMPAIGN_DIALS_IN_FLIGHT", _positive_int, 4)


def _sync_minutes(raw):
    value = int(raw)
    if not 1 <= value <= 60:
        raise ValueError("must be a whole number of minutes from 1 to 60")
    return value


# Minutes between syncs of Exotel's call list (1-60), the only way inbound calls reach us: a missed call shows
# in the queue within this plus a minute. A run costs ceil(calls in its window / 100) requests, at least one;
# the window is this plus 10 minutes, and once an hour this plus 5 h 10 min for long calls, which Exotel lists
# only when they end (calls/tasks.py). At 1 minute: 1 read a minute up to ~540 calls an hour, 11 at 6,000 an
# hour, of the 195 a minute reads may take (200 x EXOTEL_READ_SHARE); the hourly run, 1 per 19 calls an hour.
EXOTEL_SYNC_INTERVAL_MINUTES = _typed("EXOTEL_SYNC_INTERVAL_MINUTES", _sync_minutes, 1)
# Recordings are fetched (with the API credentials) only over https from these hosts; `*.` allows subdomains.
# Add your recordings' storage host if Exotel's links point there. The local sandbox is allowed by itself.
EXOTEL_RECORDING_HOSTS = env.list("EXOTEL_RECORDING_HOSTS", default=["*.exotel.com", "*.exotel.in"])
PUBLIC_BASE_URL = _required("PUBLIC_BASE_URL", _base_url)
# Signs each call's callback URL. Rotate by moving the old value into CALLBACK_SECRET_FALLBACKS.
CALLBACK_SECRET = env.str("CALLBACK_SECRET", default="") or SECRET_KEY
CALLBACK_SECRET_FALLBACKS = env.list("CALLBACK_SECRET_FALLBACKS", default=[])
CALLBACK_MAX_BODY_BYTES = 64 * 1024

for _zone_setting in ("TIME_ZONE", "EXOTEL_TIMEZONE"):
    try:
        import zoneinfo

        zoneinfo.ZoneInfo(globals()[_zone_setting])
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ImproperlyConfigured(f"{_zone_setting} is not a known time zone: {exc}") from exc

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

# Every process logs one line per record to stdout: LOG_FORMAT=text for people (the default here), json for a
# log collector (production's default). Callback tokens are redacted from both (exotel_dashboard/logs.py).
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = _typed("LOG_FORMAT", log_format, "text")
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)
