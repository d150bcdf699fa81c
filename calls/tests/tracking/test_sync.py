from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from calls.models import Call, CallEvent
from calls.tests.fake_exotel import FakeExotel, record
from calls.tracking.sync import SyncRangeError, sync_calls
from ops.models import SyncRun

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def records(count):
    return [
        record(f"{i:032x}", date_created=NOW - timedelta(days=1 + i * 7), status=["completed", "busy"][i % 2])
        for i in range(count)
    ]


def test_it_imports_every_call_once_and_a_second_run_changes_nothing():
    exotel = FakeExotel(records(20))
    run = sync_calls(client=exotel, since=NOW - timedelta(days=170), until=NOW, now=NOW)
    assert (run.state, run.calls_imported, run.calls_changed) == ("finished", 20, 0)
    assert Call.objects.count() == 20
    assert Call.objects.filter(status="busy").count() == 10
    events = CallEvent.objects.count()

    again = sync_calls(client=exotel, since=NOW - timedelta(days=170), until=NOW, now=NOW)
    assert (again.calls_seen, again.calls_imported, again.calls_changed) == (20, 0, 0)
    assert CallEvent.objects.count() == events


def test_it_asks_in_windows_of_at_most_a_month_and_never_beyond_six_months():
    exotel = FakeExotel(records(3))
    sync_calls(client=exotel, since=NOW - timedelta(days=400), until=NOW, now=NOW)
    starts = [start for start, end, uri in exotel.bulk_requests if uri is None]
    ends = [end for start, end, uri in exotel.bulk_requests if uri is None]
    assert min(starts) == datetime(2026, 5, 22, 18, 30, tzinfo=UTC)  # 23 May 2026, 00:00 in Kolkata
    assert all(end - start <= timedelta(days=28) for start, end in zip(starts, ends, strict=True))
    assert max(ends) == NOW


def test_a_changed_call_is_updated_through_the_state_machine():
    exotel = FakeExotel([record("a" * 32, price=None, duration=None)])
    sync_calls(client=exotel, since=NOW - timedelta(days=5), until=NOW, now=NOW)
    exotel.update("a" * 32, duration=61, status="busy")
    run = sync_calls(client=exotel, since=NOW - timedelta(days=5), until=NOW, now=NOW)
    call = Call.objects.get()
    assert run.calls_changed == 1
    assert call.duration == 61
    assert call.status == "completed"  # a final status stays final


def test_an_interrupted_sync_resumes_where_it_stopped():
    daily = [record(f"{i:032x}", date_created=NOW - timedelta(days=1 + 2 * i)) for i in range(10)]
    exotel = FakeExotel(daily, page_size=2)
    exotel.fail_after_pages = 2
    first = sync_calls(client=exotel, since=NOW - timedelta(days=27), until=NOW, now=NOW)
    assert first.state == "failed" and "did not answer" in first.last_error
    assert Call.objects.count() == 4 and first.next_page_uri

    exotel.fail_after_pages = None
    exotel.bulk_requests.clear()
    resumed = sync_calls(client=exotel, since=NOW - timedelta(days=27), until=NOW, now=NOW)
    assert resumed.pk == first.pk and resumed.state == "finished"
    assert exotel.bulk_requests[0][2] == first.next_page_uri
    assert Call.objects.count() == 10
    assert resumed.calls_imported == 10


def test_imported_calls_belong_to_the_agent_whose_phone_took_part(agent):
    exotel = FakeExotel(
        [
            record("a" * 32, from_number=agent.agent_profile.phone_number),
            record("b" * 32, from_number="+919800000001"),
        ]
    )
    sync_calls(client=exotel, since=NOW - timedelta(days=5), until=NOW, now=NOW)
    assert Call.objects.get(sid="a" * 32).agent == agent
    assert Call.objects.get(sid="b" * 32).agent is None
    assert Call.objects.get(sid="a" * 32).exophone.number == "+918030752400"


def test_an_empty_range_is_refused():
    with pytest.raises(SyncRangeError):
        sync_calls(client=FakeExotel(), since=NOW, until=NOW - timedelta(days=1), now=NOW)


def test_the_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="not a date"):
        call_command("sync_calls", since="2024-13-45")


def test_the_sync_run_is_recorded_for_the_health_panel():
    sync_calls(client=FakeExotel(records(2)), since=NOW - timedelta(days=10), until=NOW, now=NOW)
    run = SyncRun.objects.get()
    assert run.kind == "sync" and run.finished_at is not None


def test_six_months_back_is_counted_in_calendar_months_in_exotels_zone():
    from calls.tracking.sync import oldest_allowed as oldest

    # 1 September in Kolkata: back to 1 March, which starts at 18:30 UTC on 28 February.
    assert oldest(datetime(2026, 8, 31, 20, 0, tzinfo=UTC)) == datetime(2026, 2, 28, 18, 30, tzinfo=UTC)
    assert oldest(datetime(2026, 1, 10, 5, 0, tzinfo=UTC)) == datetime(2025, 7, 9, 18, 30, tzinfo=UTC)


def test_a_sync_with_a_start_and_no_end_resumes_though_now_has_moved_on():
    daily = [record(f"{i:032x}", date_created=NOW - timedelta(days=1 + 2 * i)) for i in range(10)]
    exotel = FakeExotel(daily, page_size=2)
    exotel.fail_after_pages = 2
    first = sync_calls(client=exotel, since=NOW - timedelta(days=27), now=NOW)
    assert first.state == "failed"

    exotel.fail_after_pages = None
    resumed = sync_calls(client=exotel, since=NOW - timedelta(days=27), now=NOW + timedelta(minutes=5))
    assert resumed.pk == first.pk and resumed.state == "finished"
    assert Call.objects.count() == 10
    assert Call.objects.values("sid").distinct().count() == 10
