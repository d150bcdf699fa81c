"""Sync health in words: how long a run took and when a call counts as stuck, never a clock's 1:00:00."""

from datetime import timedelta

import pytest

from ops.models import SyncRun
from ops.templatetags.in_words import in_words


def finished_run(took):
    run = SyncRun.objects.create(kind=SyncRun.Kind.SYNC, state=SyncRun.State.FINISHED)
    SyncRun.objects.filter(pk=run.pk).update(finished_at=run.started_at + took)
    return run


def test_the_stuck_calls_line_says_an_hour_in_words(client, manager):
    client.force_login(manager)
    page = client.get("/ops/sync/").content.decode()
    assert "Calls not final after 1 hour<" in page
    assert "1:00:00" not in page


@pytest.mark.parametrize(
    ("took", "words"),
    [
        (timedelta(milliseconds=300), "took under a second"),
        (timedelta(seconds=12), "took 12 seconds"),
        (timedelta(minutes=1, seconds=1), "took 1 minute 1 second"),
        (timedelta(hours=2, minutes=5), "took 2 hours 5 minutes"),
    ],
)
def test_a_finished_run_says_how_long_it_took(client, manager, took, words):
    finished_run(took)
    client.force_login(manager)
    page = client.get("/ops/sync/").content.decode()
    assert words in page
    assert "took 0 minutes" not in page


def test_a_running_run_says_nothing_of_how_long_it_took(client, manager):
    SyncRun.objects.create(kind=SyncRun.Kind.SYNC)
    client.force_login(manager)
    page = client.get("/ops/sync/").content.decode()
    assert "Running" in page and "took" not in page


@pytest.mark.parametrize(
    ("span", "words"),
    [
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=1, seconds=5), "1 hour"),  # the two largest units that follow each other
        (timedelta(days=3, hours=4, minutes=5), "3 days 4 hours"),
        (59, "59 seconds"),
        (0, "under a second"),
        (timedelta(seconds=-2), "under a second"),  # clocks apart
        (None, ""),
    ],
)
def test_spans_read_in_their_two_largest_units(span, words):
    assert in_words(span) == words
