"""What Exotel's API tells about a call (a CallRecord), as an observation for the state machine."""

import hashlib
import json

from accounts.models import AgentProfile
from exonumbers.models import ExoPhone

from .state import CALL_FIELDS, LEG_STATUS_FIELDS, Observation


def observation_from_record(record) -> Observation:
    values = {}
    for name in (*CALL_FIELDS, *LEG_STATUS_FIELDS):
        value = getattr(record, name, None)
        if value not in (None, ""):
            values[name] = value
    return Observation(status=record.status or "", values=values)


def record_dedupe_key(source, record) -> str:
    """Equal for an unchanged answer, so asking Exotel twice about the same state stores one event."""
    observation = observation_from_record(record)
    meaning = [observation.status, sorted(observation.values.items())]
    digest = hashlib.sha256(json.dumps(meaning, default=str).encode()).hexdigest()
    return f"{source}:{record.sid}:{digest[:40]}"


def agent_for(*numbers):
    """The agent whose own phone took part in the call, for calls placed outside this app."""
    profile = (
        AgentProfile.objects.filter(phone_number__in=[n for n in numbers if n]).select_related("user").first()
    )
    return profile.user if profile else None


def exophone_for(number):
    return ExoPhone.objects.filter(number=number).first() if number else None
