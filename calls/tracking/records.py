"""Exotel's records of calls (CallRecords) into the log: observations for the state machine, upserts."""

import json
import logging
from itertools import pairwise

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AgentProfile
from calls.check_schedule import next_check_at
from calls.missed_queue import take_note_of_page
from calls.models import Call, CallEvent, Direction
from calls.services import call_record_observation, observed_event
from calls.state import CALL_FIELDS, LEG_STATUS_FIELDS, Observation, apply_observation
from exonumbers.models import ExoPhone
from lib.copy_rows import insert_instances

log = logging.getLogger(__name__)

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


def calls_upsert_page(records, *, source=CallEvent.Source.BULK):
    """call_upsert_record for a page of records, newest first as Exotel lists them: what call_upsert_record
    returns for each, in order.

    The calls we have never seen are created in a few statements (their calls, their events, each customer's
    place in the missed queue once), the rows and the queue as one by one would leave them; calls we have go
    through call_upsert_record. A page out of that order, or one a concurrent run is importing too, goes one
    by one.
    """
    records = list(records)
    known = set(Call.objects.filter(sid__in=[r.sid for r in records if r.sid]).values_list("sid", flat=True))
    new = {}
    for record in records:
        if record.sid and record.sid not in known:
            new.setdefault(record.sid, record)
    if new and _newest_first(records):
        try:
            with transaction.atomic():
                _create_unseen(list(new.values()), source)
        except IntegrityError:  # a concurrent run imported some of them a moment ago
            new = {}
    else:
        new = {}
    return [
        "imported" if new.get(record.sid) is record else call_upsert_record(record=record, source=source)
        for record in records
    ]


def _newest_first(records):
    dates = [record.date_created for record in records]
    return None not in dates and all(a >= b for a, b in pairwise(dates))


def _create_unseen(records, source):
    """What call_upsert_record and call_record_observation do for a call never seen, for many at once."""
    now = timezone.now()
    agents = _agents_by_phone(n for r in records for n in (r.from_number, r.to_number))
    exophones = dict(
        ExoPhone.objects.filter(number__in={r.phone_number for r in records if r.phone_number}).values_list(
            "number", "pk"
        )
    )
    pending = Call._meta.get_field("status").default
    calls, events, changes = [], [], []
    for record in records:
        matched = [agents[n] for n in (record.from_number, record.to_number) if n in agents]
        call = Call(
            sid=record.sid,
            status=pending,
            from_number=record.from_number or "",
            to_number=record.to_number or "",
            date_created=record.date_created,
            exophone_id=exophones.get(record.phone_number),
            agent_id=min(matched)[1] if matched else None,
        )
        observed = record_event(source, record)
        outcome = apply_observation(call, observed["observation"])
        call.last_checked_at = now
        call.next_check_at = next_check_at(call, now)
        if call.status != pending:
            call.status_changed_at = now
        calls.append(call)
        changes.append(outcome.changed)
        events.append(observed_event(call=call, outcome=outcome, **observed))
        if outcome.note:
            log.warning("call %s: %s", record.sid, outcome.note)
    insert_instances(calls)
    for call in calls:
        call._loaded_status = call.status
    insert_instances(events, with_ids=False)  # each takes its call's id, which the calls have only now
    take_note_of_page(list(zip(calls, changes, strict=True)))


def _agents_by_phone(numbers):
    """{phone: (profile id, user id)}: agent_for takes the profile with the lowest id among those matching."""
    numbers = {n for n in numbers if n}
    return {
        phone: (profile_id, user_id)
        for phone, profile_id, user_id in AgentProfile.objects.filter(phone_number__in=numbers).values_list(
            "phone_number", "pk", "user_id"
        )
    }
