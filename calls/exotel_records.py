"""What Exotel's API tells about a call (a CallRecord), as an observation for the state machine."""

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
