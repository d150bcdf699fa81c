"""Shared test fixtures: the people of a small call centre, built in code, and a real browser.

Registered in the root conftest.py; every test module can ask for these by name.
"""

import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connection, connections

from accounts.models import AgentProfile
from exonumbers.models import ExoPhone, Flow
from lib.roles import Role

PASSWORD = "correct horse battery staple"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached: a number looked up by one test is not another's answer."""
    from django.core.cache import cache

    cache.clear()


def make_person(username, role, phone="", exophone=None):
    user = User.objects.create_user(username, f"{username}@example.in", PASSWORD, first_name=username.title())
    user.groups.add(Group.objects.get(name=role.value))
    if role is Role.ADMIN:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    AgentProfile.objects.create(user=user, phone_number=phone, default_exophone=exophone)
    return user


@pytest.fixture
def exophone(db):
    return ExoPhone.objects.create(
        number="+918030752400", friendly_name="Bengaluru support", region="Karnataka"
    )


@pytest.fixture
def flow(db):
    return Flow.objects.create(name="Support IVR", app_id="245871")


@pytest.fixture
def agent(db, exophone):
    return make_person("asha", Role.AGENT, "+919845012301", exophone)


@pytest.fixture
def other_agent(db, exophone):
    return make_person("vikram", Role.AGENT, "+919845012302", exophone)


@pytest.fixture
def manager(db, exophone):
    return make_person("meera", Role.MANAGER, "+919845012303", exophone)


@pytest.fixture
def admin(db):
    return make_person("arjun", Role.ADMIN)


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def browser():
    """A headless Debian Chromium driven by Playwright (no browser download)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Browser tests need {CHROMIUM}: run `make test`, which installs Debian's chromium.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the ORM calls in the test are still sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        # The test's queries ran in Playwright's context, whose connection the test database's teardown
        # cannot see: closed here, or PostgreSQL refuses to drop a database still in use.
        connections.close_all()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, timezone_id="Asia/Kolkata")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def log_in(page, user):
    page.goto("/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("[data-testid=whoami]")


@pytest.fixture
def closed_port():
    """The URL of a port on this machine nothing listens on: a connection to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def app_on_sandbox(sandbox, live_server, settings):
    """The app talking to a real sandbox over sockets, and the sandbox calling back into the live server."""
    return point_app_at(sandbox, live_server, settings)


def point_app_at(sandbox, live_server, settings):
    settings.EXOTEL_API_URL = sandbox.url
    settings.EXOTEL_SID = sandbox.sid
    settings.EXOTEL_API_KEY = sandbox.api_key
    settings.EXOTEL_API_TOKEN = sandbox.api_token
    settings.PUBLIC_BASE_URL = live_server.url
    return sandbox


def wait_until(predicate, timeout=15.0, interval=0.05):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(interval)
    raise TimeoutError("the condition did not hold in time")


def run_db_worker(max_tasks=1):
    """A real `manage.py db_worker` on the test database: runs what is queued (up to max_tasks), then exits.

    Needs a test database another process can open (transaction=True; a file, not memory, on SQLite).
    """
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite test database cannot be shared with a worker process")
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "exotel_dashboard.test_settings",
        "TEST_TASKS_BACKEND": "database",
    }
    command = ["manage.py", "db_worker", "--batch", "--no-startup-delay", "--max-tasks", str(max_tasks)]
    worker = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, *command],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
