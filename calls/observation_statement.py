"""A callback's observation applied in one SQL statement on PostgreSQL, by the rules of calls/state.py.

The statement locks the call's row only if it holds the callback's Sid, works out from the row as it is then
what `apply_observation` would write, inserts the event `ON CONFLICT (dedupe_key) DO NOTHING` (so the insert
decides a redelivery, also one racing this one) and, only when the event is new, updates the call and says
what it wrote and, for a call that is then final, whether the missed-call queue has anyone waiting on its
numbers: an outbound call's end with nobody waiting needs no second query. A call without the Sid (none
yet, another, or gone) is left to the full path in services.py.

Every value is a parameter; the statement's text is built only from our own column names and statuses, kept
per shape (the incoming status, the fields the observation carries) and prepared once per database session and
shape: planning it took longer than running it. A prepared statement outlives a rolled-back transaction.
"""

import hashlib
import json
import re
import weakref
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection, models

from .check_schedule import FIRST_CHECK, GIVE_UP_AFTER, LONGEST_WAIT, PRICE_DELAY
from .models import FINAL_STATUSES, Call, CallEvent, Direction, MissedCustomer, Status
from .state import CALL_FIELDS, LEG_FINAL, LEG_STATUS_FIELDS, Observation, status_note, status_verdict

# What the next check and the missed-call queue read of the call after the observation.
READ_AFTER = (
    "status",
    "direction",
    "from_number",
    "to_number",
    "flow_id",
    "date_created",
    "date_updated",
    "end_time",
    "duration",
    "price",
    "conversation_duration",
    "leg1_status",
)
TEXT_FIELDS = (models.CharField, models.TextField)
PARAMETER_TYPES = {
    "call": "bigint",
    "now": "timestamptz",
    "headers": "jsonb",
    "parsed": "jsonb",
    **{f"v_{name}": "text" for name in LEG_STATUS_FIELDS},
}
COLUMN_TYPES = {
    "PositiveIntegerField": "integer",
    "DecimalField": "numeric",  # unrounded, so a value is compared as the state machine compares it
    "DateTimeField": "timestamptz",
}
BIGINT_END = 2**63
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# Stands for any status outside Status, which the state machine ranks 0; no call holds "".
OTHER = ""


@dataclass
class Applied:
    changed: list  # the call's fields the observation changed, bookkeeping aside
    after: dict | None  # the READ_AFTER fields of the call after it; None: a redelivery, nothing written
    # For a call final after it: whether a missed customer waits on either of its numbers (None: not asked).
    someone_waiting: bool | None = None

    @property
    def leaves_the_queue_alone(self):
        """missed_queue.take_note_of's answer, known without asking it: an outbound call is never a try, so it
        can only resolve a waiting row, and none waits on its numbers."""
        return self.after["direction"] != Direction.INBOUND and self.someone_waiting is False


def apply_in_one_statement(
    *, call_id: int, observation: Observation, dedupe_key: str, event_type: str, raw_body: str, headers, now
) -> Applied | None:
    """None when the call does not hold the observation's Sid, or is gone: the full path decides then."""
    if not 0 < call_id < BIGINT_END:
        return None
    values = observation.values
    status = observation.status
    note = status_note(status)
    carried = tuple(name for name in CALL_FIELDS if name in values and name != "sid")
    legs = tuple((name, values[name] in LEG_FINAL) for name in LEG_STATUS_FIELDS if values.get(name))
    params = {f"v_{name}": values[name] for name in carried} | {f"v_{name}": values[name] for name, _ in legs}
    params |= {
        "call": call_id,
        "sid": values.get("sid"),
        "now": now,
        "event_type": event_type,
        "event_status": observation.status[:32],
        "key": dedupe_key,
        "body": raw_body,
        "headers": json.dumps(headers),
        "parsed": json.dumps(observation.as_text()),
        "note": note[:300],
    }
    found, *row = _run(_statement("" if note else status, carried, legs), params)
    if not found:
        return None
    if row[0] is None:
        return Applied(changed=[], after=None)
    *row, someone_waiting = row
    written = zip(_written_names(carried, legs), row[len(READ_AFTER) :], strict=True)
    return Applied(
        changed=[name for name, was_written in written if was_written],
        after=dict(zip(READ_AFTER, row[: len(READ_AFTER)], strict=True)),
        someone_waiting=someone_waiting,
    )


def _written_names(carried, legs):
    return ("status", *carried, *(name for name, _ in legs))


@dataclass(frozen=True)
class Prepared:
    name: str
    prepare: str
    parameters: tuple  # their names, in the order of $1, $2, …

    @property
    def execute(self):
        return f"EXECUTE {self.name}({', '.join(['%s'] * len(self.parameters))})"


# The statements prepared in each session: planning the statement cost more than running it.
_prepared_in = weakref.WeakKeyDictionary()


def _run(statement: Prepared, params: dict):
    connection.ensure_connection()
    prepared = _prepared_in.setdefault(connection.connection, set())
    with connection.cursor() as cursor:
        if statement.name not in prepared:
            cursor.execute(statement.prepare)
            prepared.add(statement.name)
        cursor.execute(statement.execute, [params[name] for name in statement.parameters])
        return cursor.fetchone()


@lru_cache(maxsize=512)
def _statement(status, carried, legs) -> Prepared:
    """The statement for an observation of `status` ("": none it reads) carrying these fields."""
    sql = _sql(status, carried, legs)
    parameters = tuple(dict.fromkeys(PLACEHOLDER.findall(sql)))
    numbered = PLACEHOLDER.sub(lambda match: f"${parameters.index(match[1]) + 1}", sql)
    types = ", ".join(_parameter_type(name) for name in parameters)
    name = "callback_" + hashlib.sha256(numbered.encode()).hexdigest()[:16]
    return Prepared(name, f"PREPARE {name} ({types}) AS {numbered}", parameters)


def _parameter_type(name):
    if name in PARAMETER_TYPES:
        return PARAMETER_TYPES[name]
    if name.startswith("v_"):
        return COLUMN_TYPES.get(Call._meta.get_field(name[2:]).get_internal_type(), "text")
    return "text"


def _sql(status, carried, legs) -> str:
    moves = _held_status_in({held for held in [*Status, OTHER] if status_verdict(held, status)[0]})
    stale = _held_status_in({held for held in [*Status, OTHER] if status_verdict(held, status)[1]})
    written = {"status": "moves"}
    for name in carried:
        blank = f"old.{name} IS NULL"
        if isinstance(Call._meta.get_field(name), TEXT_FIELDS):
            blank = f"({blank} OR old.{name} = '')"
        written[name] = f"(old.{name} IS DISTINCT FROM %(v_{name})s AND (NOT stale OR {blank}))"
    for name, value_is_final in legs:
        back = "FALSE" if value_is_final else f"old.{name} IN ({_quoted(LEG_FINAL)})"
        written[name] = f"(old.{name} <> %(v_{name})s AND NOT {back} AND (NOT stale OR old.{name} = ''))"
    columns = sorted({*READ_AFTER, *carried, *(name for name, _ in legs)})
    new_values = [
        f"CASE WHEN w_{name} THEN %(v_{name})s ELSE {name} END AS {name}"
        if name in written and name != "status"
        else name
        for name in columns
        if name != "status"
    ]
    set_values = [f"{name} = new.{name}" for name in written if name != "status"]
    returned = ", ".join([*(f"new.{name}" for name in READ_AFTER), *(f"new.w_{name}" for name in written)])
    status_literal = f"'{status}'" if status else "status"
    return f"""
WITH old AS MATERIALIZED (
    SELECT id, {", ".join(columns)} FROM calls_call
    WHERE id = %(call)s AND sid = %(sid)s
    FOR NO KEY UPDATE
),
verdict AS MATERIALIZED (
    SELECT old.*, {moves} AS moves, {stale} AS stale FROM old
),
decided AS MATERIALIZED (
    SELECT old.*, {", ".join(f"{sql} AS w_{name}" for name, sql in written.items())} FROM verdict old
),
new AS MATERIALIZED (
    SELECT id, status AS was, moves, stale, {", ".join(f"w_{name}" for name in written)},
        CASE WHEN moves THEN {status_literal} ELSE status END AS status,
        {", ".join(new_values)}
    FROM decided
),
event AS (
    INSERT INTO calls_callevent
        (call_id, source, event_type, status, dedupe_key, raw_body, headers, parsed, verdict, note,
         received_at)
    SELECT id, '{CallEvent.Source.CALLBACK}', %(event_type)s, %(event_status)s, %(key)s, %(body)s,
        %(headers)s::jsonb, %(parsed)s::jsonb,
        CASE WHEN stale AND NOT ({" OR ".join(f"w_{name}" for name in written)})
            THEN '{CallEvent.Verdict.IGNORED_STALE}' ELSE '{CallEvent.Verdict.APPLIED}' END,
        %(note)s, %(now)s
    FROM new
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id
),
moved AS (
    UPDATE calls_call SET
        status = new.status,
        {"".join(f"{sql}, " for sql in set_values)}
        status_changed_at = CASE WHEN new.moves THEN %(now)s ELSE calls_call.status_changed_at END,
        next_check_at = {_next_check("new")},
        not_found_since = NULL,
        error_message = CASE WHEN new.was = '{Status.LOST}' AND new.status <> '{Status.LOST}' THEN ''
            ELSE calls_call.error_message END
    FROM new
    WHERE calls_call.id = new.id AND EXISTS (SELECT FROM event)
    RETURNING {returned}
)
SELECT (SELECT count(*) FROM old), moved.*, {_someone_waiting("moved")}
FROM (SELECT) AS one LEFT JOIN moved ON TRUE
"""  # noqa: S608


def _someone_waiting(row) -> str:
    """SQL: for a call final after the observation, a waiting row on either of its numbers (missed_queue's
    waiting_for, on the customer's number and the other one: false means nobody waits for this call)."""
    waiting = (
        f"SELECT FROM {MissedCustomer._meta.db_table} WHERE number IN ({row}.from_number, {row}.to_number)"
        f" AND state = '{MissedCustomer.State.WAITING}'"
    )
    return f"CASE WHEN {row}.status IN ({_quoted(FINAL_STATUSES)}) THEN EXISTS ({waiting}) END"


def _quoted(values):
    return ", ".join(f"'{value}'" for value in sorted(values))


def _held_status_in(statuses) -> str:
    """SQL: the held status is one of `statuses` (OTHER among them: any value outside Status too)."""
    if OTHER in statuses:
        outside = set(Status) - statuses
        return f"old.status NOT IN ({_quoted(outside)})" if outside else "TRUE"
    return f"old.status IN ({_quoted(statuses)})" if statuses else "FALSE"


def _interval(delta) -> str:
    return f"interval '{int(delta.total_seconds())} seconds'"


def _next_check(row) -> str:
    """calls/check_schedule.py's next_check_at, on the call after the observation."""
    age = f"(%(now)s - {row}.date_created)"
    talk_untold = (
        f"({row}.direction = '{Direction.INBOUND}' AND {row}.conversation_duration IS NULL"
        f" AND {row}.leg1_status = '')"
    )
    return f"""CASE
        WHEN {row}.status = '{Status.COMPLETED}' THEN
            CASE WHEN ({row}.duration IS NULL OR {row}.price IS NULL OR {talk_untold})
                    AND {age} <= {_interval(GIVE_UP_AFTER)}
                THEN GREATEST(
                    COALESCE({row}.end_time, {row}.date_updated, %(now)s) + {_interval(PRICE_DELAY)},
                    %(now)s + {_interval(FIRST_CHECK)}
                )
            END
        WHEN {row}.status IN ({_quoted(FINAL_STATUSES)}, '{Status.PENDING}') THEN NULL
        WHEN {age} > {_interval(GIVE_UP_AFTER)} THEN NULL
        ELSE %(now)s + LEAST(GREATEST({age} / 4, {_interval(FIRST_CHECK)}), {_interval(LONGEST_WAIT)})
    END"""
