"""Realistic calls in bulk, for benchmarks and for trying the log with ten million rows.

The same seed makes the same calls on every database. PostgreSQL gets them by COPY, other databases by
bulk_create: a million calls seeded at 27,700 calls/s, not bulk_create's 4,000 (bench/README.md, "export.py").
Each batch is its own transaction and skips the calls an earlier run of the same seed already made, so a seed
run again, or after an interruption, ends with the same calls and no duplicates.
"""

import json
import random
from bisect import bisect
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from itertools import accumulate

from django.db import connection, transaction
from django.db.models import JSONField
from django.utils import timezone

from accounts.models import AgentProfile
from exonumbers.models import ExoPhone, Flow

from .models import Call, Direction, Status

OUTCOMES = [  # (status, weight)
    (Status.COMPLETED, 62),
    (Status.NO_ANSWER, 18),
    (Status.BUSY, 12),
    (Status.FAILED, 5),
    (Status.CANCELED, 3),
]
DIRECTIONS = [(Direction.OUTBOUND_API, 55), (Direction.INBOUND, 35), (Direction.OUTBOUND_DIAL, 10)]
SPAN = timedelta(days=180)
PRICE_PER_MINUTE = Decimal("0.60")
# What each call gets from the seed; every other column of Call gets its default.
SEEDED = (
    "sid",
    "status",
    "direction",
    "from_number",
    "to_number",
    "exophone_id",
    "phone_number",
    "flow_id",
    "agent_id",
    "date_created",
    "date_updated",
    "start_time",
    "end_time",
    "duration",
    "conversation_duration",
    "price",
    "recording_url",
    "leg1_status",
    "leg2_status",
)
BUILD_INDEXES_AFTER = 200_000  # calls


class Picker:
    """One of the choices, as often as its weight says: random.choices without its per-call set-up."""

    def __init__(self, table):
        self.values = [str(value) for value, _ in table]
        self.cumulative = list(accumulate(weight for _, weight in table))
        self.total = self.cumulative[-1]

    def __call__(self, rng):
        return self.values[bisect(self.cumulative, rng.random() * self.total)]


class CallMaker:
    """The values of SEEDED for one call after another, from the people and numbers in the database."""

    def __init__(self, rng, now):
        self.rng, self.now = rng, now
        profiles = AgentProfile.objects.exclude(phone_number="").order_by("pk")
        self.agents = list(profiles.values_list("user_id", "phone_number"))
        self.exophones = list(ExoPhone.objects.order_by("pk").values_list("pk", "number"))
        self.flows = list(Flow.objects.order_by("pk").values_list("pk", flat=True))
        self.outcome, self.direction = Picker(OUTCOMES), Picker(DIRECTIONS)
        self.span = int(SPAN.total_seconds())
        self.prices = [minutes * PRICE_PER_MINUTE for minutes in range(16)]  # talk < 900 s: 15 minutes

    def __call__(self):
        rng = self.rng
        status, direction = self.outcome(rng), self.direction(rng)
        created = self.now - timedelta(seconds=rng.randrange(self.span))
        completed, inbound = status == Status.COMPLETED, direction == Direction.INBOUND
        talk = rng.randrange(5, 900) if completed else 0
        ring = rng.randrange(3, 40)
        # Outbound calls belong to an agent; half the inbound ones were answered by one.
        has_agent = self.agents and (not inbound or rng.random() < 0.5)
        agent, agent_phone = rng.choice(self.agents) if has_agent else (None, "")
        exophone, exophone_number = rng.choice(self.exophones) if self.exophones else (None, "")
        customer = f"+91{rng.choice('6789')}{rng.randrange(10**8, 10**9)}"
        flow = rng.choice(self.flows) if self.flows and inbound and rng.random() < 0.6 else None
        recorded = talk and rng.random() < 0.4
        return (
            f"{rng.getrandbits(128):032x}",
            status,
            direction,
            customer if inbound else (agent_phone or customer),
            (exophone_number or customer) if inbound else customer,
            exophone,
            exophone_number,
            flow,
            agent,
            created,
            created + timedelta(seconds=ring + talk + 2),
            created,
            created + timedelta(seconds=ring + talk),
            ring + talk,
            talk,
            self.prices[-(-talk // 60)],
            f"https://recordings.exotel.com/exotelrecordings/seed/{created:%Y%m%d}.mp3" if recorded else "",
            Status.COMPLETED.value if not inbound or completed else status,
            status,
        )


def seed_calls(*, count, batch_size=5000, seed=0, progress=None, now=None, copy=None):
    """Make sure the first `count` calls of `seed` are in the log; returns how many were added.

    Calls are dated over the six months before `now`. `copy` (PostgreSQL only) is for tests comparing the two
    ways: by default PostgreSQL gets COPY, other databases bulk_create.
    """
    make = CallMaker(random.Random(seed), now or timezone.now())
    copying = connection.vendor == "postgresql" if copy is None else copy
    write = copy_calls if copying else create_calls
    made = added = 0
    with indexes_built_after(copying and count >= BUILD_INDEXES_AFTER) as empty:
        while made < count:
            batch = [make() for _ in range(min(batch_size, count - made))]
            made += len(batch)
            with transaction.atomic():
                kept = set() if empty else already_there([values[0] for values in batch])
                missing = [values for values in batch if values[0] not in kept] if kept else batch
                if missing:
                    write(missing)
            added += len(missing)
            if progress:
                progress(made)
    return added


@contextmanager
def indexes_built_after(large):
    """Yields whether the log is empty. A large seed of an empty log on PostgreSQL is one transaction that
    drops the indexes the seed does not need, the foreign keys and the unique constraints (the seed makes
    distinct Sids and skips no look-up in an empty log), and makes them again at the end (as
    PostgreSQL's "Populating a Database" advises): COPY that kept them up to date ran at 7,000 calls/s, this
    at 27,700 (a million calls).

    The table stays locked until then, and a seed cut short leaves the log as it was, indexes and all.
    """
    if not large or Call.objects.exists():
        yield False
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE calls_call IN ACCESS EXCLUSIVE MODE")
        if Call.objects.exists():  # since the look above
            yield False
            return
        cursor.execute(
            "SELECT index.relname, pg_get_indexdef(index.oid) FROM pg_index"
            " JOIN pg_class index ON index.oid = pg_index.indexrelid"
            " WHERE indrelid = 'calls_call'::regclass AND NOT indisunique"
            # Kept: built from pg_get_indexdef, a partial index's condition is written in another form than
            # the migration's, which the planner would have to prove the same. No seeded call is live.
            " AND indpred IS NULL"
        )
        indexes = cursor.fetchall()
        # Checked call by call, the foreign keys held a million calls to 24,400 calls/s, not 27,700; added
        # again at the end, one join checks them all. The unique Sid too: random Sids inserted one by one
        # into its B-tree slowed a seed of ten million from 25,000 calls/s to 15,700 by the fifth million;
        # added again at the end, it is one sort and the check that no two calls share a Sid.
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'calls_call'::regclass AND contype IN ('u', 'f') ORDER BY contype DESC"
        )
        constraints = cursor.fetchall()  # the unique ones first, so that they are added again first
        for name, _ in constraints:
            cursor.execute(f"ALTER TABLE calls_call DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        yield True
        # A deferred constraint's check queued by the copy (a trigger left on the table) would make CREATE
        # INDEX refuse the table ("pending trigger events"): they run now, before the indexes are built.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")  # ten million Sids sort in memory
        for _, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(
                f"ALTER TABLE calls_call ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )


def already_there(sids):
    if connection.vendor == "postgresql":  # one parameter, not 5,000 to parse
        with connection.cursor() as cursor:
            cursor.execute("SELECT sid FROM calls_call WHERE sid = ANY(%s)", [sids])
            return {sid for (sid,) in cursor.fetchall()}
    return set(Call.objects.filter(sid__in=sids).values_list("sid", flat=True))


def create_calls(batch):
    Call.objects.bulk_create([Call(**dict(zip(SEEDED, values, strict=True))) for values in batch])


def copy_calls(batch):
    """COPY's text format written here: twice the rate of psycopg's write_row. No seeded value holds a tab, a
    newline or a backslash (Sids are hex, numbers digits, links plain), so none needs escaping."""
    defaults = default_values()
    columns = ", ".join(connection.ops.quote_name(name) for name in [*SEEDED, *defaults])
    line_end = "".join(f"\t{copy_text(value)}" for value in defaults.values()) + "\n"
    lines = [
        "\t".join(["\\N" if value is None else str(value) for value in values]) + line_end for values in batch
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")  # a batch lost in a crash is seeded again
        with cursor.cursor.copy(f"COPY calls_call ({columns}) FROM STDIN") as copy:
            copy.write("".join(lines))


def copy_text(value):
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def default_values():
    """{column: value as COPY takes it} of Call's columns the seed leaves to their defaults."""
    return {
        field.column: json.dumps(field.get_default(), cls=field.encoder)
        if isinstance(field, JSONField)
        else field.get_db_prep_save(field.get_default(), connection)
        for field in Call._meta.concrete_fields
        if field.attname not in SEEDED and not field.primary_key
    }
