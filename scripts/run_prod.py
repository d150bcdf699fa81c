"""`make run-prod`: production settings and processes on this machine, on PostgreSQL, the sandbox as Exotel.

Creates the database (exotel_prod unless DATABASE_URL names another), migrates it, collects the static files,
loads the demo people, then starts Procfile.prod with honcho: gunicorn with two workers, two db_workers, the
scheduler and the sandbox. Plain http on 127.0.0.1 via LOCAL_HTTP (see exotel_dashboard/production.py).
Any variable already in the environment wins over the defaults below.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
# Only SECRET_KEY is kept between runs (sessions and callback tokens survive a restart); the rest is below.
SECRET_FILE = ROOT / ".env.prod"


def environment():
    port = os.environ.get("PORT") or "8000"
    sandbox_port = os.environ.get("SANDBOX_PORT") or "8001"
    defaults = {
        "DJANGO_SETTINGS_MODULE": "exotel_dashboard.production",
        "ENV_FILE": str(SECRET_FILE),
        "PORT": port,
        "SANDBOX_PORT": sandbox_port,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/exotel_prod",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOCAL_HTTP": "true",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "EXOTEL_API_URL": f"http://127.0.0.1:{sandbox_port}",
        "EXOTEL_SID": "demo_sandbox",
        "EXOTEL_API_KEY": "sandbox_api_key",
        "EXOTEL_API_TOKEN": "sandbox_api_token",
        "WEB_CONCURRENCY": "2",
        "LOG_FORMAT": "json",
    }
    return {**defaults, **os.environ}


def write_secret_key():
    if not SECRET_FILE.exists():
        SECRET_FILE.write_text(f"SECRET_KEY={secrets.token_urlsafe(50)}\n")
        SECRET_FILE.chmod(0o600)


def create_database(url):
    """Create the database named in the PostgreSQL URL if the server does not have it yet."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit(f"make run-prod runs on PostgreSQL; DATABASE_URL is {parts.scheme}://…")
    name = unquote(parts.path.lstrip("/"))
    server = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": unquote(parts.username or "postgres"),
        "password": unquote(parts.password or ""),
        "dbname": "postgres",
    }
    try:
        with psycopg.connect(**server, autocommit=True, connect_timeout=5) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"Created the database {name}.")
    except psycopg.OperationalError as exc:
        sys.exit(f"Cannot reach PostgreSQL at {server['host']}:{server['port']}: {exc}")


def manage(env, *args):
    command = [str(VENV_BIN / "python"), "manage.py", *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603 (our own command line)


def main():
    write_secret_key()
    env = environment()
    create_database(env["DATABASE_URL"])
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    print("Demo logins:")
    # Demo users with known passwords: safe only because LOCAL_HTTP keeps this site on 127.0.0.1.
    manage(env, "load_demo", "--force")
    manage(env, "load_demo_campaign", "--force")
    print()
    print(f"Exotel Dashboard (production settings): http://127.0.0.1:{env['PORT']}/")
    print(f"Sandbox Exotel on http://127.0.0.1:{env['SANDBOX_PORT']}/; health at /healthz; JSON logs below.")
    print("Press Ctrl-C once to stop every process.")
    print()
    # No env file for honcho: the environment above is the whole configuration.
    command = [str(VENV_BIN / "honcho"), "start", "-f", "Procfile.prod", "-e", os.devnull, "-c", "worker=2"]
    os.chdir(ROOT)
    os.execve(command[0], command, env)  # noqa: S606 (our own command line)


if __name__ == "__main__":
    main()
