"""Read the three shapes of Exotel's status callback into one Observation.

Legacy: CallSid, Status, RecordingUrl, DateUpdated as form fields. Extended (StatusCallbackEvents
set): EventType answered/terminal plus call fields and Legs, either multipart with flat
`Legs[0][Status]` keys or JSON with a `Legs` array.
"""

import json
import re
from dataclasses import dataclass

from django.conf import settings

from calls.state import Observation
from exotel.values import blank, parse_int, parse_number, parse_time

FLAT_LEG_KEY = re.compile(r"^Legs\[(\d+)\]\[(\w+)\]$")
TIME_FIELDS = {
    "DateCreated": "date_created",
    "DateUpdated": "date_updated",
    "StartTime": "start_time",
    "EndTime": "end_time",
}
NUMBER_FIELDS = {"From": "from_number", "To": "to_number", "PhoneNumberSid": "phone_number"}
TEXT_FIELDS = {"Direction": "direction", "RecordingUrl": "recording_url", "CustomField": "custom_field"}
INT_FIELDS = {"ConversationDuration": "conversation_duration", "Duration": "duration"}
DIRECTIONS = {"inbound", "outbound-dial", "outbound-api"}


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


def leg_values(legs) -> dict:
    if not isinstance(legs, list):
        return {}
    values = {}
    for number, leg in enumerate(legs[:2], start=1):
        if isinstance(leg, dict) and isinstance(leg.get("Leg"), dict):
            leg = leg["Leg"]
        if not isinstance(leg, dict):
            continue
        status = leg.get("Status")
        if not blank(status):
            values[f"leg{number}_status"] = str(status).strip().lower()[:16]
        on_call = parse_int(leg.get("OnCallDuration"))
        if on_call is not None and on_call >= 0:
            values[f"leg{number}_on_call_duration"] = on_call
    return values


def parse_callback(data: dict) -> CallbackPayload:
    sid = data.get("CallSid")
    if blank(sid) or not isinstance(sid, str | int):
        raise BadPayload("CallSid is missing.")
    sid = str(sid).strip()
    if len(sid) > 64:
        raise BadPayload("CallSid is too long.")
    zone = settings.EXOTEL_TIMEZONE
    values = {"sid": sid}
    for key, name in TIME_FIELDS.items():
        if (moment := parse_time(data.get(key), zone)) is not None:
            values[name] = moment
    for key, name in NUMBER_FIELDS.items():
        if (number := parse_number(data.get(key))) is not None:
            values[name] = number
    for key, name in TEXT_FIELDS.items():
        if not blank(data.get(key)):
            values[name] = str(data[key]).strip()
    for key, name in INT_FIELDS.items():
        if (number := parse_int(data.get(key))) is not None and number >= 0:
            values[name] = number
    if values.get("direction") not in DIRECTIONS:
        values.pop("direction", None)
    if "custom_field" in values:
        values["custom_field"] = values["custom_field"][:128]
    if len(values.get("recording_url", "")) > 500 or not values.get("recording_url", "https:").startswith(
        "http"
    ):
        values.pop("recording_url")
    values.update(leg_values(data.get("Legs")))
    status = "" if blank(data.get("Status")) else str(data["Status"]).strip().lower()
    event_type = "" if blank(data.get("EventType")) else str(data["EventType"]).strip().lower()[:16]
    return CallbackPayload(
        sid=sid, event_type=event_type, observation=Observation(status=status, values=values)
    )
