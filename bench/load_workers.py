"""run-prod's processes, for bench/load.py: its db_workers found in /proc, one of them killed while it dials,
and which processes are run-prod's and its database's for the CPU figures."""

import datetime
import os
import random
import signal
import time
from urllib.parse import unquote, urlsplit

from common import read_only_connection
from load_users import AGENTS, Client, place_call
from procs import command_line, environment_variable, pids, syscall

KILL_DIAL_WAIT = 60  # seconds to wait for the slow call's dial to be under way before killing anyway
RESTART_WAIT = 20  # Procfile.prod starts a stopped db_worker again after 2 s
SLEEP_SYSCALLS = {"35", "230"}  # nanosleep, clock_nanosleep (x86-64): a db_worker waiting for work


def same_database(url, other):
    a, b = urlsplit(url), urlsplit(other)
    return (a.hostname, a.port or 5432, unquote(a.path)) == (b.hostname, b.port or 5432, unquote(b.path))


def db_workers(database_url):
    """Pids of the `manage.py db_worker` processes whose DATABASE_URL is this run's database."""
    found = []
    for pid in pids():
        try:
            command = command_line(pid)
            if b"db_worker" not in command or not any(part.endswith(b"manage.py") for part in command):
                continue
            url = environment_variable(pid, "DATABASE_URL")
        except OSError:  # gone, or not ours to read
            continue
        if url is not None and same_database(url, database_url):
            found.append(pid)
    return sorted(found)


def describe(state):
    names = {"7": "waiting on a socket (poll)", "271": "waiting on a socket (ppoll)", "running": "running"}
    return names.get(state, "idle (sleep)" if state in SLEEP_SYSCALLS else f"in syscall {state}")


def dialling_worker(workers, seconds):
    """The db_worker that runs the slow dial: the only one not sleeping between polls for work.

    While a dial_call task is RUNNING, some worker holds it; a worker sleeping in db_worker's poll interval
    holds no task. So when all but one sleep, that one is dialling. Another task (a reconcile, which can take
    seconds) may keep the other worker busy for a while: wait for a moment when it sleeps. (None, states) if
    that moment does not come.
    """
    deadline = time.monotonic() + seconds
    while True:
        states = {pid: syscall(pid)[0] for pid in workers}
        awake = [pid for pid, state in states.items() if state not in SLEEP_SYSCALLS]
        if len(awake) == 1:
            return awake[0], describe(states[awake[0]])
        if time.monotonic() > deadline:
            return None, ", ".join(f"{pid} {describe(state)}" for pid, state in states.items())
        time.sleep(0.05)


def kill_worker(run, start):
    """At the kill time, place a slow-connect call and SIGKILL the db_worker while it is dialling it."""
    args = run.args
    run.stop.wait(max(0.0, start + args.minutes * 60 * args.kill_worker_at - time.monotonic()))
    if run.stop.is_set():
        return
    kill = run.kill = {"pid": None, "at": None, "clock": None, "utc": None, "call": None}
    kill |= {"state": "the dial was not seen running", "restarted": None}
    client = Client(run, random.Random())
    placed = client.login(*AGENTS[1]) and place_call(client, AGENTS[1][0], digits_wanted=97)
    before = db_workers(args.database_url)
    pid = None
    if placed:
        kill["call"] = placed["id"]
        if wait_for_dial(args.database_url, placed["id"]):
            time.sleep(1)  # the request is out; the sandbox holds its answer for 30 s
            pid, kill["state"] = dialling_worker(before, seconds=20)
    if not before:
        kill["state"] = "no db_worker found"
        return
    if pid is None:  # no telling which one dials: kill one anyway
        pid = before[0]
        kill["state"] = f"{describe(syscall(pid)[0])}; which one dialled was not clear ({kill['state']})"
    kill["utc"] = datetime.datetime.now(datetime.UTC)
    os.kill(pid, signal.SIGKILL)
    kill["pid"], kill["at"], kill["clock"] = pid, time.monotonic() - start, time.strftime("%H:%M:%S")
    print(f"killed db_worker pid {pid} ({kill['state']}) at {kill['at']:.1f} s, {kill['clock']}", flush=True)
    deadline = time.monotonic() + RESTART_WAIT
    while time.monotonic() < deadline:
        new = set(db_workers(args.database_url)) - set(before)
        if new:
            kill["restarted"] = (min(new), time.monotonic() - start - kill["at"])
            break
        time.sleep(0.2)


def wait_for_dial(database_url, call_id):
    """Until a db_worker is running this call's dial_call task (read-only)."""
    query = """SELECT count(*) FROM django_tasks_database_dbtaskresult
               WHERE task_path = 'calls.placing.tasks.dial_call' AND status = 'RUNNING'
               AND args_kwargs -> 'args' ->> 0 = %s"""
    deadline = time.monotonic() + KILL_DIAL_WAIT
    with read_only_connection(database_url) as conn:
        while time.monotonic() < deadline:
            if conn.execute(query, [str(call_id)]).fetchone()[0]:
                return True
            time.sleep(0.2)
    return False


def run_prod_processes(database_url):
    """For CpuSampler: run-prod's process tree, its database's PostgreSQL backends, this bench."""

    def groups(table):
        root = pid = next(iter(db_workers(database_url)), None)
        while pid in table:  # up to the outermost honcho (it forks one honcho per process)
            root = pid if "honcho" in table[pid][2] else root
            pid = table[pid][0]
        tree = {root} if root in table else set()
        for _ in range(10):  # honcho, its fork, the worker loop's shell, db_worker: a few levels deep
            tree |= {pid for pid, (parent, _, _) in table.items() if parent in tree}
        database = unquote(urlsplit(database_url).path.lstrip("/"))
        backends = {pid for pid, (_, _, command) in table.items() if f" {database} " in command}
        return {"run-prod": tree, "postgres": backends, "bench": {os.getpid()}}

    return groups
