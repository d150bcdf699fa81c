"""A campaign end to end (issue #19): 1,000 contacts dialled at the campaigns' share while agents place calls.

Creates a fresh database, imports a 100,000-row list through the new-campaign view (timed), creates a campaign
of `--contacts` whose numbers' last two digits choose the sandbox's outcome, then starts the sandbox as Exotel
at the real limit, gunicorn, `--workers` db_workers and the scheduler (whose pump dials), starts the campaign
as a manager over HTTP while `--agents` agents post the new-call form every `--agent-every` seconds, and
SIGKILLs one db_worker when half the contacts have had a first call (started again 2 s later, as
Procfile.prod does). When the campaign has finished it reads the sandbox's request log and the database:
dials per minute against the share, agents' click-to-dial wait, double dials, lost contacts, retries.
Stops everything and drops the database. Exits 1 on a double dial, a lost contact, a retry not as configured,
a 429 or a failed task; the speed targets are only reported. See bench/README.md.
"""

import argparse
import collections
import contextlib
import datetime
import itertools
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

import requests
from common import (
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
from load_users import call_form, hidden
from load_workers import describe, dialling_worker

DB_NAME = "bench_campaign"
LOCK_KEY = 20261219  # pg_advisory_lock: one run at a time (the other benches use 20261123-20261130)
EXOPHONE = "+918030752400"  # one of the sandbox's own
PASSWORD = "bench-campaign-pass"
STARTUP_SECONDS = 60
RESTART_AFTER = 2  # seconds, as Procfile.prod's loop starts a stopped db_worker again
RATE_TARGET, WAIT_TARGET, IMPORT_TARGET = 0.97, 2.0, 10.0
UNKNOWN_LOOKED_FOR = datetime.timedelta(minutes=4)  # a claimed call is first looked for after 2 minutes
# The contact's last two digits decide the sandbox's outcome (sandbox/scenarios.py, flow mode):
# (name, digits, share of the list, final outcome, attempts made when --attempts allow retries).
MIX = [
    ("answered", range(0, 70), 0.80, "reached", False),
    ("busy", range(70, 80), 0.06, "busy", True),
    ("no answer", range(80, 90), 0.05, "no-answer", True),
    ("failed", range(90, 95), 0.03, "failed", True),
    ("DND (403)", [95], 0.03, "dnd", False),
    ("not originated (500)", [96], 0.02, "failed", True),
    ("rings out", [98], 0.01, "no-answer", True),
]
SCENARIO = {digits: (name, outcome, retried) for name, span, _, outcome, retried in MIX for digits in span}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1000)
    parser.add_argument("--limit", type=int, default=200, help="per minute, ours and the sandbox's")
    parser.add_argument("--workers", type=int, default=2, help="db_worker processes")
    parser.add_argument("--worker-interval", type=float, default=0.5, help="db_worker --interval (prod: 0.5)")
    parser.add_argument("--agents", type=int, default=3)
    parser.add_argument("--agent-every", type=float, default=10, help="seconds between an agent's calls")
    parser.add_argument("--attempts", type=int, default=3, help="per contact")
    parser.add_argument("--retry-minutes", type=int, default=1)
    parser.add_argument("--speed", type=float, default=10, help="the sandbox's simulated seconds a second")
    parser.add_argument("--import-rows", type=int, default=100_000, help="0: no import")
    parser.add_argument("--no-kill", action="store_true", help="kill no db_worker")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.contacts < 10 or args.workers < 1 or args.agents < 0 or args.attempts < 1:
        parser.error("--contacts >= 10, --workers >= 1, --agents >= 0, --attempts >= 1")
    return args


def settings_for(args, app_port, sandbox_port):
    return bench_env(
        DB_NAME,
        EXOTEL_API_URL=f"http://127.0.0.1:{sandbox_port}",
        EXOTEL_SID="demo_sandbox",
        EXOTEL_API_KEY="sandbox_api_key",
        EXOTEL_API_TOKEN="sandbox_api_token",
        EXOTEL_RATE_LIMIT_PER_MINUTE=str(args.limit),
        PUBLIC_BASE_URL=f"http://127.0.0.1:{app_port}",
        ALLOWED_HOSTS="127.0.0.1,testserver",
        PORT=str(app_port),
        WEB_CONCURRENCY="2",
        LOG_FORMAT="text",
    )


def create_people(agents):
    """The ExoPhone, a flow, a manager and the agents (each with a phone of their own)."""
    from django.contrib.auth.models import Group, User

    from accounts.models import AgentProfile
    from exonumbers.models import ExoPhone, Flow
    from lib.roles import Role

    exophone = ExoPhone.objects.create(number=EXOPHONE, friendly_name="Bench")
    flow = Flow.objects.create(name="Payment reminder", app_id="245871")

    def person(username, role, phone):
        user = User.objects.create_user(username, password=PASSWORD)
        user.groups.add(Group.objects.get(name=role.value))
        AgentProfile.objects.create(user=user, phone_number=phone, default_exophone=exophone)
        return user

    manager = person("bench-manager", Role.MANAGER, "+919845000100")
    people = [person(f"bench-agent{i}", Role.AGENT, f"+91984500{i + 200:04d}") for i in range(agents)]
    return exophone, flow, manager, people


def campaign_form(exophone, flow, name, args):
    return {
        "name": name,
        "exophone": exophone.pk,
        "flow": flow.pk,
        "window_days": list(range(7)),
        "window_start": "00:00",
        "window_end": "23:59",
        "window_zone": "UTC",
        "max_attempts": args.attempts,
        "retry_minutes": args.retry_minutes,
    }


def upload(client, form, name, data):
    """Post the new-campaign form as the manager's browser does; returns the campaign's id."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = {"contacts": SimpleUploadedFile(name, data, content_type="text/csv")}
    response = client.post("/campaigns/new/", {**form, **files})
    found = re.fullmatch(r"/campaigns/(\d+)/", response.get("Location", ""))
    if response.status_code != 302 or not found:
        raise SystemExit(f"the new-campaign form answered {response.status_code}: {response.content[:500]!r}")
    return int(found.group(1))


def import_list(client, exophone, flow, args):
    """The 100,000-row list: parsed alone, then through the view (parse and create). Seconds of each."""
    from campaigns.models import Contact
    from campaigns.services import parse_upload

    # As people write numbers: E.164, 91 without the plus, 0-prefixed, ten digits; a BOM as Excel saves it.
    forms = ["+919{:09d}", "919{:09d}", "09{:09d}", "9{:09d}"]
    rows = [f"{forms[i % 4].format(i)},Customer {i},INV-{i:06d}" for i in range(args.import_rows)]
    data = ("\ufeffnumber,name,custom_field\r\n" + "\r\n".join(rows) + "\r\n").encode()
    started = time.perf_counter()
    parsed = parse_upload(data)
    parse_seconds = time.perf_counter() - started
    started = time.perf_counter()
    campaign_id = upload(client, campaign_form(exophone, flow, "Bench import", args), "big.csv", data)
    view_seconds = time.perf_counter() - started
    created = Contact.objects.filter(campaign_id=campaign_id).count()
    return len(data), len(parsed.contacts), len(parsed.refused), created, parse_seconds, view_seconds


def campaign_numbers(count, seed):
    """Distinct customers whose last two digits follow MIX, in a shuffled order."""
    rng = random.Random(seed)
    digits = []
    for _, span, share, _, _ in MIX:
        digits += [rng.choice(list(span)) for _ in range(round(count * share))]
    digits = (digits + [0] * count)[:count]
    rng.shuffle(digits)
    return [f"+9197{i:06d}{d:02d}" for i, d in enumerate(digits)]


class Agents:
    """Agents posting the new-call form every few seconds: (click epoch, customer number, call id)."""

    def __init__(self, base, people, every):
        self.base, self.people, self.every = base, people, every
        self.stop = threading.Event()
        self.clicks, self.errors = [], []
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self.agent, args=(i,), daemon=True) for i in range(len(people))
        ]

    def start(self):
        for thread in self.threads:
            thread.start()

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def error(self, what):
        with self.lock:
            self.errors.append(what)

    def agent(self, index):
        http = requests.Session()
        if not log_in(http, self.base, self.people[index].username):
            self.error(f"agent {index} could not log in")
            return
        self.stop.wait(index * self.every / max(len(self.people), 1))  # not all in the same second
        seq = 0
        while not self.stop.is_set():
            began = time.monotonic()
            seq += 1
            customer = f"+9196{index:02d}{seq:04d}{seq % 70:02d}"  # 00-69: answered
            try:
                self.click(http, customer)
            except requests.RequestException as exc:
                self.error(f"{type(exc).__name__}: {exc}")
            self.stop.wait(max(0.0, self.every - (time.monotonic() - began)))

    def click(self, http, customer):
        page = http.get(self.base + "/calls/new/", timeout=30)
        form = call_form(page.text)
        if not form:
            self.error(f"the new-call form: {page.status_code}")
            return
        form["to"] = customer
        clicked = time.time()
        response = http.post(
            self.base + "/calls/new/",
            data=form,
            headers={"Referer": self.base + "/calls/new/"},
            timeout=30,
            allow_redirects=False,
        )
        found = re.fullmatch(r".*/calls/(\d+)/", response.headers.get("Location", ""))
        if response.status_code != 302 or not found:
            self.error(f"placing a call: {response.status_code}")
            return
        with self.lock:
            self.clicks.append((clicked, customer, int(found.group(1))))


def log_in(http, base, username):
    page = http.get(base + "/login/", timeout=30)
    token = hidden(page.text, "csrfmiddlewaretoken")
    data = {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD, "next": ""}
    response = http.post(
        base + "/login/", data=data, headers={"Referer": base + "/login/"}, timeout=30, allow_redirects=False
    )
    return response.status_code == 302


def start_campaign(base, username, campaign_id):
    http = requests.Session()
    if not log_in(http, base, username):
        raise SystemExit("the manager could not log in")
    page = http.get(f"{base}/campaigns/{campaign_id}/", timeout=30)
    token = hidden(page.text, "csrfmiddlewaretoken")
    response = http.post(
        f"{base}/campaigns/{campaign_id}/start/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/campaigns/{campaign_id}/"},
        timeout=30,
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise SystemExit(f"starting the campaign answered {response.status_code}")
    return time.time()


class Processes:
    """The sandbox, gunicorn, the db_workers and the scheduler; all stopped at the end."""

    def __init__(self, args, env, app_port, sandbox_port):
        self.args, self.env = args, env
        self.app_port, self.sandbox_port = app_port, sandbox_port
        self.sandbox = self.web = self.scheduler = None
        self.workers = []

    def start(self):
        # DEBUG off serves the hashed names of collectstatic's manifest, as `make run-prod` collects them.
        collect = self.popen([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"])
        if collect.wait():
            raise SystemExit(f"collectstatic exited with {collect.returncode}")
        command = [
            sys.executable,
            "-m",
            "sandbox",
            f"--port={self.sandbox_port}",
            f"--speed={self.args.speed}",
        ]
        command += [f"--rate-limit={self.args.limit}", "--quiet"]
        self.sandbox = self.popen(command, stdout=subprocess.DEVNULL)
        wait_for_port(self.sandbox, self.sandbox_port, "the sandbox", STARTUP_SECONDS)
        self.web = self.popen([str(ROOT / ".venv/bin/gunicorn")])
        wait_for_port(self.web, self.app_port, "gunicorn", STARTUP_SECONDS)
        self.workers = [self.start_worker() for _ in range(self.args.workers)]
        self.scheduler = self.popen([sys.executable, "manage.py", "crontask"])

    def popen(self, command, **kwargs):
        return subprocess.Popen(command, cwd=ROOT, env=self.env, **kwargs)  # noqa: S603 (our own commands)

    def start_worker(self):
        command = [
            sys.executable,
            "manage.py",
            "db_worker",
            f"--interval={self.args.worker_interval}",
            "-v",
            "0",
        ]
        return self.popen(command)

    def check(self):
        for name, process in [
            ("the sandbox", self.sandbox),
            ("gunicorn", self.web),
            ("crontask", self.scheduler),
        ]:
            if process.poll() is not None:
                raise SystemExit(f"{name} exited with {process.returncode}")

    def kill_one_worker(self):
        """SIGKILL the db_worker awake (most likely dialling) while the others sleep; start another."""
        pids = [worker.pid for worker in self.workers]
        pid, state = dialling_worker(pids, seconds=20)
        if pid is None:
            pid, state = pids[0], f"{describe('?')}; none alone awake ({state})"
        os.kill(pid, signal.SIGKILL)
        killed = next(worker for worker in self.workers if worker.pid == pid)
        killed.wait()
        time.sleep(RESTART_AFTER)
        self.workers[self.workers.index(killed)] = self.start_worker()
        return pid, state

    def stop_all(self):
        for process in [self.scheduler, *self.workers, self.web, self.sandbox]:
            if process is not None and process.poll() is None:
                stop(process, seconds=10)


def main():
    args = parse_args()
    show("machine measure", machine_measure())
    with fresh_database(DB_NAME, LOCK_KEY):
        return run(args)


def run(args):
    app_port, sandbox_port = free_port(), free_port()
    env = settings_for(args, app_port, sandbox_port)
    migrate_and_set_up_django(env)
    from django.db import connections
    from django.test import Client

    from campaigns.models import Campaign

    exophone, flow, manager, people = create_people(args.agents)
    client = Client()
    client.force_login(manager)
    imported = import_list(client, exophone, flow, args) if args.import_rows else None
    numbers = campaign_numbers(args.contacts, args.seed)
    data = ("number,name\n" + "\n".join(f"{n},Customer {i}" for i, n in enumerate(numbers)) + "\n").encode()
    campaign_id = upload(client, campaign_form(exophone, flow, "Bench campaign", args), "list.csv", data)
    connections.close_all()
    base = f"http://127.0.0.1:{app_port}"
    processes = Processes(args, env, app_port, sandbox_port)
    agents = Agents(base, people, args.agent_every)
    load = os.getloadavg()[0]
    kill = None
    try:
        processes.start()
        agents.start()
        started = start_campaign(base, manager.username, campaign_id)
        print(f"campaign {campaign_id} started; {args.contacts} contacts ...", flush=True)
        kill = watch(args, processes, campaign_id)
        finished = time.time()
        agents.finish()
        time.sleep(5)  # the agents' last clicks reach the sandbox
        sandbox = f"http://127.0.0.1:{sandbox_port}/_sandbox/"
        log = requests.get(sandbox + "requests", timeout=60).json()
        callbacks = requests.get(sandbox + "callbacks", timeout=60).json()
    finally:
        agents.finish()
        processes.stop_all()
        connections.close_all()
    campaign = Campaign.objects.get(pk=campaign_id)
    figures = (load, started, finished, imported, kill)
    ok = report(args, campaign, agents, (log, callbacks), figures)
    connections.close_all()
    return 0 if ok else 1


def watch(args, processes, campaign_id):
    """Until the campaign has finished; the kill at half the first calls. Returns the kill's facts."""
    from campaigns.models import Attempt, Campaign

    expected = args.contacts * 1.3 / (args.limit * 0.8) * 60  # seconds, with a third more calls for retries
    deadline = time.monotonic() + expected * 2 + 10 * 60
    kill = None
    while time.monotonic() < deadline:
        processes.check()
        state = Campaign.objects.filter(pk=campaign_id).values_list("state", flat=True).get()
        if state != Campaign.State.RUNNING:
            return kill
        held = only_unknown_outcomes_left(campaign_id)
        if held:
            print(f"only {held} contact(s) left, their calls' outcome unknown to the reconciler", flush=True)
            return kill
        if kill is None and not processes.args.no_kill:
            first_calls = Attempt.objects.filter(campaign_id=campaign_id, number=1).count()
            if first_calls >= args.contacts / 2:
                at = time.time()
                pid, how = processes.kill_one_worker()
                kill = (pid, how, at, first_calls)
                print(
                    f"killed db_worker {pid} ({how}) after {first_calls} first calls; started another",
                    flush=True,
                )
        time.sleep(1)
    print(f"the campaign had not finished after {(expected * 2 + 600) / 60:.0f} minutes", flush=True)
    return kill


def only_unknown_outcomes_left(campaign_id):
    """Contacts left if every one not done is held by a call the reconciler looked for and could not find.

    A worker killed between the claim and the connect leaves its call queued without a Sid: never dialled
    again (its first dial may have reached Exotel), looked for in Exotel's list, given up only after the
    call's time limit plus 30 minutes (calls/tracking/reconcile.py). The campaign waits for it that long.
    """
    from django.utils import timezone

    from calls.models import Status
    from campaigns.models import Contact

    left = Contact.objects.filter(campaign_id=campaign_id).exclude(state=Contact.State.DONE)
    held = left.filter(
        state=Contact.State.DIALLING,
        last_call__sid__isnull=True,
        last_call__status__in=[Status.QUEUED, Status.UNKNOWN],
        last_call__date_created__lt=timezone.now() - UNKNOWN_LOOKED_FOR,
    ).count()
    return held if held and held == left.count() else 0


def call_of(entry):
    found = re.search(r"/callbacks/exotel/(\d+)/", entry["form"].get("StatusCallback", ""))
    return int(found.group(1)) if found else None


def report(args, campaign, agents, sandbox_logs, figures):
    from django.conf import settings
    from django_tasks_db.models import DBTaskResult

    from calls.models import Status
    from campaigns.models import Attempt, Contact
    from campaigns.pump import campaign_share
    from ops.stale_tasks import WORKER_STOPPED

    load, started, finished, imported, kill = figures
    log, callbacks = sandbox_logs
    api = [entry for entry in log if entry["path"].startswith("/v1/")]
    refused = sum(entry["status"] == 429 for entry in api)
    connects = [
        entry for entry in api if entry["path"].endswith("/Calls/connect.json") and entry["status"] != 429
    ]
    attempts = {
        a.call_id: a for a in Attempt.objects.filter(campaign=campaign).select_related("call", "contact")
    }
    ours = [entry for entry in connects if call_of(entry) in attempts]
    dials = sorted(entry["epoch"] for entry in ours)
    ok = True

    show(
        "setup",
        f"{args.contacts} contacts, limit {args.limit}/min, share {settings.CAMPAIGN_SHARE:.0%}, "
        f"{args.workers} db_workers (--interval {args.worker_interval}), the scheduler, gunicorn 2 workers",
    )
    show(
        "",
        f"sandbox speed {args.speed}; {args.agents} agents every {args.agent_every:g} s; "
        f"{args.attempts} attempts, retry after {args.retry_minutes} min; load average {load:.1f} before",
    )
    if imported:
        size, valid, bad, created, parse_seconds, view_seconds = imported
        met = "met" if view_seconds <= IMPORT_TARGET else "not met"
        show(
            "import",
            f"{args.import_rows:,} rows ({size / 2**20:.1f} MB): parse {parse_seconds:.1f} s, "
            f"the view (parse + create) {view_seconds:.1f} s (target <= {IMPORT_TARGET:g} s): {met}",
        )
        show("", f"{valid:,} valid, {bad} refused, {created:,} contacts created")
        ok = ok and created == valid == args.import_rows

    share = campaign_share()
    window = settings.EXOTEL_RATE_LIMIT_WINDOW_SECONDS
    show(
        "campaign",
        f"{campaign.get_state_display().lower()}, {len(dials)} dials in "
        f"{(finished - started) / 60:.1f} min from Start",
    )
    # Saturated while first calls remained: up to the connect of the last contact's first call.
    firsts = [e["epoch"] for e in ours if attempts[call_of(e)].number == 1]
    until = max(firsts) if firsts else 0
    busy = [t for t in dials if t <= until]
    gaps = [busy[i] - busy[i - share] for i in range(share, len(busy))]
    if gaps:
        lag = statistics.mean(gaps)
        rate = share * 60 / lag
        met = "met" if rate >= RATE_TARGET * share else "not met"
        show(
            "dials per minute",
            f"{rate:.1f} (share {share}/min): {rate / share:.1%}, target >= {RATE_TARGET:.0%}: {met}",
        )
        show(
            "",
            f"dial i+{share} came {lag:.1f} s after dial i on average (shortest {min(gaps):.1f}, longest "
            f"{max(gaps):.1f}; the limiter's window is {window:g} s) while first calls remained",
        )
        plain = (len(busy) - 1) / (busy[-1] - busy[0]) * 60
        show(
            "",
            f"{len(busy)} dials in {(busy[-1] - busy[0]) / 60:.1f} min from the first to the last "
            f"first call: {plain:.1f}/min",
        )
    else:
        show("dials per minute", f"not measured: needs more than {share} dials before the last first call")

    waits = sorted(agent_waits(agents.clicks, connects))
    missing = len(agents.clicks) - len(waits)
    if waits:
        p95 = percentile(waits, 0.95)
        met = "met" if p95 <= WAIT_TARGET else "not met"
        show(
            "agents' wait",
            f"click to the connect at the sandbox, {len(waits)} calls: p50 "
            f"{percentile(waits, 0.5):.2f} s, p95 {p95:.2f} s (target <= {WAIT_TARGET:g} s): {met}, "
            f"max {waits[-1]:.2f} s",
        )
    show("", f"{missing} clicks never dialled; {len(agents.errors)} agent errors {agents.errors[:3]}")
    ok = ok and not missing and not agents.errors

    per_call = collections.Counter(call_of(entry) for entry in ours)
    twice = {pk: n for pk, n in per_call.items() if n > 1}
    agent_calls = collections.Counter(call_of(e) for e in connects if call_of(e) not in attempts)
    agent_twice = sum(n > 1 for n in agent_calls.values())
    show(
        "double dials",
        f"{len(twice)} campaign calls connected more than once {dict(list(twice.items())[:5])}, "
        f"{agent_twice} agent calls; 429s: {refused}",
    )
    never = [a.call_id for a in attempts.values() if a.call_id not in per_call]
    ok = ok and not twice and not agent_twice and not refused

    contacts = list(Contact.objects.filter(campaign=campaign).select_related("last_call"))
    unfinished = [c for c in contacts if c.state != Contact.State.DONE or not c.outcome]
    unknown = {Status.QUEUED, Status.UNKNOWN}
    held = [c for c in unfinished if c.last_call and not c.last_call.sid and c.last_call.status in unknown]
    lost = [c for c in unfinished if c not in held]
    show(
        "contacts lost",
        f"{len(lost)} of {len(contacts)} ({collections.Counter(c.state for c in lost) or 'none'}): not done, "
        f"and not held by a call of unknown outcome; {len(never)} campaign calls never reached the sandbox",
    )
    for contact in held:
        reached = "reached" if contact.last_call_id in per_call else "never reached"
        show(
            "",
            f"held: {contact.number}, its call {contact.last_call_id} {contact.last_call.status} without a "
            f"Sid ({reached} the sandbox): the reconciler gives up on it after its time limit + 30 min",
        )
    ok = ok and not lost and len(contacts) == args.contacts

    done = [c for c in contacts if c not in held]
    wrong, retried, delays = check_retries(args, done, attempts, ended_at(callbacks))
    outcomes = collections.Counter(c.outcome for c in contacts)
    show("outcomes", ", ".join(f"{outcome} {n}" for outcome, n in outcomes.most_common()))
    show(
        "retries",
        f"{retried} contacts retried, {sum(len(d) for d in delays.values())} retries; "
        f"{len(wrong)} contacts not as configured {wrong[:5]}",
    )
    every = [d for ds in delays.values() for d in ds]
    if every:
        show(
            "",
            f"a retry came {min(every):.0f}-{max(every):.0f} s (median {statistics.median(every):.0f}) "
            f"after the last call ended (configured {args.retry_minutes * 60} s)",
        )
    ok = ok and not wrong

    if kill:
        pid, how, at, first_calls = kill
        show(
            "worker killed",
            f"pid {pid} ({how}) {at - started:.0f} s after Start, after {first_calls} first "
            f"calls; another started {RESTART_AFTER} s later",
        )
    # A task its worker was killed in is failed as WorkerStopped and run again (ops/stale_tasks.py).
    failed = DBTaskResult.objects.failed().exclude(exception_class_path=WORKER_STOPPED).count()
    stopped = DBTaskResult.objects.failed().filter(exception_class_path=WORKER_STOPPED).count()
    running = DBTaskResult.objects.running().count()
    show("tasks", f"{failed} failed; {stopped} stopped by the kill (run again); {running} left running")
    ok = ok and not failed
    show("result", "OK" if ok else "FAILED")
    return ok


def agent_waits(clicks, connects):
    """Seconds from each click to its call's first connect at the sandbox."""
    first = {}
    for entry in connects:
        pk = call_of(entry)
        first[pk] = min(first.get(pk, entry["epoch"]), entry["epoch"])
    return [first[pk] - clicked for clicked, _, pk in clicks if pk in first]


def ended_at(callbacks):
    """{call id: epoch} of the first terminal callback the app took: when it learnt the call had ended."""
    ended = {}
    for entry in callbacks:
        found = re.search(r"/callbacks/exotel/(\d+)/", entry["url"])
        if found and entry["event_type"] == "terminal" and entry["outcome"] == "delivered":
            pk = int(found.group(1))
            ended[pk] = min(ended.get(pk, entry["epoch"]), entry["epoch"])
    return ended


def check_retries(args, contacts, attempts, ended):
    """Contacts whose calls differ from the configuration, how many were retried, the delays per contact."""
    by_contact = collections.defaultdict(list)
    for attempt in attempts.values():
        by_contact[attempt.contact_id].append(attempt)
    wrong, retried, delays = [], 0, {}
    for contact in contacts:
        calls = sorted(by_contact[contact.pk], key=lambda a: a.number)
        name, outcome, retries = SCENARIO[int(contact.number[-2:])]
        expected = args.attempts if retries else 1
        if len(calls) != expected or contact.outcome != outcome or contact.calls_made != expected:
            wrong.append(f"{contact.number} ({name}): {len(calls)} calls, {contact.outcome}")
            continue
        if len(calls) > 1:
            retried += 1
            delays[contact.pk] = []
            for before, after in itertools.pairwise(calls):
                # The sandbox's EndTime runs ahead of real time at --speed above 1: the terminal callback's
                # arrival instead; a call never placed ended when it was dialled.
                end = ended.get(before.call_id, before.created_at.timestamp())
                delay = after.created_at.timestamp() - end
                delays[contact.pk].append(delay)
                if delay < args.retry_minutes * 60 - 1:
                    wrong.append(f"{contact.number}: retried {delay:.0f} s after the call ended")
    return wrong, retried, delays


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
