"""The calls' indexes: a Sid and an event's dedupe key stay unique with one index each; no index twice."""

import pytest
from django.db import IntegrityError, connection, transaction

from calls.models import CallEvent

from .factories import make_call

pytestmark = pytest.mark.django_db


def test_a_second_call_with_a_known_sid_is_refused_and_calls_without_one_are_not():
    make_call(sid="CA1")
    make_call(sid=None, status="pending")
    make_call(sid=None, status="pending")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_call(sid="CA1")


def test_an_event_recorded_twice_is_refused():
    call = make_call()
    CallEvent.objects.create(call=call, source="callback", dedupe_key="CA1:terminal:completed")
    with pytest.raises(IntegrityError), transaction.atomic():
        CallEvent.objects.create(call=call, source="callback", dedupe_key="CA1:terminal:completed")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the pattern index is PostgreSQL's")
@pytest.mark.parametrize(("table", "column"), [("calls_call", "sid"), ("calls_callevent", "dedupe_key")])
def test_the_unique_column_has_its_unique_index_and_no_other(table, column):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [table, f"%({column}%"],
        )
        indexes = [definition for (definition,) in cursor.fetchall()]
    assert indexes == [f"CREATE UNIQUE INDEX {table}_{column}_key ON public.{table} USING btree ({column})"]


@pytest.mark.parametrize("column", ["agent_id", "exophone_id", "flow_id"])
def test_a_foreign_key_is_read_through_the_index_it_begins_not_one_of_its_own(column):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "calls_call")
    indexes = [details["columns"] for details in constraints.values() if details["index"]]
    assert [column] not in indexes
    assert any(columns[0] == column for columns in indexes)
