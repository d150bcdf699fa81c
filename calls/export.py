"""The filtered call log as CSV, streamed row by row so a million calls take constant memory."""

import csv

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


class Echo:
    def write(self, value):
        return value


def cell(value, zone):
    if value is None:
        return ""
    if hasattr(value, "astimezone"):
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
    text = str(value)
    # A spreadsheet would run a cell that starts like a formula; a leading apostrophe keeps it text.
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_rows(queryset, chunk_size=2000):
    zone = timezone.get_current_timezone()
    writer = csv.writer(Echo())
    header = [label if name != "date_created" else f"{label} ({zone.key})" for name, label in COLUMNS]
    yield writer.writerow(header)
    names = [name for name, _ in COLUMNS]
    for row in queryset.values_list(*names).iterator(chunk_size=chunk_size):
        values = dict(zip(names, row, strict=True))
        values["status"] = LABELS.get(values["status"], values["status"])
        values["direction"] = LABELS.get(values["direction"], values["direction"])
        yield writer.writerow([cell(values[name], zone) for name in names])
