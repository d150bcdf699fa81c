"""Read the three shapes of Exotel's status callback into one Observation.

Legacy: CallSid, Status, RecordingUrl, DateUpdated as form fields. Extended (StatusCallbackEvents
set): EventType answered/terminal plus call fields and Legs, either multipart with flat
`Legs[0][Status]` keys or JSON with a `Legs` array. The call's fields are read by exotel/values.py's
`call_record`, as for API answers; only what is a callback's own is read here.
"""

import codecs
import json
import re
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http.multipartparser import MultiPartParserError

from calls.state import Observation
from exotel.values import Unreadable, blank, call_record, parse_text

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
    if request.encoding and not _is_utf8(request.encoding):
        raise BadPayload(f"The body is declared {request.encoding}; Exotel sends UTF-8.")
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError) as exc:  # also UnicodeDecodeError and too many digits
            raise BadPayload("The body is not valid JSON.") from exc
        if not isinstance(data, dict):
            raise BadPayload("The JSON body is not an object.")
    elif request.content_type in {"multipart/form-data", "application/x-www-form-urlencoded"}:
        try:
            fields = request.POST.lists()
        except (SuspiciousOperation, MultiPartParserError) as exc:  # too many fields, no boundary, …
            raise BadPayload(f"The form cannot be read: {exc}") from exc
        data = unflatten_legs(dict(_one_value(key, values) for key, values in fields))
    else:
        raise BadPayload(f"Unsupported content type {request.content_type!r}.")
    if where := _nul_in(data):
        raise BadPayload(f"{where} holds a NUL character.")
    return data


def _is_utf8(encoding):
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def _one_value(key, values):
    if len(set(values)) > 1:
        raise BadPayload(f"{key} is given {len(values)} times with different values.")
    return key, values[-1]


def _nul_in(value, where="The body") -> str:
    """Where the first NUL is ("CustomField", "Legs", "A field name"), or "". A loop rather than a call per
    key and value: it reads every field of every callback."""
    if isinstance(value, str):
        return where if "\x00" in value else ""
    if isinstance(value, list):
        for item in value:
            if found := _nul_in(item, where):
                return found
    elif isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:  # JSON's keys and the form's are text
                return "A field name"
            if isinstance(item, str):
                if "\x00" in item:
                    return key or "A field without a name"
            elif found := _nul_in(item, key or "A field without a name"):
                return found
    return ""


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
    try:
        record = replace(call_record(data, settings.EXOTEL_TIMEZONE, strict=True), sid=sid)
    except Unreadable as exc:
        raise BadPayload(str(exc)) from exc
    return CallbackPayload(
        sid=sid,
        event_type=parse_text(data.get("EventType")).lower()[:16],
        observation=observation_from_record(record),
    )
