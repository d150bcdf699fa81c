"""Mixed load on a running `make run-prod`: agents placing calls, managers reading the log, callbacks.

From this process, on 127.0.0.1: agent sessions fill the click-to-call form and watch each call's status
fragment as the page does, managers filter, sort, page and export the call log and read the overview, and
the sandbox (Exotel) sends its status callbacks to the app as the calls progress. Halfway through, one
db_worker is killed outright while it dials. After the load every call the agents placed must become final
and match the sandbox's truth, dialled exactly once. Prints requests per second and latency per kind,
errors, wrong final states, lost and twice-dialled calls. Exits 1 unless all of those are 0.
See bench/README.md. Here: the options and the run's order; the people in load_users.py, the worker kill in
load_workers.py, the checks and figures in load_report.py.
"""

import argparse
import os
import sys
import threading
import time

import requests
from common import machine_measure, show
from load_report import baseline, report, sandbox_truth, settle, task_rows
from load_users import TIMEOUT, Run, Stats, agent, login_burst, manager
from load_workers import db_workers, kill_worker, run_prod_processes
from procs import CpuSampler

RAMP = 1.0  # seconds between two sessions starting (a login costs about a second of CPU)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", default="http://127.0.0.1:8000")
    parser.add_argument("--sandbox", default="http://127.0.0.1:8001")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/exotel_prod")
    parser.add_argument("--minutes", type=float, default=5, help="of load")
    parser.add_argument("--agents", type=int, default=8, help="agent sessions (agent and agent2 in turn)")
    parser.add_argument("--managers", type=int, default=3, help="manager sessions")
    parser.add_argument(
        "--kill-worker-at", type=float, default=0.5, help="share of the load time; 0: kill no worker"
    )
    parser.add_argument(
        "--settle-minutes", type=float, default=10, help="most to wait after the load for every call to end"
    )
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--login-burst", type=int, default=0, help="people logging in at once, as a shift starts; 0: none"
    )
    parser.add_argument("--burst-seconds", type=float, default=30, help="the logins spread evenly over these")
    parser.add_argument(
        "--burst-at",
        type=float,
        default=None,
        help="seconds into the load; default: the middle",
    )
    args = parser.parse_args()
    if args.minutes <= 0 or args.agents < 1 or args.managers < 0 or not 0 <= args.kill_worker_at < 1:
        parser.error("--minutes > 0, --agents >= 1, --managers >= 0 and 0 <= --kill-worker-at < 1")
    if args.burst_at is None:
        args.burst_at = max(0.0, (args.minutes * 60 - args.burst_seconds) / 2)
    if args.login_burst < 0 or args.burst_seconds <= 0 or args.burst_at < 0:
        parser.error("--login-burst >= 0, --burst-seconds > 0 and --burst-at >= 0")
    if args.login_burst and args.burst_at + args.burst_seconds > args.minutes * 60:
        parser.error("the burst (--burst-at + --burst-seconds) must end within --minutes of load")
    return args


def burst(run, start, groups):
    """The login burst, with the CPU it and everything else used meanwhile."""
    begin = start + run.args.burst_at
    if run.stop.wait(max(0.0, begin - time.monotonic())):
        return
    cpu = CpuSampler(groups)
    login_burst(run, begin)
    run.burst_window = (begin, time.monotonic(), cpu.shares())


def main():
    args = parse_args()
    show("machine measure", machine_measure())
    health = requests.get(args.app.rstrip("/") + "/healthz", timeout=10)
    if health.status_code != 200:
        raise SystemExit(f"{args.app}/healthz answers {health.status_code}: {health.text[:200]}")
    requests.get(args.sandbox.rstrip("/") + "/_sandbox/config", timeout=10).raise_for_status()
    last_call, db_started = baseline(args.database_url)
    stats = Stats()
    run = Run(args, stats)
    load_before, cpu = os.getloadavg()[0], CpuSampler(run_prod_processes(args.database_url))
    workers_before = db_workers(args.database_url)
    start = time.monotonic()
    wall_start = time.time()
    threads = [threading.Thread(target=agent, args=(run, i), daemon=True) for i in range(args.agents)]
    threads += [threading.Thread(target=manager, args=(run, i), daemon=True) for i in range(args.managers)]
    if args.kill_worker_at > 0:
        threads.append(threading.Thread(target=kill_worker, args=(run, start), daemon=True))
    if args.login_burst:
        groups = run_prod_processes(args.database_url)
        threads.append(threading.Thread(target=burst, args=(run, start, groups), daemon=True))
    for i, thread in enumerate(threads):
        thread.start()
        if i < args.agents + args.managers:
            time.sleep(RAMP)  # people log in one after another, not all in the same second
    print(f"load: {args.agents} agents, {args.managers} managers for {args.minutes:g} min ...", flush=True)
    run.stop.wait(max(0.0, args.minutes * 60 - (time.monotonic() - start)))
    run.stop.set()
    for thread in threads:
        thread.join(timeout=TIMEOUT + 5)
    load_seconds = time.monotonic() - start
    wall_end = time.time()
    load_after, cpu_shares = os.getloadavg()[0], cpu.shares()
    print(f"load over after {load_seconds:.0f} s; waiting for every call to end ...", flush=True)
    settled, calls = settle(args.database_url, last_call, args.settle_minutes)
    truth = sandbox_truth(args.sandbox)
    tasks = task_rows(args.database_url, db_started)
    machine = (load_before, load_after, cpu_shares, workers_before)
    return report(run, calls, truth, tasks, (start, load_seconds, wall_start, wall_end, settled), machine)


if __name__ == "__main__":
    sys.exit(main())
