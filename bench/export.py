"""The CSV export beside PostgreSQL's own COPY of the same select, at a million calls or ten.

Creates a PostgreSQL database, seeds N calls with `seed_calls` (its rate is printed), then, in turns, streams
GET /calls/export.csv as a manager through django.test.Client (DEBUG off) and runs psql's own
`COPY (the select the export runs) TO STDOUT WITH (FORMAT csv)` through psycopg, reading every row as psql
does. Prints rows/s of both, their ratio, the export's bytes and the process's RSS while it streams, and the
size of the table and of each index per million calls. See bench/README.md.
"""

import argparse
import os
import sys
import threading
import time

import psycopg
from common import django_in_this_process, fresh_database, machine_measure, show
from procs import CpuSampler, rss_mb

DB_NAME = "bench_export"
LOCK_KEY = 20261127  # pg_advisory_lock: one run at a time (call_log.py 20261125)
TARGET_SHARE = 0.80  # of COPY's rows/s
AGENTS, EXOPHONES, FLOWS = 5, 6, 3
RSS_EVERY_SECONDS = 0.05
MB = 2**20


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument(
        "--passes", type=int, default=2, help="turns of the export and of COPY, best one counts"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--database",
        default=DB_NAME,
        help=f"the PostgreSQL database to create (or with --keep reuse); {DB_NAME} by default",
    )
    parser.add_argument(
        "--seed-only",
        action="store_true",
        help="stop after seeding and the sizes (no VACUUM, no export): seed_calls' rate alone",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database afterwards and reuse one kept before (seeding takes minutes)",
    )
    return parser.parse_args()


def main():
    args = parse_args()
    show("machine", machine_measure())
    started = time.perf_counter()
    with fresh_database(args.database, LOCK_KEY, keep=args.keep):
        env = django_in_this_process(args.database)
        try:
            status = run(args, env["DATABASE_URL"])
        finally:
            from django.db import connections

            connections.close_all()
    show("", f"the whole run took {(time.perf_counter() - started) / 60:.1f} minutes")
    return status


def run(args, database_url):
    from django.db import connection
    from django.test import Client

    manager = seeded_log(args)
    if args.seed_only:
        show_sizes(args.calls)
        return 0
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) calls_call")  # as autovacuum would soon after a bulk load
    show_sizes(args.calls)

    client = Client()
    client.force_login(manager)
    statement = export_statement(manager)
    exports, copies = [], []
    with psycopg.connect(database_url, autocommit=True) as reference:
        for turn in range(1, args.passes + 1):
            copies.append(copy_rows(reference, statement))
            exports.append(export_rows(client))
            show(f"turn {turn}", f"COPY {copies[-1].line()}")
            show("", f"export {exports[-1].line()}, RSS {exports[-1].memory()}")
    copied, exported = max(copies, key=Pass.rate), max(exports, key=Pass.rate)
    if exported.rows != args.calls or exported.bytes != copied.bytes + len(exported.header):
        raise SystemExit(
            f"the export wrote {exported.rows:,} rows in {exported.bytes:,} bytes; COPY {copied.rows:,} rows "
            f"in {copied.bytes:,} bytes and the header {len(exported.header)}: not the same rows"
        )
    share = exported.rate() / copied.rate()
    show("same bytes", f"the export is the header and COPY's {copied.bytes / MB:,.0f} MB, byte for byte")
    show("export/COPY", f"{share:.0%} (best turns: {exported.rate():,.0f} of {copied.rate():,.0f} rows/s)")
    show("target", f"≥ {TARGET_SHARE:.0%}: {'✓' if share >= TARGET_SHARE else '✗'}")
    return 0


def seeded_log(args):
    """The manager who exports; seeds the calls unless a kept database has them."""
    from django.contrib.auth.models import User

    from calls.models import Call
    from calls.seeding import seed_calls

    kept = Call.objects.count()
    if kept:
        if kept != args.calls:
            raise SystemExit(f"The kept database holds {kept:,} calls: pass --calls {kept} or drop it.")
        show("setup", f"{kept:,} calls kept from an earlier run (--keep)")
        return User.objects.get(username="manager")
    manager = create_people_and_numbers()

    started = time.perf_counter()

    def progress(made):
        if made % 1_000_000 == 0 or made == args.calls:
            seconds = time.perf_counter() - started
            print(f"  made {made:,} calls in {seconds:.0f} s", file=sys.stderr, flush=True)

    cpu = CpuSampler(seed_processes)
    seed_calls(count=args.calls, seed=args.seed, progress=progress)
    seconds = time.perf_counter() - started
    shares = cpu.shares()
    show("seed_calls", f"{args.calls:,} calls in {seconds:.0f} s: {args.calls / seconds:,.0f} calls/s")
    show(
        "",
        f"CPU of the 2 CPUs' time: this process {shares['seeder']:.0%}, PostgreSQL {shares['postgres']:.0%},"
        f" others {shares['others']:.0%}, idle {1 - shares['busy']:.0%}",
    )
    return manager


def seed_processes(table):
    """This process, and every PostgreSQL process (its backends, parallel workers and writers)."""
    postgres = [pid for pid, (_, _, command) in table.items() if command.startswith("postgres")]
    return {"seeder": [os.getpid()], "postgres": postgres}


def create_people_and_numbers():
    from django.contrib.auth.models import Group, User

    from accounts.models import AgentProfile
    from exonumbers.models import ExoPhone, Flow
    from lib.roles import Role

    exophones = [
        ExoPhone.objects.create(number=f"+9180307524{i:02}", friendly_name=f"Line {i}")
        for i in range(EXOPHONES)
    ]
    for i in range(FLOWS):
        Flow.objects.create(name=f"Flow {i}", app_id=f"24587{i}")

    def person(username, role, phone=""):
        user = User.objects.create_user(username)
        user.groups.add(Group.objects.get(name=role.value))
        AgentProfile.objects.create(user=user, phone_number=phone, default_exophone=exophones[0])
        return user

    for i in range(AGENTS):
        person(f"agent{i}", Role.AGENT, f"+9198450123{i:02}")
    return person("manager", Role.MANAGER)


def export_statement(manager):
    """The COPY statement GET /calls/export.csv runs for the manager with no filter (calls/log/views.py)."""
    from django.conf import settings

    from calls.log.export import copy_statement, with_call_pages
    from calls.log.filters import CallFilter
    from calls.selectors import calls_visible_to

    filterset = CallFilter({}, queryset=calls_visible_to(manager), show_agent=True)
    queryset = with_call_pages(filterset.qs.order_by("-date_created", "-id"), "http://testserver")
    return copy_statement(queryset, settings.TIME_ZONE)


class Pass:
    def __init__(self, rows, size, seconds, cpu_seconds, header=b"", rss=()):
        self.rows, self.bytes, self.seconds, self.cpu_seconds = rows, size, seconds, cpu_seconds
        self.header, self.rss = header, rss

    def rate(self):
        return self.rows / self.seconds

    def line(self):
        return (
            f"{self.rows:,} rows, {self.bytes / MB:,.0f} MB in {self.seconds:.1f} s: "
            f"{self.rate():,.0f} rows/s (CPU here {self.cpu_seconds / self.rows * 1e6:.1f} µs a row)"
        )

    def memory(self):
        """The process's resident memory before, at each quarter of the run, and at most: flat or not."""
        before, *during = self.rss
        quarters = (
            [during[min(len(during) - 1, len(during) * q // 4)] for q in (1, 2, 3, 4)] if during else []
        )
        shown = " ".join(f"{mb:.0f}" for mb in quarters)
        return f"{before:.0f} MB before, {shown} MB at each quarter, at most {max(self.rss):.0f} MB"


def copy_rows(conn, statement):
    rows = size = 0
    started, cpu = time.perf_counter(), time.process_time()
    with conn.cursor() as cursor, cursor.copy(*statement) as copy:
        for row in copy:
            rows += 1
            size += len(row)
    return Pass(rows, size, time.perf_counter() - started, time.process_time() - cpu)


def export_rows(client):
    """Rows and bytes of GET /calls/export.csv, the header left out; RSS sampled from a thread throughout."""
    samples, streaming = [rss_mb()], threading.Event()

    def sample():
        while not streaming.wait(RSS_EVERY_SECONDS):
            samples.append(rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    started, cpu = time.perf_counter(), time.process_time()
    sampler.start()
    response = client.get("/calls/export.csv")
    if response.status_code != 200 or not response.streaming:
        raise SystemExit(f"/calls/export.csv: {response.status_code}")
    parts = iter(response.streaming_content)
    header = next(parts)
    lines = size = 0
    for part in parts:
        lines += part.count(b"\n")
        size += len(part)
    response.close()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    streaming.set()
    sampler.join()
    samples.append(rss_mb())
    return Pass(lines, size + len(header), seconds, cpu, header=header, rss=samples)


def show_sizes(count):
    """The table and each of its indexes, in all and per million calls."""
    from django.db import connection

    per_million = 1_000_000 / count
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('calls_call'), pg_table_size('calls_call'), version()")
        total, table, version = cursor.fetchone()
        cursor.execute(
            "SELECT index.relname, pg_relation_size(index.oid) FROM pg_index"
            " JOIN pg_class index ON index.oid = pg_index.indexrelid"
            " WHERE indrelid = 'calls_call'::regclass ORDER BY 2 DESC, 1"
        )
        indexes = cursor.fetchall()
    show("database", version.split(" on ")[0])
    show(
        "calls_call",
        f"{total / MB:,.0f} MB with its indexes: {total * per_million / MB:,.0f} MB per million calls",
    )
    show("", f"the table {table * per_million / MB:,.0f} MB per million (TOAST, maps included)")
    indexed = sum(size for _, size in indexes)
    show("", f"{len(indexes)} indexes {indexed * per_million / MB:,.0f} MB per million:")
    for name, size in indexes:
        show("", f"  {name:32} {size * per_million / MB:6,.1f} MB per million")


if __name__ == "__main__":
    sys.exit(main())
