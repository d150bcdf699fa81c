"""Read the three shapes of Exotel's status callback into one Observation.

Legacy: CallSid, Status, RecordingUrl, DateUpdated as form fields. Extended (StatusCallbackEvents
set): EventType answered/terminal plus call fields and Legs, either multipart with flat
`Legs[0][Status]` keys or JSON with a `Legs` array. The call's fields are read by exotel/values.py's
`call_record`, as for API answers; only what is a callback's own is read here.
"""

import json
import re
from dataclasses import dataclass, replace

from django.conf import settings

from calls.state import Observation
from exotel.values import blank, call_record, parse_text

from .records import observation_from_record

FLAT_LEG_KEY = re.compile(r"^Legs\[(\d+)\]\[(\w+)\]$")
MAX_SID = 64


class BadPayload(ValueError):
    pass


@dataclass
class CallbackPayload:
    sid: str
    event_type: str
    observation: Observation

    @property
    def dedupe_key(self):
        return f"callback:{self.sid}:{self.event_type or 'legacy'}:{self.observation.fingerprint()}"


def read_body(request) -> dict:
    """The callback's fields, whatever the encoding. Raises BadPayload for what cannot be read."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BadPayload("The body is not valid JSON.") from exc
        if not isinstance(data, dict):
            raise BadPayload("The JSON body is not an object.")
        return data
    if request.content_type in {"multipart/form-data", "application/x-www-form-urlencoded"}:
        return unflatten_legs({key: request.POST.get(key) for key in request.POST})
    raise BadPayload(f"Unsupported content type {request.content_type!r}.")


def unflatten_legs(form: dict) -> dict:
    data, legs = {}, {}
    for key, value in form.items():
        match = FLAT_LEG_KEY.match(key)
        if match:
            legs.setdefault(int(match[1]), {})[match[2]] = value
        else:
            data[key] = value
    if legs:
        data["Legs"] = [legs[index] for index in sorted(legs)]
    return data


def parse_callback(data: dict) -> CallbackPayload:
    sid = data.get("CallSid")
    if blank(sid) or not isinstance(sid, str | int):
        raise BadPayload("CallSid is missing.")
    sid = str(sid).strip()
    if len(sid) > MAX_SID:
        raise BadPayload("CallSid is too long.")
    record = replace(call_record(data, settings.EXOTEL_TIMEZONE), sid=sid)
    return CallbackPayload(
        sid=sid,
        event_type=parse_text(data.get("EventType")).lower()[:16],
        observation=observation_from_record(record),
    )
