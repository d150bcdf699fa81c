"""Mixed load on a running `make run-prod`: agents placing calls, managers reading the log, callbacks.

From this process, on 127.0.0.1: agent sessions fill the click-to-call form and watch each call's status
fragment as the page does, managers filter, sort, page and export the call log and read the overview, and
the sandbox (Exotel) sends its status callbacks to the app as the calls progress. Halfway through, one
db_worker is killed outright while it dials. After the load every call the agents placed must become final
and match the sandbox's truth, dialled exactly once. Prints requests per second and latency per kind,
errors, wrong final states, lost and twice-dialled calls. Exits 1 unless all of those are 0.
See bench/README.md.
"""

import argparse
import collections
import contextlib
import datetime
import math
import os
import random
import re
import signal
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import psycopg
import requests
from common import show

ZONE = ZoneInfo("Asia/Kolkata")  # the demo people's zone (TIME_ZONE): the filters are in it
AGENTS = [("agent", "agent-demo-pass"), ("agent2", "agent2-demo-pass")]
MANAGER = ("manager", "manager-demo-pass")
OWN_PHONES = {"+919845012301", "+919845012302", "+919845012303"}  # the demo people's phones
# The customer's last two digits decide the sandbox's outcome (sandbox/scenarios.py): weight, expected status.
MIX = [
    ("answered", range(0, 16), 58, "completed"),  # talk 10 + 3 x digits seconds
    ("busy", range(70, 80), 8, "busy"),
    ("no answer", range(80, 90), 7, "no-answer"),
    ("failed", range(90, 95), 6, "failed"),
    ("DND refused", [95], 4, "not-placed"),
    ("not originated", [96], 4, "not-placed"),
    ("slow connect", [97], 3, "completed"),
    ("agent no answer", [98], 4, "no-answer"),
    ("callbacks lost", [99], 6, "completed"),
]
SCENARIO = {digits: (name, status) for name, span, _, status in MIX for digits in span}
FINAL = {"completed", "busy", "no-answer", "failed", "canceled", "not-placed"}
KINDS = [
    "login",
    "new-call form",
    "number lookup",
    "place call",
    "call page",
    "status poll",
    "call log",
    "overview",
    "export",
    "callbacks",
]
DOUBLE_SUBMIT_SHARE = 0.15  # forms posted twice with the same idempotency key, half of them at once
WATCH_CAP = 150  # seconds an agent watches a call's status before moving on
TIMEOUT = 60  # seconds for any request of ours
RAMP = 1.0  # seconds between two sessions starting (a login costs about a second of CPU)
KILL_DIAL_WAIT = 60  # seconds to wait for the slow call's dial to be under way before killing anyway
RESTART_WAIT = 20  # Procfile.prod starts a stopped db_worker again after 2 s
CALLBACK_PATH = re.compile(r"/callbacks/exotel/(\d+)/")
SLEEP_SYSCALLS = {"35", "230"}  # nanosleep, clock_nanosleep (x86-64): a db_worker waiting for work


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
    args = parser.parse_args()
    if args.minutes <= 0 or args.agents < 1 or args.managers < 0 or not 0 <= args.kill_worker_at < 1:
        parser.error("--minutes > 0, --agents >= 1, --managers >= 0 and 0 <= --kill-worker-at < 1")
    return args


class Stats:
    """Every request of ours: per kind, milliseconds and whether it went as a browser expects."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times = collections.defaultdict(list)  # kind: [(started, ms)], started in time.monotonic()
        self.errors = collections.Counter()
        self.samples = []  # the first few errors, for the report

    def add(self, kind, started, ok, what):
        ms = (time.monotonic() - started) * 1000
        with self.lock:
            self.times[kind].append((started, ms))
            if not ok:
                self.errors[kind] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{kind}: {what}")


class Run:
    """What the threads share."""

    def __init__(self, args, stats):
        self.args = args
        self.stats = stats
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.placed = []  # {"id", "digits", "user", "double", "ids", "watched"}
        self.logged_in = []  # when each session had logged in (time.monotonic())
        self.kill = None


class Client:
    """One browser: a session, its cookies, its timings."""

    def __init__(self, run, rng):
        self.run = run
        self.base = run.args.app.rstrip("/")
        self.rng = rng
        self.http = requests.Session()
        self.http.headers["User-Agent"] = "bench-load/1.0"

    def request(self, kind, method, path, *, expect=200, http=None, check=None, **kwargs):
        """The response if it came back as expected (status, and `check` on its text), else None."""
        started = time.monotonic()
        response = error = None
        try:
            response = (http or self.http).request(
                method, self.base + path, timeout=TIMEOUT, allow_redirects=False, **kwargs
            )
            if kind != "export":
                response.content  # noqa: B018 (read it all, as a browser does)
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"
        ok = response is not None and response.status_code == expect
        if ok and check and not check(response):
            ok, error = False, "unexpected page"
        what = f"{method} {path[:90]} -> {error or response.status_code}"
        self.run.stats.add(kind, started, ok, what)
        return response if ok else None

    def login(self, username, password):
        page = self.request("login", "GET", "/login/")
        token = page and hidden(page.text, "csrfmiddlewaretoken")
        if not token:
            return False
        data = {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": ""}
        headers = {"Referer": self.base + "/login/"}
        return self.request("login", "POST", "/login/", data=data, headers=headers, expect=302) is not None


def hidden(html, name):
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    return found and found.group(1)


def call_form(html):
    """The click-to-call form's hidden fields and the default caller ID, as the browser would post them."""
    exophone = re.search(r'<select name="exophone".*?<option value="(\d+)" selected', html, re.S)
    token, key = hidden(html, "csrfmiddlewaretoken"), hidden(html, "idempotency_key")
    if not (exophone and token and key):
        return None
    return {"csrfmiddlewaretoken": token, "idempotency_key": key, "exophone": exophone.group(1)}


def customer_number(rng):
    weights = [weight for _, _, weight, _ in MIX]
    _, span, _, _ = rng.choices(MIX, weights)[0]
    digits = rng.choice(list(span))
    while True:
        number = f"+919{rng.randrange(10**7):07d}{digits:02d}"
        if number not in OWN_PHONES:
            return number, digits


def call_id_of(response):
    found = response is not None and re.fullmatch(r".*/calls/(\d+)/", response.headers.get("Location", ""))
    return int(found.group(1)) if found else None


def place_call(client, username, digits_wanted=None):
    """Fill the form and post it (sometimes twice); returns the placed call's record or None."""
    rng = client.rng
    page = client.request("new-call form", "GET", "/calls/new/")
    form = page and call_form(page.text)
    if not form:
        return None
    number, digits = customer_number(rng)
    if digits_wanted is not None:
        number, digits = number[:-2] + f"{digits_wanted:02d}", digits_wanted
    # The page asks for the number's operator and DND status as the agent types it (htmx, after 600 ms).
    client.request(
        "number lookup", "GET", "/calls/lookup/", params={"to": number}, headers={"HX-Request": "true"}
    )
    form |= {"to": number, "time_out": rng.choice(["", "20", "25"])}
    headers = {"Referer": client.base + "/calls/new/"}
    double = digits_wanted is None and rng.random() < DOUBLE_SUBMIT_SHARE and rng.choice(["at once", "again"])
    if double == "at once":
        responses = post_twice_at_once(client, form, headers)
    else:
        responses = [
            client.request("place call", "POST", "/calls/new/", data=form, headers=headers, expect=302)
        ]
        if double:
            again = client.request(
                "place call", "POST", "/calls/new/", data=form, headers=headers, expect=302
            )
            responses.append(again)
    ids = [call_id_of(response) for response in responses]
    if ids[0] is None:
        return None
    placed = {"id": ids[0], "digits": digits, "user": username, "double": double, "ids": ids, "watched": None}
    with client.run.lock:
        client.run.placed.append(placed)
    return placed


def post_twice_at_once(client, form, headers):
    """Both posts of a double click, from two connections of the same session, released together."""
    twin = requests.Session()
    twin.headers.update(client.http.headers)
    twin.cookies.update(client.http.cookies)
    barrier = threading.Barrier(2)
    responses = [None, None]

    def post(index, http):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=10)
        responses[index] = client.request(
            "place call", "POST", "/calls/new/", data=form, headers=headers, expect=302, http=http
        )

    threads = [threading.Thread(target=post, args=(i, http)) for i, http in enumerate([client.http, twin])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    twin.close()
    return responses


def watch(client, placed):
    """The call's page, then its status fragment every second (htmx) until final, then the page again."""
    path = f"/calls/{placed['id']}/"
    client.request("call page", "GET", path)
    begin = time.monotonic()
    while not client.run.stop.is_set() and time.monotonic() - begin < WATCH_CAP:
        time.sleep(1)
        fragment = client.request("status poll", "GET", path + "status/", headers={"HX-Request": "true"})
        if fragment is not None and 'data-final="true"' in fragment.text:
            placed["watched"] = "final"
            client.request("call page", "GET", path)  # HX-Refresh: the whole page once the call has ended
            return
    placed["watched"] = "stopped"


def agent(run, number):
    username, password = AGENTS[number % len(AGENTS)]
    client = Client(run, random.Random(None if run.args.seed is None else run.args.seed * 100 + number))
    if not client.login(username, password):
        return
    run.logged_in.append(time.monotonic())
    while not run.stop.is_set():
        placed = place_call(client, username)
        if placed:
            watch(client, placed)
        run.stop.wait(client.rng.uniform(1, 4))  # the agent notes the outcome


def local_minute(moment):
    return moment.astimezone(ZONE).strftime("%Y-%m-%dT%H:%M")


def log_filters(rng):
    """A random mix of the call log's filters, as a manager would combine them."""
    now = datetime.datetime.now(ZONE)
    params = []
    if rng.random() < 0.4:
        statuses = ["completed", "busy", "no-answer", "failed", "not-placed", "in-progress"]
        params += [("status", status) for status in rng.sample(statuses, rng.randint(1, 2))]
    if rng.random() < 0.3:
        params.append(("direction", rng.choice(["outbound-api", "inbound", "outbound-dial"])))
    if rng.random() < 0.5:
        days = rng.choice([0.05, 1, 7, 30, 90])
        params.append(("created_from", local_minute(now - datetime.timedelta(days=days))))
        if rng.random() < 0.3:
            params.append(("created_to", local_minute(now - datetime.timedelta(days=days / 2))))
    if rng.random() < 0.25:
        params.append(("duration__gte", rng.choice([20, 60, 120, 300])))
    if rng.random() < 0.2:
        params.append(("number_ends", f"{rng.randrange(1000):03d}"))
    return params


def manager(run, number):
    client = Client(run, random.Random(None if run.args.seed is None else run.args.seed * 100 + 50 + number))
    rng = client.rng
    if not client.login(*MANAGER):
        return
    run.logged_in.append(time.monotonic())
    while not run.stop.is_set():
        choice = rng.random()
        if choice < 0.6:
            params = log_filters(rng)
            if rng.random() < 0.3:
                params.append(
                    ("sort", rng.choice(["-duration", "duration", "price", "-price", "date_created"]))
                )
            if rng.random() < 0.2:
                params.append(("page", rng.randint(2, 6)))
            client.request("call log", "GET", "/calls/", params=params, check=filters_accepted)
        elif choice < 0.88:
            today = datetime.datetime.now(ZONE).date()
            days = rng.choice([0, 6, 29, 89, 180])
            period = {"first": (today - datetime.timedelta(days=days)).isoformat(), "last": today.isoformat()}
            client.request("overview", "GET", "/", params=period)
        else:
            export(client, log_filters(rng) or [("created_from", local_minute(datetime.datetime.now(ZONE)))])
        run.stop.wait(rng.uniform(0.5, 2))


def filters_accepted(response):
    return "Fix the filters" not in response.text


def export(client, params):
    """Stream the CSV to its end, counting lines; timed to the last byte."""
    started = time.monotonic()
    lines, error = 0, None
    try:
        with client.http.get(
            client.base + "/calls/export.csv", params=params, timeout=TIMEOUT, stream=True
        ) as r:
            status = r.status_code
            for _ in r.iter_lines():
                lines += 1
            ok = status == 200 and r.headers.get("Content-Type", "").startswith("text/csv") and lines >= 1
    except requests.RequestException as exc:
        ok, status, error = False, None, f"{type(exc).__name__}: {exc}"
    client.run.stats.add("export", started, ok, f"GET /calls/export.csv -> {error or status}, {lines} lines")


def same_database(url, other):
    a, b = urlsplit(url), urlsplit(other)
    return (a.hostname, a.port or 5432, unquote(a.path)) == (b.hostname, b.port or 5432, unquote(b.path))


def db_workers(database_url):
    """Pids of the `manage.py db_worker` processes whose DATABASE_URL is this run's database."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            if b"db_worker" not in command or not any(part.endswith(b"manage.py") for part in command):
                continue
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:  # gone, or not ours to read
            continue
        urls = [
            item[len(b"DATABASE_URL=") :].decode() for item in environ if item.startswith(b"DATABASE_URL=")
        ]
        if urls and same_database(urls[0], database_url):
            pids.append(int(entry.name))
    return sorted(pids)


def syscall(pid):
    """What the process waits in: the syscall number and its arguments (x86-64), or ["running"]."""
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/syscall").read_text().split()
    return ["gone"]


def describe(state):
    names = {"7": "waiting on a socket (poll)", "271": "waiting on a socket (ppoll)", "running": "running"}
    return names.get(state, "idle (sleep)" if state in SLEEP_SYSCALLS else f"in syscall {state}")


def dialling_worker(pids, seconds):
    """The db_worker that runs the slow dial: the only one not sleeping between polls for work.

    While a dial_call task is RUNNING, some worker holds it; a worker sleeping in db_worker's poll interval
    holds no task. So when all but one sleep, that one is dialling. Another task (a reconcile, which can take
    seconds) may keep the other worker busy for a while: wait for a moment when it sleeps. (None, states) if
    that moment does not come.
    """
    deadline = time.monotonic() + seconds
    while True:
        states = {pid: syscall(pid)[0] for pid in pids}
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
               WHERE task_path = 'calls.tasks.dial_call' AND status = 'RUNNING'
               AND args_kwargs -> 'args' ->> 0 = %s"""
    deadline = time.monotonic() + KILL_DIAL_WAIT
    with connect(database_url) as conn:
        while time.monotonic() < deadline:
            if conn.execute(query, [str(call_id)]).fetchone()[0]:
                return True
            time.sleep(0.2)
    return False


def connect(database_url):
    conn = psycopg.connect(database_url, autocommit=True, connect_timeout=10)
    conn.execute("SET default_transaction_read_only = on")
    return conn


def processes():
    """{pid: (parent, CPU ticks of itself and its reaped children, command line)} of every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found[int(entry.name)] = (int(fields[1]), sum(map(int, fields[11:15])), command)
    return found


def cpu_sample(database_url):
    """CPU ticks so far: run-prod's process tree, its database's PostgreSQL backends, us, the machine."""
    table = processes()
    root = pid = next(iter(db_workers(database_url)), None)
    while pid in table:  # up to the outermost honcho (it forks one honcho per process)
        root = pid if "honcho" in table[pid][2] else root
        pid = table[pid][0]
    tree = {root} if root in table else set()
    for _ in range(10):  # honcho, its fork, the worker loop's shell, db_worker: a few levels deep
        tree |= {pid for pid, (parent, _, _) in table.items() if parent in tree}
    database = unquote(urlsplit(database_url).path.lstrip("/"))
    backends = {pid for pid, (_, _, command) in table.items() if f" {database} " in command}
    ticks = [int(tick) for tick in Path("/proc/stat").read_text().split()[1:9]]
    return {
        "run-prod": {pid: table[pid][1] for pid in tree},
        "postgres": {pid: table[pid][1] for pid in backends},
        "bench": {os.getpid(): table.get(os.getpid(), (0, 0))[1]},
        "busy": {0: sum(ticks) - ticks[3] - ticks[4]},
        "all": {0: sum(ticks)},
    }


class CpuSampler:
    """CPU used during the load by each part, sampled every 2 s: a PostgreSQL backend lives only as long as
    CONN_MAX_AGE, so a sample at each end would miss most of them. A process born since counts from 0."""

    def __init__(self, database_url):
        self.database_url = database_url
        self.first = cpu_sample(database_url)
        self.last = {part: dict(ticks) for part, ticks in self.first.items()}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.sample_now_and_then, daemon=True)
        self.thread.start()

    def sample_now_and_then(self):
        while not self.stop.wait(2):
            with contextlib.suppress(OSError, ValueError):
                for part, ticks in cpu_sample(self.database_url).items():
                    self.last[part] |= ticks

    def shares(self):
        self.stop.set()
        self.thread.join()
        for part, ticks in cpu_sample(self.database_url).items():
            self.last[part] |= ticks
        used = {
            part: sum(ticks - self.first[part].get(pid, 0) for pid, ticks in last.items())
            for part, last in self.last.items()
        }
        shares = {
            part: used[part] / max(used["all"], 1) for part in ("run-prod", "postgres", "bench", "busy")
        }
        shares["others"] = shares["busy"] - shares["run-prod"] - shares["postgres"] - shares["bench"]
        return shares


def baseline(database_url):
    with connect(database_url) as conn:
        last_call = conn.execute("SELECT coalesce(max(id), 0) FROM calls_call").fetchone()[0]
        now = conn.execute("SELECT now()").fetchone()[0]
    return last_call, now


def our_calls(conn, after):
    """Every call the agents made during this run, whether or not we saw its redirect."""
    return conn.execute(
        """SELECT c.id, c.status, c.sid, c.to_number, u.username, c.error_message, c.idempotency_key,
                  c.conversation_duration
           FROM calls_call c JOIN auth_user u ON u.id = c.agent_id
           WHERE c.id > %s AND u.username = ANY(%s) ORDER BY c.id""",
        [after, [name for name, _ in AGENTS]],
    ).fetchall()


def settle(database_url, after, minutes):
    """Wait until every call of ours is final; returns (seconds waited, calls)."""
    begin = time.monotonic()
    with connect(database_url) as conn:
        while True:
            calls = our_calls(conn, after)
            open_calls = [call for call in calls if call[1] not in FINAL]
            if not open_calls or time.monotonic() - begin > minutes * 60:
                return time.monotonic() - begin, calls
            time.sleep(5)


def task_rows(database_url, since):
    """{status: count} of the task rows enqueued since, and the RUNNING ones: [(task, args, started)]."""
    with connect(database_url) as conn:
        counts = conn.execute(
            """SELECT status, count(*) FROM django_tasks_database_dbtaskresult WHERE enqueued_at >= %s
               GROUP BY status""",
            [since],
        ).fetchall()
        running = conn.execute(
            """SELECT task_path, args_kwargs -> 'args', started_at FROM django_tasks_database_dbtaskresult
               WHERE enqueued_at >= %s AND status = 'RUNNING' ORDER BY started_at""",
            [since],
        ).fetchall()
    return dict(counts), running


def sandbox_truth(url):
    """The sandbox's calls, connect requests and callback attempts, keyed by the app's call id."""
    get = lambda path: requests.get(url.rstrip("/") + path, timeout=120).json()  # noqa: E731
    calls, dials, callbacks = (
        collections.defaultdict(list),
        collections.Counter(),
        collections.defaultdict(list),
    )
    for call in get("/_sandbox/calls"):
        found = CALLBACK_PATH.search((call.get("params") or {}).get("StatusCallback", ""))
        if found:
            calls[int(found.group(1))].append(call)
    for entry in get("/_sandbox/requests"):
        if entry["method"] == "POST" and "/Calls/connect" in entry["path"] and entry["status"] != 429:
            found = CALLBACK_PATH.search((entry.get("form") or {}).get("StatusCallback", ""))
            if found:
                dials[int(found.group(1))] += 1
    for entry in get("/_sandbox/callbacks"):
        found = CALLBACK_PATH.search(entry.get("url", ""))
        if found:
            callbacks[int(found.group(1))].append(entry)
    return calls, dials, callbacks


def check_calls(calls, truth):
    """Wrong final states, lost and twice-dialled calls, each with a line saying why."""
    sandbox_calls, dials, _ = truth
    wrong, lost, twice = [], [], []
    for call_id, status, sid, to_number, _, error, _, talked in calls:
        digits = int(to_number[-2:])
        scenario, expected = SCENARIO.get(digits, ("?", "?"))
        theirs = sandbox_calls.get(call_id, [])
        dialled = dials.get(call_id, 0)
        if dialled == 0:
            lost.append(f"call {call_id} ({scenario}): never dialled; {status} {error[:80]!r}")
        elif dialled > 1 or len(theirs) > 1:
            twice.append(
                f"call {call_id} ({scenario}): {dialled} connect requests, {len(theirs)} sandbox calls"
            )
        truth_status = theirs[0]["final_status"] if theirs else None
        truth_talk = theirs[0]["conversation"] if theirs else None
        problem = None
        if status not in FINAL:
            problem = "not final"
        elif sid and not any(call["sid"] == sid for call in theirs):
            problem = "its Sid is not the sandbox's call for it"
        elif sid and status != truth_status:
            problem = f"the sandbox says {truth_status}"
        elif status == "completed" and talked is not None and talked != truth_talk:
            # None: not known yet (the bulk list has no talk time; the reconciler asks for it later)
            problem = f"talked {talked} s, the sandbox says {truth_talk} s"
        elif not sid and status != "not-placed":
            problem = "no Sid but not not-placed"
        elif not sid and theirs:
            problem = f"no Sid, but the sandbox placed {theirs[0]['sid']} ({truth_status})"
        elif status != expected:
            problem = f"the scenario table says {expected}"
        if problem:
            wrong.append(f"call {call_id} ({scenario}, ..{digits:02d}): {status} sid={sid}: {problem}")
    return wrong, lost, twice


def percentile(values, share):
    return values[max(math.ceil(len(values) * share) - 1, 0)] if values else 0.0


def main():
    args = parse_args()
    health = requests.get(args.app.rstrip("/") + "/healthz", timeout=10)
    if health.status_code != 200:
        raise SystemExit(f"{args.app}/healthz answers {health.status_code}: {health.text[:200]}")
    requests.get(args.sandbox.rstrip("/") + "/_sandbox/config", timeout=10).raise_for_status()
    last_call, db_started = baseline(args.database_url)
    stats = Stats()
    run = Run(args, stats)
    load_before, cpu = os.getloadavg()[0], CpuSampler(args.database_url)
    workers_before = db_workers(args.database_url)
    start = time.monotonic()
    wall_start = time.time()
    threads = [threading.Thread(target=agent, args=(run, i), daemon=True) for i in range(args.agents)]
    threads += [threading.Thread(target=manager, args=(run, i), daemon=True) for i in range(args.managers)]
    if args.kill_worker_at > 0:
        threads.append(threading.Thread(target=kill_worker, args=(run, start), daemon=True))
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


def callback_figures(call_ids, truth, wall_start, wall_end):
    """Callback attempts for our calls: during the load (for the table) and all of them."""
    attempts = [entry for call_id in call_ids for entry in truth[2].get(call_id, [])]
    sent = [entry for entry in attempts if entry["outcome"] != "lost"]
    during = [entry for entry in sent if wall_start <= entry["epoch"] <= wall_end]
    return attempts, sent, during


def report(run, calls, truth, tasks, times, machine):
    args, stats = run.args, run.stats
    start, load_seconds, wall_start, wall_end, settled = times
    load_before, load_after, cpu, workers_before = machine
    call_ids = [call[0] for call in calls]
    attempts, sent, during = callback_figures(call_ids, truth, wall_start, wall_end)
    failed_callbacks = [entry for entry in sent if entry["outcome"] != "delivered"]
    for entry in during:
        ms = entry.get("elapsed_ms") or 0.0
        stats.times["callbacks"].append((start + entry["epoch"] - wall_start - ms / 1000, ms))
        if entry["outcome"] != "delivered":
            stats.errors["callbacks"] += 1
    late_errors = len(failed_callbacks) - stats.errors["callbacks"]
    for entry in failed_callbacks[:5]:
        stats.samples.append(f"callback {entry['event_type']} call {entry['url'][-60:]}: {entry['error']}")

    users = ", ".join(name for name, _ in AGENTS[: args.agents])
    show("setup", f"{args.agents} agent sessions ({users}), {args.managers} managers, {args.minutes:g} min")
    show("", f"app {args.app}, sandbox {args.sandbox}, database {urlsplit(args.database_url).path[1:]}")
    show("", f"db_workers at the start: {', '.join(map(str, workers_before)) or 'none found'}")
    cpus = os.cpu_count()
    show(
        "machine",
        f"{cpus} CPUs; load average {load_before:.1f} before, {load_after:.1f} at the end of the load;",
    )
    show("", f"the CPUs {cpu['busy']:.0%} busy during the load: run-prod's processes {cpu['run-prod']:.0%},")
    show(
        "",
        f"their PostgreSQL backends {cpu['postgres']:.0%}, this bench {cpu['bench']:.0%}, "
        f"other processes {cpu['others']:.0%}",
    )
    heading = ["count", "req/s", "p50 ms", "p95 ms", "max ms", "errors"]
    columns = " ".join(f"{name:>7}" for name in heading[:2]) + "".join(f"{name:>9}" for name in heading[2:])
    show("per kind", f"{columns}  steady p95")
    ramp_end = max(run.logged_in, default=start)
    total = errors = 0
    for kind in KINDS:
        values = sorted(ms for _, ms in stats.times.get(kind, []))
        steady = sorted(ms for started, ms in stats.times.get(kind, []) if started >= ramp_end)
        total, errors = total + len(values), errors + stats.errors[kind]
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        figures = f"{len(values):7d} {len(values) / load_seconds:7.2f} {p50:9.1f} {p95:9.1f}"
        steady_p95 = f"{percentile(steady, 0.95):11.1f}" if steady else f"{'-':>11}"
        show(f"  {kind}", f"{figures} {max(values, default=0):9.1f} {stats.errors[kind]:9d} {steady_p95}")
    show("", "callbacks: sent by the sandbox during the load; ms: the app's answer time (elapsed_ms)")
    show("", f"steady: requests started after every session had logged in ({ramp_end - start:.0f} s in)")
    errors += late_errors
    show("total", f"{total} requests in {load_seconds:.0f} s: {total / load_seconds:.1f}/s; errors {errors}")
    lost_by_design = sum(entry["outcome"] == "lost" for entry in attempts)
    after = len(sent) - len(during)
    show(
        "",
        f"callbacks after the load: {after} (errors {late_errors}); lost by design (..99): {lost_by_design}",
    )
    for sample in stats.samples:
        show("  error", sample)

    wrong, lost, twice = check_calls(calls, truth)
    doubles = [placed for placed in run.placed if placed["double"]]
    at_once = sum(placed["double"] == "at once" for placed in doubles)
    double_ok = sum(len(set(placed["ids"])) == 1 and None not in placed["ids"] for placed in doubles)
    keys = collections.Counter(call[6] for call in calls)
    shared_keys = sum(count > 1 for count in keys.values())
    seen = {placed["id"] for placed in run.placed}
    unseen = sum(call_id not in seen for call_id in call_ids)
    by_scenario = collections.Counter(SCENARIO[int(call[3][-2:])][0] for call in calls)
    by_status = collections.Counter(call[1] for call in calls)
    watched = collections.Counter(placed["watched"] for placed in run.placed)
    show(
        "calls placed",
        f"{len(calls)} ({len(calls) / load_seconds * 60:.1f}/min); not seen by an agent: {unseen}",
    )
    show("", "by scenario: " + ", ".join(f"{name} {count}" for name, count in by_scenario.most_common()))
    show("", "final: " + ", ".join(f"{name} {count}" for name, count in by_status.most_common()))
    show(
        "",
        f"watched to the end: {watched['final']}; left after {WATCH_CAP} s or at the end: "
        f"{watched['stopped'] + watched[None]}",
    )
    show(
        "double submits",
        f"{len(doubles)} forms posted twice ({at_once} at once); one call each: {double_ok}; "
        f"keys shared by two calls: {shared_keys}",
    )
    show(
        "settled",
        f"every call final {settled:.0f} s after the load"
        if all(c[1] in FINAL for c in calls)
        else f"NOT all final after {settled:.0f} s",
    )
    show("wrong final states", f"{len(wrong)} of {len(calls)}   (the app against the sandbox and the table)")
    untimed = sum(call[1] == "completed" and call[7] is None for call in calls)
    show("", f"completed without a talk time yet: {untimed}   (known from the bulk list; reconcile fills it)")
    show("lost", f"{len(lost)}   (never dialled)")
    show("dialled twice", f"{len(twice)}   (more than one connect request or sandbox call per app call)")
    for line in (wrong + lost + twice)[:15]:
        show("  call", line)
    counts, running = tasks
    kill_ok = kill_figures(run, running)
    failed_tasks = counts.get("FAILED", 0)
    show("tasks", f"{dict(sorted(counts.items()))}; failed: {failed_tasks}")
    bad_doubles = len(doubles) - double_ok + shared_keys
    ok = errors == 0 and not wrong and not lost and not twice and bad_doubles == 0 and failed_tasks == 0
    ok = ok and kill_ok
    show("result", "OK" if ok else "FAILED")
    return 0 if ok else 1


def kill_figures(run, running):
    """The kill, and the task its worker was running: the one row left RUNNING since (started before it)."""
    kill = run.kill
    if run.args.kill_worker_at == 0:
        show("worker kill", "skipped (--kill-worker-at 0)")
        return True
    if not kill or kill["pid"] is None:
        show("worker kill", f"NOT done: {(kill and kill['state']) or 'the load ended first'}")
        return False
    when = f"{kill['at']:.1f} s into the load ({kill['clock']})"
    show("worker kill", f"pid {kill['pid']} SIGKILLed {when}, {kill['state']}")
    stranded = [
        f"{path.rsplit('.', 1)[-1]}({', '.join(map(str, args))})"
        for path, args, started in running
        if started and started <= kill["utc"]
    ]
    show("", f"its task, left RUNNING: {', '.join(stranded) or 'none (it was idle)'}")
    if kill["call"]:
        hit = f"dial_call({kill['call']})" in stranded
        show("", f"killed while dialling call {kill['call']} (slow connect): {'yes' if hit else 'NO'}")
    restarted = kill["restarted"]
    show(
        "", f"restarted: yes, pid {restarted[0]} after {restarted[1]:.1f} s" if restarted else "restarted: NO"
    )
    return restarted is not None


if __name__ == "__main__":
    sys.exit(main())
