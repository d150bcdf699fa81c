"""Realistic calls in bulk, for benchmarks and for trying the log with ten million rows.

The same seed makes the same calls on every database. PostgreSQL gets them by COPY, other databases by
bulk_create: a million calls seeded at 27,700 calls/s, not bulk_create's 4,000, and ten million from empty at
13,150 calls/s, most of it building the indexes (bench/README.md, "seed_calls").
Each batch is its own transaction and skips the calls an earlier run of the same seed already made, so a seed
run again, or after an interruption, ends with the same calls and no duplicates.
"""

import json
import random
from bisect import bisect
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import accumulate

from django.db import connection, transaction
from django.db.models import JSONField
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter

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
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Picker:
    """One of the choices, as often as its weight says, for a uniform draw in [0, 1)."""

    def __init__(self, table):
        self.values = [str(value) for value, _ in table]
        self.cumulative = list(accumulate(weight for _, weight in table))
        self.total = self.cumulative[-1]

    def __call__(self, draw):
        return self.values[bisect(self.cumulative, draw * self.total)]


NOBODY, NO_EXOPHONE, NO_FLOW = (None, "", "\\N"), (None, "", "\\N"), (None, "\\N")
DAY = 86_400  # seconds
RECORDINGS = "https://recordings.exotel.com/exotelrecordings/seed/"


class CallMaker:
    """One call after another, from the people and numbers in the database: `draw` makes its random choices,
    `values` turns them into the values of SEEDED, `line` into COPY's line of them.

    Draws are rng.random() scaled (randrange and choice cost twice as much), and a line writes its times from
    tables of days and times of day rather than through datetime: the seed's Python was the COPY's bound."""

    def __init__(self, rng, now):
        self.rng, self.now = rng, now.astimezone(UTC)
        profiles = AgentProfile.objects.exclude(phone_number="").order_by("pk")
        self.agents = [(pk, phone, str(pk)) for pk, phone in profiles.values_list("user_id", "phone_number")]
        exophones = ExoPhone.objects.order_by("pk").values_list("pk", "number")
        self.exophones = [(pk, number, str(pk)) for pk, number in exophones]
        self.flows = [(pk, str(pk)) for pk in Flow.objects.order_by("pk").values_list("pk", flat=True)]
        self.outcome, self.direction = Picker(OUTCOMES), Picker(DIRECTIONS)
        self.span = int(SPAN.total_seconds())
        self.prices = [minutes * PRICE_PER_MINUTE for minutes in range(16)]  # talk < 900 s: 15 minutes
        self.line_parts = None

    def draw(self):
        random = self.rng.random
        status, direction = self.outcome(random()), self.direction(random())
        completed, inbound = status == Status.COMPLETED, direction == Direction.INBOUND
        back = int(random() * self.span)  # seconds before now
        talk = 5 + int(random() * 895) if completed else 0
        ring = 3 + int(random() * 37)
        # Outbound calls belong to an agent; half the inbound ones were answered by one.
        has_agent = self.agents and (not inbound or random() < 0.5)
        agent = self.agents[int(random() * len(self.agents))] if has_agent else NOBODY
        exophone = self.exophones[int(random() * len(self.exophones))] if self.exophones else NO_EXOPHONE
        customer = f"+91{6_000_000_000 + int(random() * 4_000_000_000)}"
        has_flow = self.flows and inbound and random() < 0.6
        flow = self.flows[int(random() * len(self.flows))] if has_flow else NO_FLOW
        recorded = talk and random() < 0.4
        caller = customer if inbound else (agent[1] or customer)
        called = (exophone[1] or customer) if inbound else customer
        leg1 = Status.COMPLETED.value if not inbound or completed else status
        sid = f"{self.rng.getrandbits(128):032x}"
        return sid, status, direction, caller, called, back, talk, ring, agent, exophone, flow, recorded, leg1

    def values(self, call):
        sid, status, direction, caller, called, back, talk, ring, agent, exophone, flow, recorded, leg1 = call
        created = self.now - timedelta(seconds=back)
        return (
            sid,
            status,
            direction,
            caller,
            called,
            exophone[0],
            exophone[1],
            flow[0],
            agent[0],
            created,
            created + timedelta(seconds=ring + talk + 2),
            created,
            created + timedelta(seconds=ring + talk),
            ring + talk,
            talk,
            self.prices[-(-talk // 60)],
            f"{RECORDINGS}{created:%Y%m%d}.mp3" if recorded else "",
            leg1,
            status,
        )

    def line(self, call):
        """COPY's text line of the call's values, then the defaults'."""
        sid, status, direction, caller, called, back, talk, ring, agent, exophone, flow, recorded, leg1 = call
        days, times, fraction, now, prices, line_end = self.line_parts or self.make_line_parts()
        day, second = divmod(now - back, DAY)
        created = f"{days[day][0]} {times[second]}{fraction}"
        day_ended, second = divmod(now - back + ring + talk, DAY)
        ended = f"{days[day_ended][0]} {times[second]}{fraction}"
        day_updated, second = divmod(now - back + ring + talk + 2, DAY)
        updated = f"{days[day_updated][0]} {times[second]}{fraction}"
        recording = f"{RECORDINGS}{days[day][1]}.mp3" if recorded else ""
        return (
            f"{sid}\t{status}\t{direction}\t{caller}\t{called}\t{exophone[2]}\t{exophone[1]}\t{flow[1]}"
            f"\t{agent[2]}\t{created}\t{updated}\t{created}\t{ended}\t{ring + talk}\t{talk}"
            f"\t{prices[-(-talk // 60)]}\t{recording}\t{leg1}\t{status}{line_end}"
        )

    def make_line_parts(self):
        """{day since 1970: (its date, the date without dashes)}, "HH:MM:SS" by second of the day, the
        fraction of a second and time zone every seeded time shares (now's), now in whole seconds since 1970,
        the prices as text and the defaults' columns."""
        now = int((self.now.replace(microsecond=0) - EPOCH).total_seconds())
        days = {}
        for day in range((now - self.span) // DAY, (now + 2 * DAY) // DAY + 1):
            date = (EPOCH + timedelta(days=day)).date()
            days[day] = (date.isoformat(), f"{date:%Y%m%d}")
        times = [f"{second // 3600:02}:{second // 60 % 60:02}:{second % 60:02}" for second in range(DAY)]
        fraction = f".{self.now.microsecond:06}+00"
        line_end = "".join(f"\t{copy_text(value)}" for value in default_values().values()) + "\n"
        self.line_parts = days, times, fraction, now, [str(price) for price in self.prices], line_end
        return self.line_parts


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
        if empty:
            return copy_into_empty_log(make, count, batch_size, progress)
        while made < count:
            batch = [make.draw() for _ in range(min(batch_size, count - made))]
            made += len(batch)
            with transaction.atomic():
                kept = already_there([call[0] for call in batch])
                missing = [call for call in batch if call[0] not in kept] if kept else batch
                if missing:
                    write(make, missing)
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
    at 27,700 (a million calls). PostgreSQL builds each index with its parallel workers
    (max_parallel_maintenance_workers): two connections building two indexes at once were no faster.

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
        indexes = droppable_indexes(cursor)
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


def droppable_indexes(cursor):
    """[(name, the statement that builds it again)] of the indexes that are neither unique nor a constraint's.

    A partial index comes back from the model's own Index, as its migration made it: pg_get_indexdef writes
    the condition in another form, which the planner would have to prove the same. One that is not the
    model's stays. Kept up to date call by call, the (un)recorded ones took a B-tree insert per call at a
    random place."""
    cursor.execute(
        "SELECT index.relname, pg_get_indexdef(index.oid), indpred IS NOT NULL FROM pg_index"
        " JOIN pg_class index ON index.oid = pg_index.indexrelid"
        " WHERE indrelid = 'calls_call'::regclass AND NOT indisunique"
    )
    model_indexes = {index.name: index for index in Call._meta.indexes}
    editor = connection.schema_editor()
    return [
        (name, str(model_indexes[name].create_sql(Call, editor)) if partial else definition)
        for name, definition, partial in cursor.fetchall()
        if not partial or name in model_indexes
    ]


def already_there(sids):
    if connection.vendor == "postgresql":  # one parameter, not 5,000 to parse
        with connection.cursor() as cursor:
            cursor.execute("SELECT sid FROM calls_call WHERE sid = ANY(%s)", [sids])
            return {sid for (sid,) in cursor.fetchall()}
    return set(Call.objects.filter(sid__in=sids).values_list("sid", flat=True))


def create_calls(make, calls):
    Call.objects.bulk_create([Call(**dict(zip(SEEDED, make.values(call), strict=True))) for call in calls])


def copy_calls(make, calls):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")  # a batch lost in a crash is seeded again
        with cursor.cursor.copy(copy_statement()) as copy:
            copy.write("".join([make.line(call) for call in calls]))


def copy_into_empty_log(make, count, batch_size, progress):
    """Every call in one COPY, a batch's lines at a time. psycopg's queued writer sends them from a thread of
    its own, so this thread makes the next batch while PostgreSQL stores the last: a COPY per batch made the
    two wait for each other at every batch's start and end."""
    draw, line = make.draw, make.line
    made = 0
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        raw = cursor.cursor
        with raw.copy(copy_statement(), writer=QueuedLibpqWriter(raw)) as copy:
            while made < count:
                size = min(batch_size, count - made)
                copy.write("".join([line(draw()) for _ in range(size)]))
                made += size
                if progress:
                    progress(made)
    return made


def copy_statement():
    """COPY in text format, its lines written by CallMaker.line: twice the rate of psycopg's write_row. No
    seeded value holds a tab, a newline or a backslash (Sids are hex, numbers digits, links plain), so none
    needs escaping."""
    columns = ", ".join(connection.ops.quote_name(name) for name in [*SEEDED, *default_values()])
    return f"COPY calls_call ({columns}) FROM STDIN"


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
