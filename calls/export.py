"""The filtered call log as CSV, streamed in chunks of rows, so a million calls take constant memory."""

import csv
from datetime import datetime

from django.utils import timezone

from .models import Direction, Status

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
    ("recording_url", "Recording URL"),
    ("custom_field", "Custom field"),
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LABELS = {**dict(Status.choices), **dict(Direction.choices)}
LABELLED = [i for i, (name, _) in enumerate(COLUMNS) if name in {"status", "direction"}]


class Lines(list):
    """Where csv.writer writes: the lines of one chunk."""

    write = list.append


def cells(row, zone):
    """Times in the user's zone; numbers and None as they are (csv writes None as an empty cell)."""
    return [
        # A spreadsheet would run a cell that starts like a formula; a leading apostrophe keeps it text.
        ("'" + value if value.startswith(FORMULA_STARTS) else value)
        if isinstance(value, str)
        else value.astimezone(zone).isoformat(" ", "seconds")[:19]  # %Y-%m-%d %H:%M:%S, faster
        if isinstance(value, datetime)
        else value
        for value in row
    ]


def csv_rows(queryset, chunk_size=2000):
    """The header, then one string per `chunk_size` rows: a string per row cost more than the rows did."""
    zone = timezone.get_current_timezone()
    lines = Lines()
    writer = csv.writer(lines)
    writer.writerow([label if name != "date_created" else f"{label} ({zone.key})" for name, label in COLUMNS])
    for row in queryset.values_list(*[name for name, _ in COLUMNS]).iterator(chunk_size=chunk_size):
        values = cells(row, zone)
        for i in LABELLED:
            values[i] = LABELS.get(values[i], values[i])
        writer.writerow(values)
        if len(lines) > chunk_size:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)
