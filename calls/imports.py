"""Upsert calls Exotel knows of into the log, through the state machine."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from .exotel_records import agent_for, exophone_for, record_event
from .models import Call, CallEvent
from .services import call_record_observation


def call_upsert_record(*, record, source=CallEvent.Source.BULK):
    """Apply a CallRecord to the call with its Sid, creating the call if we have never seen it.

    Returns "imported", "changed" or "unchanged".
    """
    call_id = Call.objects.filter(sid=record.sid).values_list("pk", flat=True).first()
    created = False
    if call_id is None:
        try:
            with transaction.atomic():
                call_id = Call.objects.create(
                    sid=record.sid,
                    status=Call._meta.get_field("status").default,
                    from_number=record.from_number or "",
                    to_number=record.to_number or "",
                    date_created=record.date_created or timezone.now(),
                    exophone=exophone_for(record.phone_number),
                    agent=agent_for(record.from_number, record.to_number),
                ).pk
                created = True
        except IntegrityError:  # imported by a concurrent run a moment ago
            call_id = Call.objects.get(sid=record.sid).pk
    recorded = call_record_observation(call_id=call_id, **record_event(source, record))
    if created:
        return "imported"
    return "changed" if recorded.changed else "unchanged"
