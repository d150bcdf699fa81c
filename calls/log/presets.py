"""Questions often asked of the log, one link each: the filters they set, and whether they are the query."""

from dataclasses import dataclass

from django.http import QueryDict
from django.utils import timezone

from calls.missed_queue import NOT_ANSWERED
from calls.models import Direction, Status

from .active_filters import KEPT

# The missed queue also counts a completed call nobody talked on; the status filter cannot tell those apart.
MISSED_STATUSES = [status.value for status in NOT_ANSWERED if status != Status.COMPLETED]
LONG_CALL_SECONDS = 10 * 60


@dataclass(frozen=True)
class Preset:
    name: str
    url: str
    current: bool


def presets(query, path) -> list[Preset]:
    today = timezone.localdate()  # the user's day: their time zone is active
    chosen = filters_of(query)
    choices = [
        ("Today", [("created_from", f"{today}T00:00"), ("created_to", f"{today}T23:59")]),
        (
            "Missed inbound",
            [("direction", Direction.INBOUND.value), *(("status", status) for status in MISSED_STATUSES)],
        ),
        ("Longer than 10 minutes", [("duration__gte", str(LONG_CALL_SECONDS + 1))]),
        ("With a recording", [("has_recording", "true")]),
    ]
    return [Preset(name, url(path, query, pairs), chosen == set(pairs)) for name, pairs in choices]


def url(path, query, pairs):
    """The preset's filters alone, sorted as the rows are now."""
    params = QueryDict(mutable=True)
    for name in KEPT:
        params.setlist(name, query.getlist(name))
    for name, value in pairs:
        params.appendlist(name, value)
    return f"{path}?{params.urlencode()}"


def filters_of(query):
    return {
        (name, value)
        for name, values in query.lists()
        if name not in (*KEPT, "page", "cursor")
        for value in values
        if value
    }
