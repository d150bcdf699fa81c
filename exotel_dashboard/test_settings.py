"""Settings for the test suite: fixed, harmless credentials; the real database from DATABASE_URL if set."""

import os
import tempfile

os.environ["ENV_FILE"] = ""  # never read a developer's .env into tests
os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("EXOTEL_SID", "test_sid")
os.environ.setdefault("EXOTEL_API_KEY", "test_key")
os.environ.setdefault("EXOTEL_API_TOKEN", "test_token")
os.environ.setdefault("EXOTEL_API_URL", "http://127.0.0.1:9")
os.environ.setdefault("PUBLIC_BASE_URL", "http://testserver")

from .settings import *  # noqa: F403

# Each test empties the cache (testing.empty_cache): never a shared Redis, even when REDIS_URL is set.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run at once, in the test; a test that starts a real worker process switches to settings.py's queue.
DATABASE_TASKS = TASKS  # noqa: F405
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = True
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory, so a worker process in a test can share the test database; one per run, so that
    # test runs side by side do not pull the database from under each other.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"exotel-dashboard-test-{os.getpid()}.sqlite3")
    }
if os.environ.get("TEST_TASKS_BACKEND") == "database":
    TASKS = DATABASE_TASKS
