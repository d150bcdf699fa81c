"""The audit trail's days: Exotel's calendar, 2000-01-01 to 2100-12-31, like every date in the dashboard."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from django.utils.html import strip_tags

from audit.models import AuditEntry

OUT_OF_RANGE = "Enter a date between 2000-01-01 and 2100-12-31."
ERROR_BLOCK = re.compile(r'<div[^>]*data-testid="filter-errors"[^>]*>(.*?)</div>', re.S)


def errors_shown(response):
    match = ERROR_BLOCK.search(response.content.decode())
    return " ".join(unescape(strip_tags(match[1])).split()) if match else ""


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"day_from": "0001-01-01"}, f"From: {OUT_OF_RANGE}"),
        ({"day_to": "9999-12-31"}, f"Until: {OUT_OF_RANGE}"),
        ({"day_from": "1999-12-31"}, f"From: {OUT_OF_RANGE}"),
        ({"day_to": "2101-01-01"}, f"Until: {OUT_OF_RANGE}"),
        ({"day_from": "+999999-01-01"}, "From: Enter a valid date."),
        ({"day_from": "٢٠٢٦-11-20"}, "From: Enter a valid date."),
        ({"day_to": "2026-11-20\x00"}, "Until: Enter a valid date."),
        ({"day_to": "2" * 10_000}, "Until: Enter a valid date."),
        ({"day_to": ["2026-11-20", "2026-11-21"]}, "Until: Enter one date, not 2."),
        ({"day_from": "2026-11-21", "day_to": "2026-11-20"}, "“From” is after “Until”."),
    ],
)
def test_a_day_off_the_calendar_or_not_a_date_is_explained(manager_client, query, message):
    response = manager_client.get("/audit/", query)
    assert response.status_code == 200
    assert message in errors_shown(response)
    assert list(response.context["table"].page.object_list) == []


def test_the_first_and_last_days_of_the_calendar_find_their_entries(manager_client):
    for target_id, at in [
        ("first", datetime(1999, 12, 31, 18, 30, tzinfo=UTC)),
        ("last", datetime(2100, 12, 31, 18, 29, tzinfo=UTC)),
    ]:
        entry = AuditEntry.objects.create(
            actor_name="asha", action="call-placed", target_type="call", target_id=target_id
        )
        AuditEntry.objects.filter(pk=entry.pk).update(at=at)  # 00:00 and 23:59 in Kolkata
    response = manager_client.get("/audit/", {"day_from": "2000-01-01", "day_to": "2100-12-31"})
    assert errors_shown(response) == ""
    assert {row.record.target_id for row in response.context["table"].page.object_list} == {"first", "last"}
    one_day = manager_client.get("/audit/", {"day_from": "2100-12-31", "day_to": "2100-12-31"})
    assert [row.record.target_id for row in one_day.context["table"].page.object_list] == ["last"]
