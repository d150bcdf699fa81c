"""Exotel's response shapes: XML under <TwilioResponse> by default, JSON when the path ends in `.json`."""

import hashlib
import json
from xml.etree.ElementTree import Element, SubElement, tostring

from sandbox.calls import Call
from sandbox.clock import stamp
from sandbox.messages import Response
from sandbox.phones import national

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
# The XML element for each item of a list whose JSON items are not one-key objects like {"Leg": {...}}.
LIST_ITEM_NAMES = {"Calls": "Call"}


def respond(payload: dict, fmt: str, status: int = 200, headers: dict | None = None) -> Response:
    if fmt == "json":
        return Response(status, json.dumps(payload).encode(), "application/json", headers or {})
    root = Element("TwilioResponse")
    _fill(root, payload)
    return Response(status, XML_DECLARATION + tostring(root), "application/xml", headers or {})


def rest_exception(status: int, message: str, fmt: str, headers: dict | None = None) -> Response:
    return respond({"RestException": {"Status": status, "Message": message}}, fmt, status, headers)


def _fill(parent: Element, mapping: dict) -> None:
    for key, value in mapping.items():
        element = SubElement(parent, key)
        if isinstance(value, dict):
            _fill(element, value)
        elif isinstance(value, list):
            for item in value:
                if len(item) == 1:
                    _fill(element, item)
                else:
                    _fill(SubElement(element, LIST_ITEM_NAMES.get(key, "Item")), item)
        elif value is not None:
            element.text = str(value)


def call_resource(call: Call, now: float, *, details: bool = False, link_validity: int | None = None) -> dict:
    """The Call object as Exotel shows it at `now`; Duration, Price and EndTime only once the call settles."""
    step = call.step(now)
    settled = call.is_settled(now)
    recording = call.recording_url if call.is_over(now) else None
    resource = {
        "Sid": call.sid,
        "ParentCallSid": None,
        "DateCreated": stamp(call.created),
        "DateUpdated": stamp(call.moment(step.offset)),
        "AccountSid": call.account_sid,
        "To": national(call.to_number),
        "From": national(call.from_number),
        "PhoneNumberSid": national(call.exophone),
        "Status": step.status,
        "StartTime": stamp(call.created),
        "EndTime": stamp(call.moment(call.timeline.end)) if settled else None,
        "Duration": str(call.timeline.end) if settled else None,
        "Price": str(call.price) if settled else None,
        "Direction": call.direction,
        "AnsweredBy": None,
        "ForwardedFrom": None,
        "CallerName": None,
        "RecordingUrl": recording,
        "Uri": f"/v1/Accounts/{call.account_sid}/Calls/{call.sid}",
    }
    if link_validity is not None:
        resource["PreSignedRecordingUrl"] = recording and presigned(recording, now, link_validity)
    if details:
        resource["Details"] = call_details(call, now)
    return resource


def call_details(call: Call, now: float) -> dict:
    step = call.step(now)
    over = call.is_over(now)
    on_call = call.timeline.on_call if over else (0, 0)
    return {
        "ConversationDuration": call.timeline.conversation if over else 0,
        "Leg1Status": step.legs[0],
        "Leg2Status": step.legs[1],
        "Legs": [{"Leg": {"Id": number, "OnCallDuration": on_call[number - 1]}} for number in (1, 2)],
    }


def presigned(url: str, now: float, minutes: int) -> str:
    """A PreSignedRecordingUrl: the recording, fetchable without credentials until Expires (epoch seconds)."""
    expires = int(now) + minutes * 60
    return f"{url}?Expires={expires}&Signature={signature(url, expires)}"


def signature(url: str, expires: int) -> str:
    return hashlib.sha256(f"{url}|{expires}".encode()).hexdigest()[:32]
