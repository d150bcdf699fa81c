"""The export carries each call's wrap-up: disposition, note (formula-guarded as any text), follow-up time."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from calls.models import Call
from calls.tests.factories import T0, make_call

from .test_export import TRICKY_TEXTS, both_writers
from .wrap_ups import make_dispositions, wrap_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispositions(db):
    return make_dispositions()


FOLLOW_UP = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # 11:30 in Kolkata


def exported(client, query=""):
    response = client.get(f"/calls/export.csv?{query}")
    assert response.status_code == 200
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    return table[0], {row[1]: dict(zip(table[0], row, strict=True)) for row in table[1:]}


@pytest.fixture
def wrapped(agent, dispositions):
    resolved = make_call(sid="resolved", agent=agent, date_created=T0, duration=3725)
    wrap_up(resolved, dispositions["resolved"], note='Refund sent,\nsee "ticket" 42', follow_up_at=FOLLOW_UP)
    formula = make_call(sid="formula", agent=agent, date_created=T0 - timedelta(hours=1))
    wrap_up(formula, note='=HYPERLINK("http://evil")')
    make_call(sid="none", agent=agent, date_created=T0 - timedelta(hours=2))


def test_the_header_names_the_new_columns_and_the_units(manager_client, wrapped):
    header, _ = exported(manager_client)
    assert header[-3:] == ["Disposition", "Note", "Follow up at (Asia/Kolkata)"]
    assert "Duration (s)" in header and "Talk time (s)" in header  # a CSV is read by machines: plain seconds


def test_each_call_carries_its_wrap_up(manager_client, wrapped):
    _, calls = exported(manager_client)
    assert calls["resolved"]["Disposition"] == "Resolved"
    assert calls["resolved"]["Note"] == 'Refund sent,\nsee "ticket" 42'
    assert calls["resolved"]["Follow up at (Asia/Kolkata)"] == "2026-11-23 11:30:00"
    assert calls["resolved"]["Duration (s)"] == "3725"
    assert (
        calls["none"]["Disposition"],
        calls["none"]["Note"],
        calls["none"]["Follow up at (Asia/Kolkata)"],
    ) == (
        "",
        "",
        "",
    )


def test_a_note_that_looks_like_a_formula_stays_text(manager_client, wrapped):
    _, calls = exported(manager_client)
    assert calls["formula"]["Note"] == '\'=HYPERLINK("http://evil")'
    assert calls["formula"]["Disposition"] == ""


def test_the_export_follows_the_wrap_up_filters(manager_client, wrapped, dispositions):
    _, calls = exported(manager_client, f"disposition={dispositions['resolved'].pk}&disposition=none")
    assert set(calls) == {"resolved", "none"}
    _, calls = exported(manager_client, "note=hyperlink")
    assert set(calls) == {"formula"}
    _, calls = exported(manager_client, "has_note=false")
    assert set(calls) == {"none"}


def test_a_bad_note_search_exports_nothing_and_says_why(manager_client, wrapped):
    response = manager_client.get("/calls/export.csv", {"note": "x" * 201})
    assert response.status_code == 400
    assert "Note contains: Ensure this value has at most 200 characters" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
@pytest.mark.parametrize("zone_name", ["Asia/Kolkata", "America/St_Johns"])
def test_postgresql_copy_writes_the_wrap_ups_as_python_does(agent, dispositions, zone_name):
    for i, text in enumerate(TRICKY_TEXTS):
        call = make_call(sid=f"s{i}", agent=agent, date_created=T0 + timedelta(minutes=i))
        if i % 3:
            disposition = dispositions["resolved"] if i % 2 else None
            wrap_up(
                call, disposition, note=text, follow_up_at=FOLLOW_UP + timedelta(days=i) if i % 4 else None
            )
    python, copied = both_writers(Call.objects.order_by("-date_created", "-id"), zone_name)
    assert copied == python
