"""Inbound calls reach the queue through the sync: its schedule, how far back it reaches, and the sandbox."""

from datetime import timedelta

import pytest
from crontask import scheduler
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from calls.missed_queue import refresh_waiting
from calls.models import MissedCustomer
from calls.shared_client import shared_client
from calls.tasks import DEEP_SYNC_OVERLAP, FIRST_SYNC, SYNC_OVERLAP, every, sync_recent, sync_start
from calls.tracking.sync import sync_calls
from exotel_dashboard.settings import _sync_minutes, _typed
from ops.models import SyncRun

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("minutes", "line"), [(1, "* * * * *"), (5, "*/5 * * * *"), (15, "*/15 * * * *"), (60, "0 * * * *")]
)
def test_the_interval_becomes_a_crontab_line(minutes, line):
    assert every(minutes) == line


def test_the_scheduler_runs_the_sync_every_minute_by_default(settings):
    assert settings.EXOTEL_SYNC_INTERVAL_MINUTES == 1
    [job] = [job for job in scheduler.get_jobs() if job.name == "sync_recent"]
    assert str(job.trigger.fields[job.trigger.FIELD_NAMES.index("minute")]) == "*"


@pytest.mark.parametrize("raw", ["0", "61", "-1", "five", "1.5"])
def test_an_interval_outside_one_to_sixty_minutes_stops_start_up_by_name(monkeypatch, raw):
    monkeypatch.setenv("EXOTEL_SYNC_INTERVAL_MINUTES", raw)
    with pytest.raises(ImproperlyConfigured, match="EXOTEL_SYNC_INTERVAL_MINUTES"):
        _typed("EXOTEL_SYNC_INTERVAL_MINUTES", _sync_minutes, 1)


def finished(since, until, finished_at):
    return SyncRun.objects.create(
        kind=SyncRun.Kind.SYNC,
        state=SyncRun.State.FINISHED,
        since=since,
        until=until,
        finished_at=finished_at,
    )


def test_the_first_sync_reaches_back_thirty_days():
    now = timezone.now()
    assert sync_start(now) == now - FIRST_SYNC


def test_each_run_reaches_back_ten_minutes_while_a_deep_run_was_made_this_hour():
    now = timezone.now()
    finished(now - timedelta(hours=6), now - timedelta(minutes=30), now - timedelta(minutes=30))
    finished(now - timedelta(minutes=12), now - timedelta(minutes=1), now - timedelta(minutes=1))
    assert sync_start(now) == now - timedelta(minutes=1) - SYNC_OVERLAP


def test_once_an_hour_a_run_reaches_back_past_the_longest_call():
    now = timezone.now()
    finished(now - timedelta(hours=6), now - timedelta(minutes=61), now - timedelta(minutes=61))
    finished(now - timedelta(minutes=12), now - timedelta(minutes=1), now - timedelta(minutes=1))
    assert sync_start(now) == now - timedelta(minutes=1) - DEEP_SYNC_OVERLAP
    assert timedelta(hours=5) <= DEEP_SYNC_OVERLAP  # TimeLimit's 4 h cap, plus the hour between runs


def test_an_old_range_synced_by_hand_is_neither_the_start_nor_a_deep_run():
    now = timezone.now()
    finished(now - timedelta(minutes=12), now - timedelta(minutes=1), now - timedelta(minutes=2))
    finished(now - timedelta(days=60), now - timedelta(days=40), now)  # the newest run, of an old range
    assert sync_start(now) == now - timedelta(minutes=1) - DEEP_SYNC_OVERLAP


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_inbound_call_nobody_answered_reaches_the_queue_through_the_sync(sandbox, settings, exophone):
    settings.EXOTEL_API_URL, settings.EXOTEL_SID = sandbox.url, sandbox.sid
    settings.EXOTEL_API_KEY, settings.EXOTEL_API_TOKEN = sandbox.auth
    sandbox.inject_call(From="09811100001", Status="no-answer", Duration="20", PhoneNumber=exophone.number)
    sandbox.inject_call(From="09811100001", Status="busy", Duration="0", PhoneNumber=exophone.number)
    sandbox.inject_call(From="09811100002", Status="completed", Duration="60", PhoneNumber=exophone.number)
    sync_recent.call()
    row = MissedCustomer.objects.get()
    assert (row.number, row.tries, row.exophone, row.state) == ("+919811100001", 2, exophone, "waiting")
    sync_calls(client=shared_client(), since=timezone.now() - timedelta(hours=1))  # read again: the same
    refresh_waiting()
    assert MissedCustomer.objects.get().tries == 2
