import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, connection
from django.utils import timezone

from audit.models import AuditEntry
from calls.log.export import (
    INCOMPLETE,
    cells,
    copied_rows,
    csv_rows,
    postgresql_knows,
    python_rows,
    with_call_pages,
)
from calls.models import Call
from calls.tests.factories import T0, make_call

from .log_page import KOLKATA
from .test_date_created_filter import EDGE_CASES

pytestmark = pytest.mark.django_db


def rows(response):
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="calls-')
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_a_manager_exports_exactly_the_filtered_calls(client, manager, calls):
    client.force_login(manager)
    table = rows(client.get("/calls/export.csv?status=completed"))
    assert table[0][0] == "Created (Asia/Kolkata)"
    assert sorted(row[1] for row in table[1:]) == ["done", "long"]
    done = next(row for row in table if row[1] == "done")
    assert done[0] == "2026-11-20 10:00:00"  # 04:30 UTC shown in the user's zone
    assert done[3] == "Completed" and done[11] == "0.5000"


def test_cells_that_look_like_formulas_are_kept_as_text(client, manager, agent):
    make_call(sid="f1", agent=agent, custom_field='=HYPERLINK("http://evil")', date_created=T0)
    make_call(sid="f2", agent=agent, custom_field="@SUM(A1)", price=Decimal("1"), date_created=T0)
    client.force_login(manager)
    table = rows(client.get("/calls/export.csv"))
    fields = {row[1]: row for row in table[1:]}
    assert fields["f1"][13] == '\'=HYPERLINK("http://evil")'
    assert fields["f2"][13] == "'@SUM(A1)"
    assert fields["f1"][4] == "+919845012301"  # a phone number, as a CRM imports it


PHONE_NUMBERS = ["+917302621084", "+1", "+000"]
FORMULAS = ["+1+2", "=1", "-5", "@a", "\tx", "\rx", "+", "+91 98", "+91-98", "+٣٤", "+91\n", "-", "=+91"]


@pytest.mark.parametrize("number", PHONE_NUMBERS)
def test_a_phone_number_is_written_as_it_is(client, manager, number):
    make_call(sid="phone", from_number=number, to_number=number, custom_field=number, date_created=T0)
    client.force_login(manager)
    header, row = rows(client.get("/calls/export.csv"))
    assert [row[header.index(column)] for column in ("From", "To", "Custom field")] == [number] * 3


@pytest.mark.parametrize("text", FORMULAS)
def test_every_other_cell_that_starts_like_a_formula_is_kept_as_text(client, manager, text):
    make_call(sid="formula", from_number=text, custom_field=text, date_created=T0)
    client.force_login(manager)
    header, row = rows(client.get("/calls/export.csv"))
    assert row[header.index("From")] == row[header.index("Custom field")] == "'" + text


def test_the_recording_column_links_to_the_page_of_a_recorded_call(client, manager, agent, settings):
    settings.ALLOWED_HOSTS = ["calls.example.in", "testserver"]  # the host the manager opened the site by
    recorded = make_call(sid="rec", agent=agent, recording_url="https://recordings.exotel.com/a.mp3")
    make_call(sid="silent", agent=agent, recording_url="")
    client.force_login(manager)
    header, *table = rows(client.get("/calls/export.csv", HTTP_HOST="calls.example.in", secure=True))
    links = {row[1]: row[header.index("Recording (call page)")] for row in table}
    assert links == {"rec": f"https://calls.example.in/calls/{recorded.pk}/", "silent": ""}
    assert "recordings.exotel.com" not in "".join(",".join(row) for row in table)
    assert client.get(links["rec"], HTTP_HOST="calls.example.in", secure=True).status_code == 200


def test_agents_cannot_export(client, agent, calls):
    client.force_login(agent)
    assert client.get("/calls/export.csv").status_code == 403


def test_bad_filters_are_refused_with_a_reason(client, manager, calls):
    client.force_login(manager)
    response = client.get("/calls/export.csv?duration__gte=abc")
    assert response.status_code == 400
    assert b"Enter a whole number" in response.content


def test_anonymous_users_are_sent_to_login(client, db):
    assert client.get("/calls/export.csv").status_code == 302


TRICKY_TEXTS = [
    "",
    "plain",
    "=1+1",
    "-5",
    "\tTAB",
    "\rCR",
    *PHONE_NUMBERS,
    *FORMULAS,
    "a,b",
    'say "hi"',
    "two\nlines",
    "mid\rreturn",
    "ünïcødé ₹",
    "\\.",
]


def both_writers(queryset, zone_name):
    zone = ZoneInfo(zone_name)
    queryset = with_call_pages(queryset, "https://calls.example.in")
    with timezone.override(zone):
        python = "".join(python_rows(queryset, zone, chunk_size=3))
        copied = b"".join(
            part if isinstance(part, bytes) else part.encode() for part in copied_rows(queryset, zone_name)
        )
    return python, copied.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
@pytest.mark.parametrize("zone_name", ["Asia/Kolkata", "Europe/London", "America/St_Johns"])
def test_postgresql_copy_writes_what_python_writes(agent, flow, zone_name):
    summer, winter = datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    for i, text in enumerate(TRICKY_TEXTS):
        make_call(
            sid=f"s{i}" if i else None,
            custom_field=text,
            from_number=text,
            recording_url="" if i % 2 else f"https://recordings.exotel.com/{i}.mp3",
            agent=agent if i % 3 else None,
            flow=flow if i % 4 == 0 else None,
            status=["completed", "busy", "no-answer", "pending"][i % 4],
            direction=["inbound", "outbound-dial", "outbound-api"][i % 3],
            duration=None if i % 5 == 0 else i * 7,
            price=None if i % 5 == 0 else Decimal(i) / 3,
            date_created=(summer, winter)[i % 2] + timedelta(days=i // 2 * 100),
        )
    python, copied = both_writers(Call.objects.order_by("-date_created", "-id"), zone_name)
    assert copied == python
    assert len(list(csv.reader(io.StringIO(copied)))) == len(TRICKY_TEXTS) + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_a_zone_postgresql_does_not_know_falls_back_to_python():
    assert postgresql_knows("Asia/Kolkata")
    assert not postgresql_knows("Nowhere/Atlantis")
    assert Call.objects.count() == 0  # the connection is still usable


def test_a_download_stopped_halfway_leaves_the_connection_usable(client, manager, agent):
    Call.objects.bulk_create(
        Call(
            sid=f"bulk{i}",
            from_number="+919845012301",
            to_number="+919876543210",
            date_created=T0,
            agent=agent,
        )
        for i in range(1500)
    )
    client.force_login(manager)
    response = client.get("/calls/export.csv")
    parts = iter(response.streaming_content)
    assert next(parts).startswith(b"Created (Asia/Kolkata),Sid")
    assert next(parts)
    response._iterator.close()  # the client went away: the test client then closes the response
    assert Call.objects.filter(agent=agent).count() == 1500
    table = rows(client.get("/calls/export.csv"))
    assert len(table) == 1501


@pytest.mark.parametrize(("query", "message"), EDGE_CASES)
def test_a_date_off_the_calendar_or_not_a_date_is_refused_before_any_row(
    client, manager, calls, query, message
):
    client.force_login(manager)
    response = client.get("/calls/export.csv", query)
    assert response.status_code == 400
    assert not response.streaming and response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("Nothing was exported. Fix the filters first:")
    assert message in body and "Sid" not in body
    assert not AuditEntry.objects.exists()


def test_the_first_and_last_minutes_of_the_calendar_export_their_calls(client, manager):
    make_call(sid="first", date_created=datetime(2000, 1, 1, tzinfo=KOLKATA))
    make_call(sid="last", date_created=datetime(2100, 12, 31, 23, 59, 30, tzinfo=KOLKATA))
    make_call(sid="now", date_created=T0)
    client.force_login(manager)
    everything = rows(
        client.get("/calls/export.csv?created_from=2000-01-01T00:00&created_to=2100-12-31T23:59")
    )
    assert [row[:2] for row in everything[1:]] == [
        ["2100-12-31 23:59:30", "last"],
        ["2026-11-20 10:00:00", "now"],
        ["2000-01-01 00:00:00", "first"],
    ]
    assert [row[1] for row in rows(client.get("/calls/export.csv?created_to=2000-01-01T00:00"))[1:]] == [
        "first"
    ]


def test_a_filter_that_selects_nothing_exports_the_header_alone():
    parts = [
        part if isinstance(part, str) else part.decode()
        for part in csv_rows(Call.objects.none(), site="http://testserver")
    ]
    text = "".join(parts)
    assert text.count("\n") == 1 and text.startswith("Created")


def test_a_query_that_cannot_run_sends_not_even_the_header():
    """The WSGI server sends the status with the first bytes: with none sent, it can still answer 500."""
    broken = Call.objects.extra(where=["no_such_column = 1"])  # a column the database does not have
    parts = csv_rows(broken, site="http://testserver")
    with pytest.raises(DatabaseError):
        next(parts)


def test_a_failure_mid_stream_ends_the_file_saying_it_is_incomplete(client, manager, monkeypatch):
    Call.objects.bulk_create(
        Call(sid=f"s{i}", from_number="+919845012301", date_created=T0) for i in range(2100)
    )
    written = 0

    def failing_after_2050_rows(row, zone):
        nonlocal written
        written += 1
        if written > 2050:
            raise DatabaseError("the connection went away")
        return cells(row, zone)

    monkeypatch.setattr("calls.log.export.cells", failing_after_2050_rows)
    monkeypatch.setattr("calls.log.export.postgresql_knows", lambda zone_name: False)  # rows from Python
    client.force_login(manager)
    response = client.get("/calls/export.csv")
    assert response.status_code == 200  # sent with the first rows, before the failure
    sent = []
    with pytest.raises(DatabaseError):
        for part in response.streaming_content:
            sent.append(part.decode())
    lines = "".join(sent).splitlines()
    assert lines[0].startswith("Created (Asia/Kolkata),Sid")
    assert len(lines) == 1 + 2001 + 1  # the header, the first chunk of rows, and the warning
    assert lines[-1] == INCOMPLETE.strip()
