"""The trail's Details column in words ("duration at least: 30 · status: completed, busy"), never a dict."""

import html
import re

import pytest

from audit.details import details_in_words
from audit.models import Action, AuditEntry


def details_cells(client):
    page = client.get("/audit/").content.decode()
    table = re.search(r'data-testid="audit-table".*?</table>', page, re.S).group(0)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]
    return [
        html.unescape(re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[5])).strip()
        for row in rows
    ]


def test_an_exports_filters_read_as_words(client, manager):
    client.force_login(manager)
    response = client.get("/calls/export.csv?status=completed&status=busy&duration__gte=30&to_number=")
    b"".join(response.streaming_content)
    assert details_cells(client) == ["duration at least: 30 · status: completed, busy"]


def test_a_dismissed_missed_caller_reads_as_words_and_escapes_what_people_typed(client, manager):
    AuditEntry.objects.create(
        actor_name="meera",
        action=Action.MISSED_DISMISSED,
        target_type="missed caller",
        details={"reason": "wrong-number", "note": "<b>spam</b> {'x': 1}"},
    )
    client.force_login(manager)
    page = client.get("/audit/").content.decode()
    assert "&lt;b&gt;spam&lt;/b&gt;" in page
    assert details_cells(client) == ["note: <b>spam</b> {'x': 1} · reason: wrong-number"]


@pytest.mark.parametrize(
    ("details", "words"),
    [
        (
            {"status": "completed", "reason": "answered elsewhere"},
            "reason: answered elsewhere · status: completed",
        ),
        (
            {"call": 7, "version": 2, "note_characters": 40, "follow_up_at": ""},
            "call: 7 · note characters: 40 · version: 2",
        ),
        ({"filters": {}}, "filters: none"),
        (
            {"filters": {"created_from": "2026-11-19T00:00", "price__lte": "2"}},
            "created from: 2026-11-19T00:00 · price at most: 2",
        ),
        ({"recording": True, "played": False}, "played: no · recording: yes"),
        ({"change": "Changed Friendly name."}, "change: Changed Friendly name."),
        ({}, "—"),
        ({"note": None}, "—"),
        (["a", "list"], "a, list"),  # no writer stores one; read out rather than lost
    ],
)
def test_details_read_as_key_value_pairs(details, words):
    assert details_in_words(details) == words
