"""The filtered call log as CSV, streamed in chunks, so a million calls take constant memory.

On PostgreSQL the server writes the rows itself (COPY … TO STDOUT WITH CSV): five times the rate of building
them in Python, which is what other databases get. Both write the same bytes (calls/tests/log/test_export.py).

The recording column links to the call's page on this site, where the recording plays for whoever may hear it:
Exotel's own link needs the account's credentials.

Nothing is sent before the query runs: a WSGI server sends the status with the first bytes, so a query that
fails still answers 500, never 200 with a header and nothing after it. A failure after that can no longer
change the status; the file then ends with INCOMPLETE, and the error goes on to cut the transfer off, so
neither the browser nor whoever opens the file takes the rows above for the whole export.
"""

import csv
import re
from datetime import datetime
from itertools import chain, islice

from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connection, transaction
from django.db.models import Case, CharField, F, Func, Value, When
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone

from calls.models import Direction, Status

COLUMNS = [
    ("date_created", "Created"),
    ("sid", "Sid"),
    ("direction", "Direction"),
    ("status", "Status"),
    ("from_number", "From"),
    ("to_number", "To"),
    ("phone_number", "ExoPhone"),
    ("agent__username", "Agent"),
    ("flow__name", "Flow"),
    ("duration", "Duration (s)"),
    ("conversation_duration", "Talk time (s)"),
    ("price", "Price"),
    ("recording_page", "Recording (call page)"),
    ("custom_field", "Custom field"),
    ("wrap_up__disposition__name", "Disposition"),
    ("wrap_up__note", "Note"),
    ("wrap_up__follow_up_at", "Follow up at"),
]
TIMES = {"date_created", "wrap_up__follow_up_at"}  # in the user's zone, which the header names
NUMBERS = {"duration", "conversation_duration", "price"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PHONE_NUMBER = re.compile(r"\+[0-9]+")  # fullmatch; a number, not a formula, so a CRM imports it as it is
CHOICES = {"status": Status.choices, "direction": Direction.choices}
LABELS = {value: label for choices in CHOICES.values() for value, label in choices}
LABELLED = [i for i, (name, _) in enumerate(COLUMNS) if name in CHOICES]
LINE_END = "\n"  # what PostgreSQL's COPY writes
CHUNK_BYTES = 64 * 1024
INCOMPLETE = "EXPORT INCOMPLETE: a server error stopped it after the rows above. Export again.\n"


def csv_rows(queryset, *, site, chunk_size=2000):
    """The header, then the rows in chunks: COPY on PostgreSQL, Python elsewhere.

    `site`, the scheme and host the reader opened this site by (`https://calls.example.in`), starts the links.
    """
    zone = timezone.get_current_timezone()
    queryset = with_call_pages(queryset, site)
    if connection.vendor == "postgresql" and postgresql_knows(zone.key):
        return said_if_cut_short(copied_rows(queryset, zone.key))
    return said_if_cut_short(python_rows(queryset, zone, chunk_size))


def with_call_pages(queryset, site):
    """Each call with `recording_page`: the absolute URL of its page if it has a recording, else NULL."""
    marker = "2147483647"
    before_id, after_id = reverse("call-detail", args=[marker]).split(marker)
    page = Concat(Value(site + before_id), Cast("id", CharField()), Value(after_id), output_field=CharField())
    recorded_page = Case(When(recording_url="", then=Value(None)), default=page, output_field=CharField())
    return queryset.annotate(recording_page=recorded_page)


def said_if_cut_short(parts):
    try:
        yield next(parts)  # the header, once the query runs
        try:
            yield from parts
        except Exception:
            yield INCOMPLETE
            raise
    finally:
        parts.close()


def header(zone_name):
    lines = Lines()
    csv.writer(lines, lineterminator=LINE_END).writerow(
        [f"{label} ({zone_name})" if name in TIMES else label for name, label in COLUMNS]
    )
    return lines[0]


class Lines(list):
    """Where csv.writer writes: the lines of one chunk."""

    write = list.append


def cells(row, zone):
    """Times in the user's zone; numbers and None as they are (csv writes None as an empty cell)."""
    return [
        # A spreadsheet would run a cell that starts like a formula; a leading apostrophe keeps it text.
        ("'" + value if value.startswith(FORMULA_STARTS) and not PHONE_NUMBER.fullmatch(value) else value)
        if isinstance(value, str)
        else value.astimezone(zone).isoformat(" ", "seconds")[:19]  # %Y-%m-%d %H:%M:%S, faster
        if isinstance(value, datetime)
        else value
        for value in row
    ]


def python_rows(queryset, zone, chunk_size):
    """Of calls `with_call_pages`, a string per `chunk_size` rows: one per row cost more than the rows did."""
    rows = queryset.values_list(*[name for name, _ in COLUMNS]).iterator(chunk_size=chunk_size)
    first = list(islice(rows, 1))  # runs the query
    yield header(zone.key)
    lines = Lines()
    writer = csv.writer(lines, lineterminator=LINE_END)
    for row in chain(first, rows):
        values = cells(row, zone)
        for i in LABELLED:
            values[i] = LABELS.get(values[i], values[i])
        writer.writerow(values)
        if len(lines) > chunk_size:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)


def postgresql_knows(zone_name):
    """Python and PostgreSQL each have their own list of zones; use COPY only where both agree."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT now() AT TIME ZONE %s", [zone_name])
    except DatabaseError:
        return False
    return True


class LocalTime(Func):
    output_field = CharField()
    template = "to_char(%(expressions)s, 'YYYY-MM-DD HH24:MI:SS')"

    def __init__(self, moment, zone_name):
        super().__init__(Func(Value(zone_name), moment, function="timezone"))


class AsText(Func):
    """As python_rows writes a text: a formula's start escaped, not a phone number's; an empty text empty."""

    output_field = CharField()
    template = (
        "CASE WHEN left(%(expressions)s, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
        "AND %(expressions)s !~ '^[+][0-9]+$' "
        "THEN '''' || %(expressions)s ELSE NULLIF(%(expressions)s, '') END"
    )


def copy_column(name, zone_name):
    if name in TIMES:
        return LocalTime(F(name), zone_name)
    if name in CHOICES:
        whens = [When(**{name: value}, then=Value(label)) for value, label in CHOICES[name]]
        return Case(*whens, default=F(name), output_field=CharField())
    return F(name) if name in NUMBERS or name == "recording_page" else AsText(F(name))  # a link is no formula


def copy_statement(queryset, zone_name):
    """(sql, params) of the COPY that writes calls `with_call_pages` as CSV rows; None if they are none."""
    columns = {f"export_{i}": copy_column(name, zone_name) for i, (name, _) in enumerate(COLUMNS)}
    try:
        sql, params = queryset.annotate(**columns).values_list(*columns).query.sql_with_params()
    except EmptyResultSet:  # a filter that can select nothing (.none()): there is no query to copy
        return None
    return f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params


def copied_rows(queryset, zone_name):
    """Of calls `with_call_pages`, as PostgreSQL's COPY writes them."""
    statement = copy_statement(queryset, zone_name)
    if statement is None:
        yield header(zone_name)
        return
    chunk, size = [], 0
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,  # psycopg's own errors as Django's DatabaseError, as for any query
        cursor.cursor.copy(*statement) as copy,  # runs the query
    ):
        yield header(zone_name)
        for row in copy:  # one row a message
            chunk.append(row)
            size += len(row)
            if size >= CHUNK_BYTES:
                yield b"".join(chunk)
                chunk, size = [], 0
    yield b"".join(chunk)
