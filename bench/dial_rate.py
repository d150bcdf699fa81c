"""Dial rate under the shared rate limiter: db_worker processes dialling queued calls through the sandbox.

Creates a fresh database with N pending calls and their `dial_call` tasks, starts the sandbox as Exotel (with
its rate limit equal to ours, so that going over shows up as 429s) and `--workers` db_worker processes, waits
until every call is dialled, then reads the sandbox's request log: dials per minute against the limit, the
busiest 60 seconds, 429s, one dial per call. Stops everything and drops the database. Exits 1 on a breach of
the limit or a call not dialled exactly once; the throughput target is only reported. See bench/README.md.
"""

import argparse
import bisect
import collections
import os
import subprocess
import sys
import time
import uuid

import requests
from common import (
    ROOT,
    bench_env,
    free_port,
    fresh_database,
    migrate_and_set_up_django,
    show,
    stop,
    wait_for_port,
)

DB_NAME = "bench_dial_rate"
LOCK_KEY = 20261124  # pg_advisory_lock: one run at a time (bench/callbacks.py uses 20261123)
REDIS_URL = "redis://127.0.0.1:6379/14"  # a database of its own: the tests use 15
LIMITER_KEY = "ratelimit:exotel"  # ops/ratelimit.py's key for the "exotel" bucket
EXOPHONE, AGENT_PHONE = "+918030752400", "+919845012301"
STARTUP_SECONDS = 30
TARGET = 0.97


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--limit", type=int, default=200, help="per minute, ours and the sandbox's")
    parser.add_argument("--workers", type=int, default=2, help="db_worker processes")
    parser.add_argument("--redis", action="store_true", help=f"the Redis limiter ({REDIS_URL})")
    return parser.parse_args()


def settings_for(args, sandbox_port):
    settings = {
        "EXOTEL_API_URL": f"http://127.0.0.1:{sandbox_port}",
        "EXOTEL_SID": "demo_sandbox",
        "EXOTEL_API_KEY": "sandbox_api_key",
        "EXOTEL_API_TOKEN": "sandbox_api_token",
        "EXOTEL_RATE_LIMIT_PER_MINUTE": str(args.limit),
        # Nothing listens there: the sandbox's status callbacks fail at once, and they don't matter here.
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{free_port()}",
    }
    if args.redis:
        settings["REDIS_URL"] = REDIS_URL
    return bench_env(DB_NAME, **settings)


def create_calls(count):
    """Pending calls as call_place makes them, each with its dial_call task. Returns {to number: pk}."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import AgentProfile
    from calls.models import Call, Status
    from calls.placing.tasks import dial_call
    from exonumbers.models import ExoPhone

    exophone = ExoPhone.objects.create(number=EXOPHONE, friendly_name="Bench")
    agent = get_user_model().objects.create_user("bench-agent")
    AgentProfile.objects.create(user=agent, phone_number=AGENT_PHONE, default_exophone=exophone)
    # Distinct customers, so the sandbox's log tells the calls apart; digits 00-69: answered and completed.
    customers = [f"+9198{i:06d}{i % 70:02d}" for i in range(count)]
    parties = {"status": Status.PENDING, "agent": agent, "exophone": exophone, "from_number": AGENT_PHONE}
    calls = [
        Call(to_number=to, date_created=timezone.now(), idempotency_key=uuid.uuid4(), **parties)
        for to in customers
    ]
    with transaction.atomic():
        Call.objects.bulk_create(calls)
        for call in calls:
            dial_call.enqueue(call.pk)
    return {call.to_number: call.pk for call in calls}


def start_sandbox(args, port, env):
    command = [sys.executable, "-m", "sandbox", f"--port={port}", "--speed=100", f"--rate-limit={args.limit}"]
    sandbox = subprocess.Popen([*command, "--quiet"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
    return wait_for_port(sandbox, port, "the sandbox", STARTUP_SECONDS)


def start_worker(env):
    # -v 0: no line per task. The app's own warnings still show; failed tasks are counted in the database.
    command = [sys.executable, "manage.py", "db_worker", "--interval=0.2", "--no-startup-delay", "-v", "0"]
    return subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 (our own command line)


def wait_for_dials(pks, workers, seconds):
    """Wait until no call is pending or queued without a Sid. Returns the seconds waited."""
    from calls.models import Call, Status

    undialled = Call.objects.filter(pk__in=pks, sid__isnull=True, status__in=[Status.PENDING, Status.QUEUED])
    begin = time.monotonic()
    while time.monotonic() - begin < seconds and undialled.exists():
        for worker in workers:
            if worker.poll() is not None:
                raise SystemExit(f"a db_worker exited with {worker.returncode}")
        time.sleep(0.5)
    return time.monotonic() - begin


def main():
    args = parse_args()
    if args.calls < 1 or args.limit < 1 or args.workers < 1:
        raise SystemExit("--calls, --limit and --workers must be at least 1")
    with fresh_database(DB_NAME, LOCK_KEY):
        return run(args)


def run(args):
    sandbox_port = free_port()
    env = settings_for(args, sandbox_port)
    limiter = None
    if args.redis:
        import redis

        limiter = redis.Redis.from_url(REDIS_URL)
        limiter.delete(LIMITER_KEY)  # a window left by a killed run
    migrate_and_set_up_django(env)
    from django.db import connections

    calls = create_calls(args.calls)
    load = os.getloadavg()[0]
    processes = []
    try:
        processes.append(start_sandbox(args, sandbox_port, env))
        processes += [start_worker(env) for _ in range(args.workers)]
        waited = wait_for_dials(calls.values(), processes[1:], args.calls / args.limit * 60 + 120)
        log = requests.get(f"{env['EXOTEL_API_URL']}/_sandbox/requests", timeout=30).json()
    finally:
        for process in reversed(processes):
            stop(process)  # 5 s: a db_worker in the middle of a task waits for it to end: don't
        if limiter:
            limiter.delete(LIMITER_KEY)
            limiter.close()
    outcome = check_calls(calls)
    connections.close_all()
    return report(args, load, waited, log, calls, outcome)


def check_calls(calls):
    """Calls without a Sid ({status: count}) and failed dial_call tasks."""
    from django_tasks_db.models import DBTaskResult

    from calls.models import Call

    no_sid = Call.objects.filter(pk__in=calls.values(), sid__isnull=True).values_list("status", flat=True)
    return collections.Counter(no_sid), DBTaskResult.objects.failed().count()


def busiest_minute(times):
    """The most requests in any 60 seconds: for each request, those in the 60 s up to and including it."""
    return max((i + 1 - bisect.bisect_right(times, t - 60) for i, t in enumerate(times)), default=0)


def report(args, load, waited, log, calls, outcome):
    api = [entry for entry in log if entry["path"].startswith("/v1/")]
    refused = sum(entry["status"] == 429 for entry in api)
    accepted = sorted(entry["epoch"] for entry in api if entry["status"] != 429)
    connects = [entry for entry in api if entry["path"].endswith("/Calls/connect.json")]
    placed = [entry for entry in connects if entry["status"] == 200]
    dials = sorted(entry["epoch"] for entry in placed)
    errors = sum(entry["status"] not in (200, 429) for entry in api)
    # The last ten digits, whether To went out in E.164 or national form.
    ours = {to[-10:] for to in calls}
    per_call = collections.Counter(entry["form"].get("To", "")[-10:] for entry in placed)
    twice = sum(per_call[to] > 1 for to in ours)
    never = sum(per_call[to] == 0 for to in ours)
    strangers = sum(count for to, count in per_call.items() if to not in ours)
    no_sid, failed_tasks = outcome
    limiter = "Redis" if args.redis else "database"
    show("setup", f"{args.calls} calls, limit {args.limit}/min, {args.workers} db_workers, {limiter} limiter")
    show("", f"load average {load:.1f} before the run; all dialled {waited:.0f} s after the workers started")
    others = len(api) - len(connects)
    show("dials", f"{len(dials)}; 429s: {refused}; other API errors {errors}, other API requests {others}")
    wall = dials[-1] - dials[0] if dials else 0.0
    show("wall time", f"{wall:.1f} s from the first dial to the last")
    busiest = busiest_minute(accepted)
    show("busiest 60 s", f"{busiest} API requests (limit {args.limit})")
    ratio = None
    if len(dials) > args.limit:
        # When saturated, the limiter lets dial i+limit go exactly 60 s after dial i; never sooner.
        gaps = [dials[i] - dials[i - args.limit] for i in range(args.limit, len(dials))]
        lag = sum(gaps) / len(gaps)
        ratio = 60 / lag
        show("dial rate", f"{ratio * args.limit:.1f}/min: dial i+{args.limit} came {lag:.1f} s after dial i")
        show("", f"on average (60 s at the limit; shortest {min(gaps):.1f} s, longest {max(gaps):.1f} s)")
        met = "met" if TARGET <= ratio <= 1 else "not met"
        show("of the limit", f"{ratio:.1%} (target {TARGET:.0%} to 100%): {met}")
    else:
        show("dial rate", f"not measured: needs more than --limit ({args.limit}) calls")
    show("calls", f"{len(calls) - twice - never} dialled once, {twice} more than once, {never} never")
    show("", f"unknown numbers dialled: {strangers}; without a Sid: {dict(no_sid) or 0}")
    show("failed tasks", failed_tasks)
    ok = refused == errors == twice == never == strangers == failed_tasks == 0 and not no_sid
    ok = ok and busiest <= args.limit and (ratio is None or ratio <= 1)
    show("result", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
