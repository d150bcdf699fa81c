"""The floor of a callback on this stack: Django with no apps, no middleware and no templates, on the app's
database (calls_call, calls_callevent), read from the same environment bench/common.py's bench_env gives."""

import environ

env = environ.Env()

SECRET_KEY = env.str("SECRET_KEY")
CALLBACK_SECRET = env.str("CALLBACK_SECRET", default="") or SECRET_KEY
CALLBACK_SECRET_FALLBACKS = env.list("CALLBACK_SECRET_FALLBACKS", default=[])
DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1"])
INSTALLED_APPS = []
MIDDLEWARE = []
ROOT_URLCONF = "bench.floor.urls"
USE_TZ = True
DATABASES = {"default": environ.Env.db_url_config(env.str("DATABASE_URL"))}
# As the app's settings: connections kept between requests.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
LOGGING_CONFIG = None
