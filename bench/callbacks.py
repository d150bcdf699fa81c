"""Load test of Exotel's status callbacks: gunicorn, PostgreSQL, parallel clients, then a check of every call.

Creates a fresh database and N queued calls, starts gunicorn, delivers each call's callbacks as Exotel does
(see `plan`), prints throughput, latency and CPU per callback, checks every call's final state, then stops
gunicorn and drops the database. Exits 1 on any non-200 response or wrong final state. See bench/README.md.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import time
import uuid

import psycopg
from common import (
    ADMIN_DSN,
    ROOT,
    bench_env,
    free_port,
    fresh_database,
    machine_measure,
    migrate_and_set_up_django,
    percentile,
    show,
    stop,
    wait_for_port,
)
from procs import cpu_ticks, parent_pid, process_ticks

DB_NAME = "bench_callbacks"
BOUNDARY = "ExotelBenchBoundary7MA4YWxkTrZu0gW"
STARTUP_SECONDS = 30
WARM_UP_CALLS = 100
STARTED, ENDED = "2026-11-23 16:30:00", "2026-11-23 16:31:10"
RECORDINGS = "https://recordings.exotel.com/exotelrecordings/bench/"
TARGET_SHARE, TARGET_P99_RATIO = 0.80, 1.5  # of the floor's throughput and p99, same run
VIEW_APP = "exotel_dashboard.wsgi:application"
FLOOR_APP, FLOOR_SETTINGS = "bench.floor.wsgi:application", "bench.floor.settings"
ALL_MIDDLEWARE_SETTINGS = "bench.floor.all_middleware"  # the view as it was before callbacks_bypass
LOCK_KEY = 20261123  # pg_advisory_lock: one run at a time


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--clients", type=int, default=16, help="client processes, one connection each")
    parser.add_argument("--duration-limit", type=float, default=120, help="seconds; stop sending after this")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker; above 1 uses gthread")
    parser.add_argument("--conn-max-age", help="CONN_MAX_AGE for gunicorn (default: the app's own default)")
    parser.add_argument("--json-share", type=float, default=0.3, help="share of calls sent as JSON")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--floor", action="store_true", help="first measure bench/floor/, the least a callback costs"
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="with --floor: the apps one after the other, this many times"
    )
    return parser.parse_args()


def settings_for(port, conn_max_age):
    settings = {
        "EXOTEL_SID": "bench",
        "EXOTEL_API_KEY": "bench",
        "EXOTEL_API_TOKEN": "bench",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    if conn_max_age is not None:
        settings["CONN_MAX_AGE"] = conn_max_age
    return bench_env(DB_NAME, **settings)


def create_calls(count):
    """Queued calls with distinct Sids: [(pk, sid, callback path)]. Needs django.setup()."""
    from django.utils import timezone

    from calls.models import Call
    from calls.tracking.tokens import callback_url

    parties = {"from_number": "+919845012301", "to_number": "+919876543210", "date_created": timezone.now()}
    calls = [Call(sid=uuid.uuid4().hex, status="queued", **parties) for _ in range(count)]
    Call.objects.bulk_create(calls)
    return [(call.pk, call.sid, callback_url(call.pk).split("/", 3)[3]) for call in calls]


def answered(sid, leg2):
    fields = {"CallSid": sid, "EventType": "answered", "Status": "in-progress", "DateUpdated": STARTED}
    return fields, [{"Status": "in-progress"}, {"Status": leg2}]


def terminal(sid, talked):
    fields = {"CallSid": sid, "EventType": "terminal", "Status": "completed", "ConversationDuration": talked}
    fields |= {"DateCreated": STARTED, "StartTime": STARTED, "DateUpdated": ENDED, "EndTime": ENDED}
    fields |= {"From": "09845012301", "To": "09876543210", "PhoneNumberSid": "08030752400"}
    fields |= {"Direction": "outbound-api", "CustomField": "bench", "RecordingUrl": RECORDINGS + sid + ".mp3"}
    done = {"Status": "completed"}
    return fields, [done | {"OnCallDuration": talked + 19}, done | {"OnCallDuration": talked}]


def encode(event, as_json):
    """(content type, body) as Exotel sends them: JSON with a Legs array, or multipart with flat Legs keys."""
    fields, legs = event
    if as_json:
        return "application/json", json.dumps(fields | {"Legs": legs}).encode()
    flat = fields | {f"Legs[{i}][{key}]": value for i, leg in enumerate(legs) for key, value in leg.items()}
    part = '--{}\r\nContent-Disposition: form-data; name="{}"\r\n\r\n{}\r\n'
    body = "".join(part.format(BOUNDARY, key, value) for key, value in flat.items()) + f"--{BOUNDARY}--\r\n"
    return f"multipart/form-data; boundary={BOUNDARY}", body.encode()


def plan(calls, json_share, rng):
    """All deliveries, round by round, so that one call's events are spread out in time as Exotel's are.

    Rounds: answered (leg 1); answered (leg 2), or for ~10% of calls the terminal; the terminal, or the late
    answered; redelivered terminals. A quarter of the redeliveries follow the first at once instead, so both
    reach the server together and wait on the call's row lock. Returns deliveries and ConversationDurations.
    """
    rounds = [[], [], [], []]
    expected = {}
    for pk, sid, path in calls:
        expected[pk] = talked = rng.randint(1, 900)
        as_json = rng.random() < json_share
        events = (answered(sid, ""), answered(sid, "in-progress"), terminal(sid, talked))
        first, second, final = ((path, *encode(event, as_json)) for event in events)
        order = [first, final, second] if rng.random() < 0.1 else [first, second, final]
        for number, delivery in enumerate(order):
            rounds[number].append([delivery])
        if rng.random() < 0.25:
            rounds[order.index(final)][-1].append(final)
        else:
            rounds[3].append([final])
    for deliveries in rounds:
        rng.shuffle(deliveries)
    return [delivery for deliveries in rounds for group in deliveries for delivery in group], expected


def send(job):
    """One client: its deliveries in order on one keep-alive connection. Returns [(status, seconds)], CPU."""
    port, deliveries, deadline = job
    cpu = time.process_time()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    results = []
    for path, content_type, body in deliveries:
        if time.time() > deadline:
            break
        start = time.perf_counter()
        try:
            conn.request("POST", "/" + path, body, {"Content-Type": content_type, "User-Agent": "bench"})
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            conn.close()
            status = 0
        results.append((status, time.perf_counter() - start))
    conn.close()
    return results, time.process_time() - cpu


def start_gunicorn(args, port, env, app):
    command = [ROOT / ".venv/bin/gunicorn", app, f"--bind=127.0.0.1:{port}"]
    command += [f"--workers={args.workers}", "--log-level=warning"]
    # Said either way: gunicorn.conf.py (read from ROOT) has gthread workers by default.
    if args.threads > 1:
        command += ["--worker-class=gthread", f"--threads={args.threads}"]
    else:
        command += ["--worker-class=sync", "--threads=1"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 (our own command line)
    return wait_for_port(server, port, "gunicorn", STARTUP_SECONDS)


def run_clients(pool, port, deliveries, clients, seconds, pids, backends=()):
    """[(status, seconds)], wall time, CPU seconds of gunicorn, PostgreSQL, clients, machine busy and all,
    and of `backends` (PostgreSQL's processes serving this database)."""
    deadline = time.time() + seconds
    jobs = [(port, deliveries[i::clients], deadline) for i in range(clients)]
    before = [*cpu_ticks(pids), sum(process_ticks(pid, 2) for pid in backends)]
    start = time.perf_counter()
    answers = pool.map(send, jobs)
    wall = time.perf_counter() - start
    after = [*cpu_ticks(pids), sum(process_ticks(pid, 2) for pid in backends)]
    used = [(end - begin) / os.sysconf("SC_CLK_TCK") for begin, end in zip(before, after, strict=True)]
    used.insert(2, sum(cpu for _, cpu in answers))
    return [result for results, _ in answers for result in results], wall, used


def check_calls(expected):
    """Calls not in the state their callbacks describe, and their number of event rows."""
    from calls.models import Call, CallEvent

    fields = ["pk", "status", "leg1_status", "leg2_status", "conversation_duration"]
    final = Call.objects.filter(pk__in=expected).values_list(*fields)
    wrong = sum(row[1:] != ("completed", "completed", "completed", expected[row[0]]) for row in final)
    return wrong, CallEvent.objects.filter(call__in=expected).count()


def main():
    args = parse_args()
    show("machine", machine_measure())
    with fresh_database(DB_NAME, LOCK_KEY) as admin:
        return run(args, postmaster=parent_pid(admin.info.backend_pid))


def run(args, postmaster):
    env = settings_for(free_port(), args.conn_max_age)
    migrate_and_set_up_django(env)
    from django.db import connections

    apps = [("view", VIEW_APP, env)]
    if args.floor:
        apps[:0] = [
            ("floor", FLOOR_APP, env | {"DJANGO_SETTINGS_MODULE": FLOOR_SETTINGS}),
            ("view, all middleware", VIEW_APP, env | {"DJANGO_SETTINGS_MODULE": ALL_MIDDLEWARE_SETTINGS}),
        ]
    # Each app gets calls of its own in each round, and the same plan for them: same bodies, order and races.
    calls = {
        (name, turn): create_calls(args.calls + WARM_UP_CALLS) for name, _, _ in apps for turn in rounds(args)
    }
    connections.close_all()
    load = os.getloadavg()[0]
    show(
        "setup", f"{args.calls} calls, {args.clients} clients, {args.workers} gunicorn workers{threads(args)}"
    )
    show("", f"CONN_MAX_AGE {args.conn_max_age or 'app default'}; load average {load:.1f} before the run")
    figures = {}
    for turn in rounds(args):
        for name, app, app_env in apps:
            rng = random.Random(args.seed)
            warm_up, _ = plan(calls[name, turn][args.calls :], args.json_share, rng)
            deliveries, expected = plan(calls[name, turn][: args.calls], args.json_share, rng)
            measured = measure(args, app, app_env, warm_up, deliveries, postmaster)
            label = f"{name} (round {turn + 1})" if args.rounds > 1 else name
            figures[name, turn] = report(label, args, len(deliveries), *measured, *check_calls(expected))
            connections.close_all()
    if args.floor:
        for name in ("view, all middleware", "view"):
            ratios = [
                compare(name, figures[name, turn], figures["floor", turn], turn, args)
                for turn in rounds(args)
            ]
            if args.rounds > 1:
                summarize(name, ratios)
    return 0 if all(figure["ok"] for figure in figures.values()) else 1


def rounds(args):
    return range(args.rounds if args.floor else 1)


def threads(args):
    return f" x {args.threads} threads" if args.threads > 1 else ""


def measure(args, app, env, warm_up, deliveries, postmaster):
    port = free_port()
    server = start_gunicorn(args, port, env, app)
    pids = [server.pid, postmaster]
    try:
        with multiprocessing.get_context("spawn").Pool(args.clients) as pool:
            # Boots the clients and warms every gunicorn worker and its imports on calls of their own.
            run_clients(pool, port, warm_up, args.clients, STARTUP_SECONDS, pids)
            backends = database_backends()  # gunicorn's connections, kept between requests (CONN_MAX_AGE)
            return run_clients(pool, port, deliveries, args.clients, args.duration_limit, pids, backends)
    finally:
        stop(server, seconds=15)


def database_backends():
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        found = admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [DB_NAME]).fetchall()
    return [pid for (pid,) in found]


def report(name, args, planned, results, wall, cpu, wrong, events):
    latencies = sorted(seconds * 1000 for _, seconds in results) or [0.0]
    p50, p95, p99 = (percentile(latencies, share) for share in (0.50, 0.95, 0.99))
    per_second = len(results) / wall
    failed = sum(status != 200 for status, _ in results) + planned - len(results)
    gunicorn, postgres, clients, busy = (seconds * 1000 / max(len(results), 1) for seconds in cpu[:4])
    print(f"-- {name}")
    show("callbacks", f"{len(results)} of {planned} planned in {wall:.2f} s")
    show("throughput", f"{per_second:.0f} callbacks/s")
    show("latency p50/p95/p99", f"{p50:.1f} / {p95:.1f} / {p99:.1f} ms (max {latencies[-1]:.1f})")
    ours = f"gunicorn {gunicorn:.2f} ms, postgres {postgres:.2f} ms, clients {clients:.2f} ms"
    show("CPU per callback", ours)
    others = busy - gunicorn - postgres - clients
    show("", f"other processes {others:.2f} ms; the {os.cpu_count()} CPUs {cpu[3] / cpu[4]:.0%} busy")
    # The whole server's CPU counts other databases' work too; the backends serving this one do not.
    served = cpu[5] * 1000 / max(len(results), 1)
    show("", f"of postgres, this database's backends {served:.2f} ms")
    show("non-200 or unsent", failed)
    show("wrong final states", f"{wrong} of {args.calls} calls")
    show("call events", f"{events} (expected {3 * args.calls}: one per distinct event)")
    ok = failed == 0 and wrong == 0 and events == 3 * args.calls
    show("result", "OK" if ok else "FAILED")
    own_ms = gunicorn + served + clients
    return {"per_second": per_second, "p99": p99, "gunicorn_ms": gunicorn, "own_ms": own_ms, "ok": ok}


def compare(name, view, floor, turn, args):
    share = view["per_second"] / floor["per_second"]
    p99 = view["p99"] / max(floor["p99"], 0.001)
    print(f"-- {name} against the floor, same {round_label(turn, args)}")
    show("throughput", f"{share:.0%} of the floor's (target >= {TARGET_SHARE:.0%})")
    show("p99", f"{p99:.2f} x the floor's (target <= {TARGET_P99_RATIO})")
    show("gunicorn CPU", f"{view['gunicorn_ms']:.2f} ms against {floor['gunicorn_ms']:.2f} ms per callback")
    # What the throughput would be with the machine to themselves (gunicorn, this database's backends,
    # clients): little moved by other processes' load.
    by_cpu = floor["own_ms"] / view["own_ms"]
    own = f"{view['own_ms']:.2f} ms against {floor['own_ms']:.2f} ms"
    show("CPU (ours)", f"{own}: {by_cpu:.0%} of the floor's throughput on CPU alone")
    show("target", "met" if share >= TARGET_SHARE and p99 <= TARGET_P99_RATIO else "not met")
    return share, p99, by_cpu


def round_label(turn, args):
    return f"round {turn + 1}" if args.rounds > 1 else "run"


def summarize(name, ratios):
    """The median of the rounds: one round disturbed by another process moves it little."""
    shares, p99s, by_cpu = (sorted(column) for column in zip(*ratios, strict=True))
    share, p99 = statistics.median(shares), statistics.median(p99s)
    print(f"-- {name} against the floor, median of {len(ratios)} rounds")
    show("throughput", f"{share:.0%} of the floor's (rounds {', '.join(f'{s:.0%}' for s in shares)})")
    show("p99", f"{p99:.2f} x the floor's (rounds {', '.join(f'{r:.2f}' for r in p99s)})")
    show("on CPU alone", f"{statistics.median(by_cpu):.0%} (rounds {', '.join(f'{r:.0%}' for r in by_cpu)})")
    show("target", "met" if share >= TARGET_SHARE and p99 <= TARGET_P99_RATIO else "not met")


if __name__ == "__main__":
    sys.exit(main())
