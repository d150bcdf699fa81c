"""A sync that asks for its next page while it stores this one: the same calls, once each, one slot a page,
and a failure in the fetching thread stops the run where a failure in turn would have."""

from datetime import UTC, datetime, timedelta

import pytest

from calls.models import Call
from calls.tests.fake_exotel import FakeExotel, record
from calls.tracking.sync import sync_calls
from exotel.client import ExotelUnreachable

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db
SINCE = NOW - timedelta(days=20)
THIRD_PAGE = "/v1/Accounts/x/Calls.json?After=4"  # FakeExotel has two calls a page


def records(count):
    return [record(f"{i:032x}", date_created=NOW - timedelta(hours=1 + i)) for i in range(count)]


class FailingAt(FakeExotel):
    """Exotel stops answering at one page: the fetching thread meets the error."""

    def __init__(self, records, failing_uri):
        super().__init__(records)
        self.failing_uri = failing_uri

    def bulk_calls(self, *, start_uri=None, **filters):
        if start_uri == self.failing_uri:
            raise ExotelUnreachable("Exotel did not answer")
        return super().bulk_calls(start_uri=start_uri, **filters)


def test_reading_ahead_imports_the_same_calls_once_with_one_slot_a_page():
    exotel, slots = FakeExotel(records(9)), []
    run = sync_calls(client=exotel, since=SINCE, until=NOW, now=NOW, ahead=(exotel, lambda: slots.append(1)))
    assert (run.state, run.calls_imported) == ("finished", 9)
    assert Call.objects.count() == 9
    pages = len(exotel.bulk_requests)
    assert pages == 5  # two calls a page
    assert len(slots) == pages - 1  # the first page's slot is the throttled client's own


def test_a_page_the_thread_cannot_fetch_fails_the_run_after_the_pages_before_it_and_the_next_run_resumes():
    calls = records(9)
    failing = FailingAt(calls, failing_uri=THIRD_PAGE)
    run = sync_calls(client=failing, since=SINCE, until=NOW, now=NOW, ahead=(failing, lambda: None))
    assert (run.state, run.calls_imported, run.next_page_uri) == ("failed", 4, THIRD_PAGE)
    assert "did not answer" in run.last_error

    exotel = FakeExotel(calls)
    resumed = sync_calls(client=exotel, since=SINCE, until=NOW, now=NOW, ahead=(exotel, lambda: None))
    assert (resumed.pk, resumed.state) == (run.pk, "finished")
    assert exotel.bulk_requests[0][2] == THIRD_PAGE
    assert sorted(Call.objects.values_list("sid", flat=True)) == sorted(r.sid for r in calls)
