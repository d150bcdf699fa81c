"""Exotel's records of calls (CallRecords) into the log: observations for the state machine, upserts."""

import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AgentProfile
from calls.models import Call, CallEvent, Direction
from calls.services import call_record_observation
from calls.state import CALL_FIELDS, LEG_STATUS_FIELDS, Observation
from exonumbers.models import ExoPhone

OBSERVED_FIELDS = (*CALL_FIELDS, *LEG_STATUS_FIELDS)
MAX_LENGTH = {name: Call._meta.get_field(name).max_length for name in OBSERVED_FIELDS}
DIRECTIONS = frozenset(Direction)


def observation_from_record(record) -> Observation:
    """What a CallRecord (an API answer or a callback) says, less what the call's columns cannot hold.

    Numbers and times were held to the columns' ranges when the record was read (exotel/values.py).
    """
    values = {}
    for name in OBSERVED_FIELDS:
        value = getattr(record, name, None)
        if value not in (None, ""):
            value = GUARDS.get(name, _fits)(name, value)
        if value not in (None, ""):
            values[name] = value
    return Observation(status=record.status or "", values=values)


def _fits(name, value):
    """Text longer than its column is left out; anything else is kept."""
    length = MAX_LENGTH[name]
    return None if length and isinstance(value, str) and len(value) > length else value


def _cut(name, value):
    return value[: MAX_LENGTH[name]]


GUARDS = {
    "direction": lambda name, value: value if value in DIRECTIONS else None,
    "recording_url": lambda name, value: _fits(name, value) if value.startswith("http") else None,
    "custom_field": _cut,
    "leg1_status": _cut,
    "leg2_status": _cut,
}


def record_event(source, record) -> dict:
    """call_record_observation's arguments for an API answer; asking twice about one state is one event."""
    observation = observation_from_record(record)
    return {
        "source": source,
        "observation": observation,
        "dedupe_key": f"{source}:{record.sid}:{observation.fingerprint()}",
        "raw_body": json.dumps(record.raw, default=str, sort_keys=True),
    }


def agent_for(*numbers):
    """The agent whose own phone took part in the call, for calls placed outside this app."""
    profile = (
        AgentProfile.objects.filter(phone_number__in=[n for n in numbers if n]).select_related("user").first()
    )
    return profile.user if profile else None


def exophone_for(number):
    return ExoPhone.objects.filter(number=number).first() if number else None


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
