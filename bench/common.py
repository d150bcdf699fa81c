"""What every benchmark here needs: its own PostgreSQL database, a clean environment, Django set up."""

import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


@contextlib.contextmanager
def fresh_database(name, lock_key, keep=False):
    """Create `name` afresh and drop it afterwards; yields the admin connection.

    With keep, a database left by an earlier kept run is reused, and this run's is left in place.
    The advisory lock is held to the end, so that a second run cannot drop this run's database.
    """
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        if not admin.execute("SELECT pg_try_advisory_lock(%s)", [lock_key]).fetchone()[0]:
            raise SystemExit(f"Another run using the database {name} is going on this PostgreSQL server.")
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not (keep and exists):
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # left by a killed run
            admin.execute(f"CREATE DATABASE {name}")
        try:
            yield admin
        finally:
            if not keep:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def bench_env(database, **settings):
    """A clean environment, so that neither a developer's .env nor their shell changes what is measured."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "ENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": "exotel_dashboard.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "SECRET_KEY": f"{database}-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        # WhiteNoise warns that collectstatic never ran: no static files are served here.
        "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
        **settings,
    }


def migrate_and_set_up_django(env):
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    import django

    django.setup()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def show(label, text):
    print(f"{label + ':' if label else '':21}{text}")
