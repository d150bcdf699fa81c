"""A stand-in for exotel.ExotelClient at its one seam, for unit tests of reconcile and sync."""

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from exotel.client import BulkPage, CallRecord, ExotelRejected, ExotelUnreachable


def record(sid, **fields):
    defaults = dict(
        sid=sid,
        status="completed",
        direction="outbound-api",
        from_number="+919845012301",
        to_number="+919876543210",
        phone_number="+918030752400",
        date_created=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
        date_updated=datetime(2026, 11, 20, 10, 2, tzinfo=UTC),
        start_time=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
        end_time=datetime(2026, 11, 20, 10, 2, tzinfo=UTC),
        duration=120,
        price=Decimal("1.5"),
        recording_url="",
        conversation_duration=100,
        leg1_status="completed",
        leg2_status="completed",
        leg1_on_call_duration=120,
        leg2_on_call_duration=100,
        custom_field="",
        raw={"Sid": sid},
    )
    return CallRecord(**(defaults | fields))


class FakeExotel:
    def __init__(self, records=(), page_size=2):
        self.records = {r.sid: r for r in records}
        self.page_size = page_size
        self.bulk_requests = []
        self.fail_after_pages = None

    def update(self, sid, **fields):
        self.records[sid] = replace(self.records[sid], **fields)

    def call_details(self, sid):
        if sid not in self.records:
            raise ExotelRejected("Not found", http_status=404)
        return self.records[sid]

    def bulk_calls(self, *, date_from=None, date_to=None, start_uri=None, from_numbers=(), **filters):
        self.bulk_requests.append((date_from, date_to, start_uri))
        matching = sorted(
            (
                r
                for r in self.records.values()
                if r.status not in {"in-progress", "ringing", "queued"}
                and date_from <= r.date_created <= date_to
                and (not from_numbers or r.from_number in from_numbers)
            ),
            key=lambda r: r.sid,
        )
        start = int(start_uri.rsplit("=", 1)[1]) if start_uri else 0
        return self._pages(matching, start)

    def _pages(self, matching, start):
        for served, offset in enumerate(range(start, len(matching), self.page_size)):
            if self.fail_after_pages is not None and served >= self.fail_after_pages:
                raise ExotelUnreachable("Exotel did not answer")
            more = offset + self.page_size < len(matching)
            yield BulkPage(
                calls=matching[offset : offset + self.page_size],
                next_page_uri=f"/v1/Accounts/x/Calls.json?After={offset + self.page_size}" if more else None,
                prev_page_uri=None,
            )
