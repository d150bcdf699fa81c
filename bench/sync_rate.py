"""The history sync at Exotel's rate: `manage.py sync_calls` importing a sandbox history of a million calls.

Exotel gives 100 calls a page and 200 requests a minute: at most 20,000 calls a minute, the reference every
rate here is compared with. Creates a fresh PostgreSQL database, starts the sandbox as a process at its real
limit with a history of --history calls (made from each call's index, so a million cost nothing), a db_worker
for dials and the sync; for --minutes it clicks a call every 10 s (a pending call and its dial_call task, as
call_place makes them) and samples the rows imported; then kills the sync outright (SIGKILL), runs it again
for --resume-seconds (it resumes from the page it stored) and kills it again. Prints calls imported a minute
against the bound, API requests a minute the sandbox saw, 429s, the wait from click to dial and a dial's wait
for its slot (from the task starting to the sandbox receiving the connect, p95), that each click was dialled
once, and checks that no call was imported twice (distinct Sids = rows) and none missed among the pages done
(rows against the sandbox's own Total over the same dates). Last, our work per page: the next --work-pages
pages the run would read, each applied in a transaction rolled back, in bulk (calls_upsert_page) and one by
one (call_upsert_record, the reference), seconds and queries a page. A full million takes ~50 min at the
bound: the rate is measured over minutes and the whole import extrapolated from it. See bench/README.md.
"""

import argparse
import base64
import bisect
import math
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta
from itertools import pairwise

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

DB_NAME = "bench_sync_rate"
LOCK_KEY = 20261130  # pg_advisory_lock: one run at a time
LIMIT = 200  # Exotel's requests a minute, the sandbox's and ours
PAGE = 100  # calls a page, Exotel's most
BOUND = LIMIT * PAGE  # calls a minute
TARGET = 0.90
EXOPHONE, AGENT_PHONE = "+918030752400", "+919845012301"
CLICK_EVERY = 10.0
SAMPLE_EVERY = 1.0
LIMITER_WINDOW = 61.0  # EXOTEL_RATE_LIMIT_WINDOW_SECONDS, as the bench leaves it
# The steady rate is counted from the second window: in the first the limiter is empty, so the sync takes its
# slots in a burst at its own pace and then waits for the oldest to leave; that start does not repeat.
WARM_UP = LIMITER_WINDOW


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=1_000_000, help="calls in the sandbox's history")
    parser.add_argument(
        "--minutes", type=float, default=5.0, help="minutes the sync runs before it is killed"
    )
    parser.add_argument("--resume-seconds", type=float, default=30.0, help="how long the resumed sync runs")
    parser.add_argument("--work-pages", type=int, default=10, help="pages our work per page is timed on")
    return parser.parse_args()


def settings_for(sandbox_port):
    return bench_env(
        DB_NAME,
        EXOTEL_API_URL=f"http://127.0.0.1:{sandbox_port}",
        EXOTEL_SID="demo_sandbox",
        EXOTEL_API_KEY="sandbox_api_key",
        EXOTEL_API_TOKEN="sandbox_api_token",
        EXOTEL_RATE_LIMIT_PER_MINUTE=str(LIMIT),
        # Nothing listens there: the sandbox's status callbacks fail at once, and they don't matter here.
        PUBLIC_BASE_URL=f"http://127.0.0.1:{free_port()}",
    )


def start(command, env, **options):
    return subprocess.Popen(command, cwd=ROOT, env=env, **options)  # noqa: S603 (our own command lines)


def start_sync(env):
    since = (datetime.now() - timedelta(days=200)).strftime("%Y-%m-%d")  # clamped to Exotel's six months
    return start(
        [sys.executable, "manage.py", "sync_calls", f"--since={since}"], env, stdout=subprocess.DEVNULL
    )


def make_agent():
    from django.contrib.auth import get_user_model

    from accounts.models import AgentProfile
    from exonumbers.models import ExoPhone

    exophone = ExoPhone.objects.create(number=EXOPHONE, friendly_name="Bench")
    agent = get_user_model().objects.create_user("bench-agent")
    AgentProfile.objects.create(user=agent, phone_number=AGENT_PHONE, default_exophone=exophone)
    return agent, exophone


def click(agent, exophone, number):
    """What call_place does for a valid form: the pending call, its dial_call task enqueued on commit."""
    from django.db import transaction
    from django.utils import timezone

    from calls.models import Call, Status
    from calls.placing.tasks import dial_call

    with transaction.atomic():
        call = Call.objects.create(
            status=Status.PENDING,
            agent=agent,
            exophone=exophone,
            from_number=AGENT_PHONE,
            to_number=number,
            date_created=timezone.now(),
            idempotency_key=uuid.uuid4(),
        )
        transaction.on_commit(lambda: dial_call.enqueue(call.pk))
    return call.pk


def synced_rows():
    from calls.models import Call

    return Call.objects.filter(idempotency_key__isnull=True).count()


def run_sync(env, seconds, agent, exophone, clicks, samples):
    """The sync for `seconds`, a click every 10 s meanwhile, then SIGKILL. Returns when it started."""
    sync = start_sync(env)
    begin = time.time()
    next_click = begin
    try:
        while time.time() - begin < seconds:
            if sync.poll() is not None:
                raise SystemExit(f"the sync exited with {sync.returncode} before it was stopped")
            if time.time() >= next_click:
                number = f"+9198{len(clicks):06d}{len(clicks) % 70:02d}"  # 00-69: answered
                clicks[number[-10:]] = (time.time(), click(agent, exophone, number))
                next_click += CLICK_EVERY
            samples.append((time.time(), synced_rows()))
            time.sleep(min(SAMPLE_EVERY, max(next_click - time.time(), 0.05)))
    finally:
        sync.send_signal(signal.SIGKILL)  # outright, mid-page: what resuming must survive
        sync.wait()
    samples.append((time.time(), synced_rows()))
    return begin


def steady_rate(samples, begin):
    """Calls a minute from the first sample after the warm-up over as many whole limiter windows as the run
    holds (the rows at the end read between the samples either side). The limiter lets the reads of a window
    go in a burst, then none until the window's oldest slot leaves it: over a part of a window the rate says
    where the bursts fell, over whole windows what the import keeps up."""
    steady = [(at, rows) for at, rows in samples if at >= begin + WARM_UP]
    if len(steady) < 2:
        return 0.0, 0.0
    first_at, first_rows = steady[0]
    windows = int((steady[-1][0] - first_at) // LIMITER_WINDOW)
    if not windows:
        (last_at, last_rows) = steady[-1]
        return (last_rows - first_rows) / (last_at - first_at) * 60, last_at - first_at
    end = first_at + windows * LIMITER_WINDOW
    (before_at, before_rows), (after_at, after_rows) = next(
        (one, other) for one, other in pairwise(steady) if one[0] <= end <= other[0]
    )
    rows = before_rows + (after_rows - before_rows) * (end - before_at) / max(after_at - before_at, 1e-9)
    return (rows - first_rows) / (end - first_at) * 60, end - first_at


def per_ten_seconds(entries, begin, end):
    """Answered pages in each 10 s of the run: where the limiter made the sync wait, and where it could not
    keep up."""
    counts = [0] * math.ceil((end - begin) / 10)
    for entry in entries:
        if entry["status"] == 200 and begin <= entry["epoch"] < end:
            counts[int((entry["epoch"] - begin) // 10)] += 1
    return counts


def busiest_minute(times):
    return max((i + 1 - bisect.bisect_right(times, t - 60) for i, t in enumerate(times)), default=0)


def sandbox_total(api, since, until):
    """How many calls the sandbox lists from `since` to `until` (both included), by its Metadata Total."""
    from sandbox.clock import IST, stamp

    params = {"DateCreated": f"gte:{stamp(since.astimezone(IST))};lte:{stamp(until.astimezone(IST))}"}
    while True:
        response = requests.get(
            f"{api}/v1/Accounts/demo_sandbox/Calls.json",
            params={**params, "PageSize": "1"},
            auth=("sandbox_api_key", "sandbox_api_token"),
            timeout=30,
        )
        if response.status_code != 429:
            response.raise_for_status()
            return response.json()["Metadata"]["Total"]
        time.sleep(int(response.headers.get("Retry-After", "1")))


def pages_done_check(api):
    """(rows, the sandbox's Total) over the finished windows and the pages done of the current one.

    The sync walks each window newest first, so the pages done are everything from the cursor's second (the
    next whole second, as calls of the cursor's own second may be partly done) to the window's end.
    """
    from calls.models import Call
    from calls.tracking.sync import WINDOW
    from ops.models import SyncRun

    run = SyncRun.objects.filter(kind=SyncRun.Kind.SYNC).latest("started_at")
    spans = []
    moment = run.since
    while moment < run.window_start:  # finished windows
        spans.append((moment, min(moment + WINDOW, run.window_start)))
        moment = spans[-1][1]
    if run.next_page_uri:
        cursor = run.next_page_uri.split("After=")[1].split("&")[0]
        created = datetime.fromisoformat(
            base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")[0]
        )
        spans.append((created + timedelta(seconds=1), min(run.window_start + WINDOW, run.until)))
    rows = total = 0
    for since, until in spans:
        window = Call.objects.filter(idempotency_key__isnull=True, date_created__range=(since, until))
        rows += window.count()
        total += sandbox_total(api, since, until)
    return rows, total, len(spans)


def dials_started(clicks):
    """{call id: epoch} when the worker started each click's dial_call task."""
    from django_tasks_db.models import DBTaskResult

    started = {}
    for task in DBTaskResult.objects.filter(task_path__endswith="dial_call", started_at__isnull=False):
        call_id = task.args_kwargs["args"][0]
        started[call_id] = min(started.get(call_id, float("inf")), task.started_at.timestamp())
    return started


def next_pages(api, count):
    """The next `count` pages the killed run would have read (from its stored NextPageUri), as CallRecords."""
    from django.conf import settings

    from exotel.values import call_record
    from ops.models import SyncRun

    url = SyncRun.objects.filter(kind=SyncRun.Kind.SYNC).latest("started_at").next_page_uri
    pages = []
    while url and len(pages) < count:
        response = requests.get(
            f"{api}{url}" if url.startswith("/") else url,
            auth=("sandbox_api_key", "sandbox_api_token"),
            timeout=30,
        )
        if response.status_code == 429:
            time.sleep(int(response.headers.get("Retry-After", "1")))
            continue
        response.raise_for_status()
        body = response.json()
        pages.append([call_record(call, settings.EXOTEL_TIMEZONE) for call in body["Calls"]])
        url = body["Metadata"].get("NextPageUri")
    return pages


def work_per_page(pages):
    """(seconds, queries) a page, the median, in bulk and one by one, each page's work rolled back."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from calls.tracking.records import call_upsert_record, calls_upsert_page

    def one_by_one(page):
        for record in page:
            call_upsert_record(record=record)

    def timed(apply, page):
        connection.queries_log.clear()  # it keeps 9,000: a count across its end would be wrong
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            apply(page)
            seconds = time.perf_counter() - start
            transaction.set_rollback(True)
        return seconds, len(queries)

    if not pages:
        return None
    bulk, single = [], []
    for page in pages:
        bulk.append(timed(calls_upsert_page, page))
        single.append(timed(one_by_one, page))
    return [tuple(statistics.median(column) for column in zip(*runs, strict=True)) for runs in (bulk, single)]


def main():
    args = parse_args()
    if args.history < 1 or args.minutes <= 0 or args.resume_seconds <= 0:
        raise SystemExit("--history, --minutes and --resume-seconds must be positive")
    show("machine", machine_measure())
    with fresh_database(DB_NAME, LOCK_KEY):
        return run(args)


def run(args):
    sandbox_port = free_port()
    env = settings_for(sandbox_port)
    api = env["EXOTEL_API_URL"]
    migrate_and_set_up_django(env)
    from django.db import connections

    agent, exophone = make_agent()
    load = os.getloadavg()[0]
    sandbox_command = [sys.executable, "-m", "sandbox", f"--port={sandbox_port}", "--speed=100"]
    sandbox_command += [f"--rate-limit={LIMIT}", f"--history={args.history}", "--quiet"]
    processes = [
        wait_for_port(start(sandbox_command, env, stdout=subprocess.DEVNULL), sandbox_port, "sandbox", 30)
    ]
    clicks, samples, resumed_samples = {}, [], []
    try:
        worker = [sys.executable, "manage.py", "db_worker", "--interval=0.2", "--no-startup-delay", "-v", "0"]
        processes.append(start(worker, env))
        begin = run_sync(env, args.minutes * 60, agent, exophone, clicks, samples)
        killed_at_rows = synced_rows()
        run_sync(env, args.resume_seconds, agent, exophone, clicks, resumed_samples)
        time.sleep(2)  # the last click's dial
        log = requests.get(f"{api}/_sandbox/requests", timeout=60).json()
        rows, total, spans = pages_done_check(api)
        pages = next_pages(api, args.work_pages)
    finally:
        for process in reversed(processes):
            stop(process)
    from calls.models import Call

    synced = Call.objects.filter(idempotency_key__isnull=True)
    distinct = synced.values("sid").distinct().count()
    all_rows = synced.count()
    dial_started = dials_started(clicks)
    work = work_per_page(pages)
    connections.close_all()
    rate, steady_seconds = steady_rate(samples, begin)
    show(
        "setup", f"history {args.history:,} calls, limit {LIMIT}/min, page {PAGE}: bound {BOUND:,} calls/min"
    )
    show(
        "",
        f"load average {load:.1f} before the run; sync {args.minutes:g} min, killed; "
        f"resumed {args.resume_seconds:g} s, killed",
    )
    return report(
        args,
        log,
        begin,
        rate,
        steady_seconds,
        killed_at_rows,
        clicks,
        (all_rows, distinct),
        (rows, total, spans),
        dial_started,
        work,
    )


def report(args, log, begin, rate, steady_seconds, killed_at_rows, clicks, distinct, done, dials, work):
    api = [entry for entry in log if entry["path"].startswith("/v1/")]
    listing = [entry for entry in api if entry["path"].endswith("/Calls.json")]
    run_end = begin + args.minutes * 60
    in_run = [entry for entry in listing if begin + WARM_UP <= entry["epoch"] <= run_end]
    accepted = sorted(entry["epoch"] for entry in api if entry["status"] != 429)
    refused = sum(entry["status"] == 429 for entry in api)
    pages_per_minute = sum(entry["status"] == 200 for entry in in_run) / (run_end - begin - WARM_UP) * 60
    whole_run = killed_at_rows / (args.minutes * 60) * 60
    show(
        "imported",
        f"{rate:,.0f} calls/min over the steady {steady_seconds:.0f} s (whole {LIMITER_WINDOW:g}-s windows) "
        f"(bound {BOUND:,}/min): {rate / BOUND:.1%}",
    )
    met = "met" if rate >= TARGET * BOUND else "not met"
    show("", f"target {TARGET:.0%} of the bound: {met}; {killed_at_rows:,} calls when killed")
    show("", f"the whole run, its first window too: {whole_run:,.0f} calls/min ({whole_run / BOUND:.1%})")
    if rate:
        show(
            "",
            f"a history of {args.history:,} would take {args.history / rate:.0f} min at this rate "
            "(extrapolated)",
        )
    show(
        "requests",
        f"{pages_per_minute:.1f} Calls.json/min the sandbox answered 200 (limit {LIMIT}); "
        f"busiest 60 s, all API: {busiest_minute(accepted)}",
    )
    show("429s", refused)
    show("Calls.json per 10 s", " ".join(str(n) for n in per_ten_seconds(listing, begin, run_end)))
    connects = {}
    for entry in api:
        if entry["path"].endswith("/Calls/connect.json") and entry["status"] == 200:
            connects.setdefault(entry["form"].get("To", "")[-10:], []).append(entry["epoch"])
    waits = sorted(connects[to][0] - clicked for to, (clicked, _) in clicks.items() if to in connects)
    show(
        "click to dial",
        f"p50 {percentile(waits, 0.5):.2f} s, p95 {percentile(waits, 0.95):.2f} s, "
        f"max {max(waits, default=0):.2f} s, {len(waits)} of {len(clicks)} clicks dialled",
    )
    slot_waits = sorted(
        connects[to][0] - dials[call_id]
        for to, (_, call_id) in clicks.items()
        if to in connects and call_id in dials
    )
    dialled_once = sum(len(connects.get(to, ())) == 1 for to in clicks)
    show(
        "a dial's slot",
        f"task start to Exotel p50 {percentile(slot_waits, 0.5):.3f} s, "
        f"p95 {percentile(slot_waits, 0.95):.3f} s, "
        f"max {max(slot_waits, default=0):.3f} s (its wait for a slot, and the request); "
        f"{dialled_once} of {len(clicks)} dialled exactly once",
    )
    if work:
        (bulk_seconds, bulk_queries), (single_seconds, single_queries) = work
        show(
            "our work a page",
            f"in bulk {bulk_seconds:.3f} s, {bulk_queries:.0f} queries (median of {args.work_pages} pages); "
            f"one by one (reference) {single_seconds:.3f} s, {single_queries:.0f} queries: "
            f"{single_seconds / bulk_seconds:.1f}x",
        )
    rows, distinct_sids = distinct
    show(
        "exactly once",
        f"{rows:,} synced rows, {distinct_sids:,} distinct Sids: "
        f"{'OK' if rows == distinct_sids else 'DUPLICATES'}",
    )
    done_rows, total, spans = done
    show(
        "none missed",
        f"pages done ({spans} spans): {done_rows:,} rows, the sandbox lists {total:,}: "
        f"{'OK' if done_rows == total else 'MISSED'}",
    )
    ok = rows == distinct_sids and done_rows == total and refused == 0 and dialled_once == len(clicks)
    show("result", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
