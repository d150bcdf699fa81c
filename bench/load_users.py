"""The simulated people of bench/load.py: agents placing and watching calls, managers reading the log.

Each session is a Client (one browser: its cookies, its requests' timings) in a thread of its own. The threads
share a Run; every request of theirs goes into its Stats.
"""

import collections
import contextlib
import datetime
import random
import re
import threading
import time
from zoneinfo import ZoneInfo

import requests

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
DOUBLE_SUBMIT_SHARE = 0.15  # forms posted twice with the same idempotency key, half of them at once
WATCH_CAP = 150  # seconds an agent watches a call's status before moving on
TIMEOUT = 60  # seconds for any request of ours


class Stats:
    """Every request of ours: per kind, milliseconds and whether it went as a browser expects."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times = collections.defaultdict(list)  # kind: [(started, ms)], started in time.monotonic()
        self.errors = collections.Counter()
        self.samples = []  # the first few errors, for the report
        self.failed = collections.defaultdict(list)  # kind: [started] of the errors

    def add(self, kind, started, ok, what):
        ms = (time.monotonic() - started) * 1000
        with self.lock:
            self.times[kind].append((started, ms))
            if not ok:
                self.errors[kind] += 1
                self.failed[kind].append(started)
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
        self.burst = []  # each burst login, the login page and its post: (started, ms, ok)
        self.burst_window = None  # (first login started, last one ended, CPU shares meanwhile)


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

    def login(self, username, password, kind="login"):
        page = self.request(kind, "GET", "/login/")
        token = page and hidden(page.text, "csrfmiddlewaretoken")
        if not token:
            return False
        data = {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": ""}
        headers = {"Referer": self.base + "/login/"}
        return self.request(kind, "POST", "/login/", data=data, headers=headers, expect=302) is not None


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


SHOWN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')


def shown(page, before):
    """What the page shows now, sent back with each poll as htmx does, so unchanged parts are not resent."""
    return dict(before, **dict(SHOWN.findall(page.text))) if page is not None else before


def watch(client, placed):
    """The call's page, then its status fragment every second (htmx) until final: the page is not reloaded."""
    path = f"/calls/{placed['id']}/"
    showing = shown(client.request("call page", "GET", path), {})
    begin = time.monotonic()
    while not client.run.stop.is_set() and time.monotonic() - begin < WATCH_CAP:
        time.sleep(1)
        fragment = client.request(
            "status poll", "GET", path + "status/", params=showing, headers={"HX-Request": "true"}
        )
        showing = shown(fragment, showing)
        if fragment is not None and 'data-final="true"' in fragment.text:
            placed["watched"] = "final"
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


def login_burst(run, begin):
    """A shift starting: --login-burst people log in, evenly spread over --burst-seconds from `begin` on.

    Each opens the login page and posts it, as agents and the manager in turn, then does nothing more: what
    the burst costs everyone else is the logins themselves.
    """
    args = run.args
    people = [*AGENTS, MANAGER]

    def log_in(number):
        client = Client(run, random.Random())
        started = time.monotonic()
        ok = client.login(*people[number % len(people)], kind="burst login")
        with run.lock:
            run.burst.append((started, (time.monotonic() - started) * 1000, ok))

    threads = []
    for number in range(args.login_burst):
        if run.stop.wait(max(0.0, begin + number * args.burst_seconds / args.login_burst - time.monotonic())):
            break
        threads.append(threading.Thread(target=log_in, args=(number,), daemon=True))
        threads[-1].start()
    for thread in threads:
        thread.join(timeout=2 * TIMEOUT + 5)


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
                params.append(("page", rng.randint(2, 5)))  # the pages numbered; beyond them, Next
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
