"""lib/copy_rows.py: the sync's new calls and their events, inserted as bulk_create inserts them."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from calls.models import Call, CallEvent, Direction, Status
from calls.tests.factories import T0
from lib.copy_rows import insert_instances

pytestmark = pytest.mark.django_db


def calls(prefix, count=3):
    return [
        Call(
            sid=f"{prefix}{i:030d}",
            status=Status.COMPLETED,
            direction=Direction.INBOUND,
            from_number="+919876543210",
            to_number="+918030752400",
            date_created=T0,
            price=Decimal("1.20"),
            conversation_duration=35,
            custom_field="Ünïcode, \t tab \\ backslash \n newline",
        )
        for i in range(count)
    ]


def events(for_calls):
    return [
        CallEvent(call=call, source=CallEvent.Source.BULK, dedupe_key=f"bulk:{call.sid}", status="completed")
        for call in for_calls
    ]


def stored(model, sids):
    skip = {"id", "sid", "call", "dedupe_key", "received_at"}
    rows = model.objects.filter(**{"sid__in" if model is Call else "call__sid__in": sids}).order_by("id")
    return [{k: v for k, v in model_to_dict(row).items() if k not in skip} for row in rows]


def test_the_rows_and_ids_are_those_bulk_create_leaves():
    copied, created = calls("a"), calls("b")
    insert_instances(copied)
    Call.objects.bulk_create(created)
    insert_instances(events(copied), with_ids=False)
    CallEvent.objects.bulk_create(events(created))

    assert [call.pk for call in copied] == sorted(call.pk for call in copied)  # the first given, the lowest
    assert all(not call._state.adding for call in copied)
    assert stored(Call, [c.sid for c in copied]) == stored(Call, [c.sid for c in created])
    assert stored(CallEvent, [c.sid for c in copied]) == stored(CallEvent, [c.sid for c in created])
    assert [e.call_id for e in CallEvent.objects.filter(call__in=copied).order_by("id")] == [
        c.pk for c in copied
    ]
    assert all(event.received_at for event in CallEvent.objects.all())


def test_a_duplicate_is_djangos_integrity_error_and_the_transaction_goes_on():
    insert_instances(calls("c", count=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_instances(calls("c", count=2))

    assert Call.objects.filter(sid__startswith="c").count() == 1


def test_the_copy_is_counted_with_the_other_queries():
    with CaptureQueriesContext(connection) as queries:
        insert_instances(calls("d", count=2))

    assert any(query["sql"].startswith(("INSERT", "COPY")) for query in queries.captured_queries)
