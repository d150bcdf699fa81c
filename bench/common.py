"""What every benchmark here needs: its own PostgreSQL database, a clean environment, Django set up, servers
started on 127.0.0.1 and stopped, percentiles and aligned output."""

import contextlib
import math
import os
import socket
import subprocess
import sys
import time
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


def django_in_this_process(database):
    """The app set up in this process on `database`, for a benchmark that asks it through the test client."""
    env = bench_env(
        database,
        EXOTEL_SID="bench",
        EXOTEL_API_KEY="bench",
        EXOTEL_API_TOKEN="bench",
        PUBLIC_BASE_URL="http://127.0.0.1:8000",
        ALLOWED_HOSTS="testserver",
    )
    migrate_and_set_up_django(env)
    return env


def read_only_connection(database_url):
    conn = psycopg.connect(database_url, autocommit=True, connect_timeout=10)
    conn.execute("SET default_transaction_read_only = on")
    return conn


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(process, port, name, seconds):
    """Returns the process once it accepts connections on the port; stops the run if it exits or is silent."""
    for _ in range(seconds * 10):
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return process
        time.sleep(0.1)
    stop(process)
    raise SystemExit(f"{name} did not answer within {seconds} s")


def stop(process, seconds=5):
    """Ask the process to end; kill it if it has not within `seconds`."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def percentile(values, share):
    """Of sorted values, by the nearest rank; 0.0 of none."""
    return values[max(math.ceil(len(values) * share) - 1, 0)] if values else 0.0


def show(label, text):
    print(f"{label + ':' if label else '':21}{text}")


def machine_measure():
    """A fixed CPU micro-benchmark printed with every run, as machines here differ about 3 times: SHA-256 over
    64 MiB in 64 KiB pieces and a pure-Python loop of 5 million additions, best of three, in milliseconds."""
    import hashlib

    block = bytes(range(256)) * 256
    best_hash = best_loop = math.inf
    for _ in range(3):
        started = time.perf_counter()
        digest = hashlib.sha256()
        for _ in range(1024):
            digest.update(block)
        best_hash = min(best_hash, time.perf_counter() - started)
        started = time.perf_counter()
        total = 0
        for number in range(5_000_000):
            total += number
        best_loop = min(best_loop, time.perf_counter() - started)
    hashed, looped = best_hash * 1000, best_loop * 1000
    return f"sha256 64 MiB {hashed:.0f} ms, Python loop 5M {looped:.0f} ms (lower is faster)"
