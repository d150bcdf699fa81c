"""Which status callbacks a call sends, when, and with what fields (as Exotel documents them)."""

from dataclasses import dataclass

from sandbox.calls import Call, Step
from sandbox.clock import stamp
from sandbox.phones import national

LEGACY = "legacy"  # the four default fields, sent when no StatusCallbackEvents were given


@dataclass(frozen=True)
class Delivery:
    call_sid: str
    event_type: str  # "answered", "terminal" or "legacy"
    url: str
    content_type: str
    fields: dict
    lost: bool = False
    duplicate: bool = False


def callback_plan(call: Call, *, reorder: bool) -> list[tuple[float, list[Delivery]]]:
    """(simulated offset, deliveries to make in order at that moment) for every callback the call sends."""
    callback = call.callback
    if callback is None:
        return []

    def delivery(event_type: str, fields: dict) -> Delivery:
        return Delivery(call.sid, event_type, callback.url, callback.content_type, fields, callback.lost)

    terminal = call.timeline.steps[-1]
    if not callback.events:
        return [(terminal.offset, [delivery(LEGACY, legacy_fields(call))])]
    answered = []
    if "answered" in callback.events:
        answered = [
            (step.offset, [delivery("answered", event_fields(call, step, "answered"))])
            for step in call.timeline.steps
            if step.event == "answered"
        ]
    final = []
    if "terminal" in callback.events:
        final = [delivery("terminal", event_fields(call, terminal, "terminal"))]
    if reorder:
        held = [item for _, deliveries in answered for item in deliveries]
        return [(terminal.offset, final + held)]
    return [*answered, (terminal.offset, final)] if final else answered


def legacy_fields(call: Call) -> dict:
    return {
        "CallSid": call.sid,
        "Status": call.timeline.final_status,
        "RecordingUrl": call.recording_url,
        "DateUpdated": stamp(call.moment(call.timeline.end)),
    }


def event_fields(call: Call, step: Step, event_type: str) -> dict:
    terminal = event_type == "terminal"
    on_call = call.timeline.on_call if terminal else (0, 0)
    fields = {
        "CallSid": call.sid,
        "EventType": event_type,
        "DateCreated": stamp(call.created),
        "DateUpdated": stamp(call.moment(step.offset)),
        "StartTime": stamp(call.created),
        "EndTime": stamp(call.moment(step.offset)) if terminal else None,
        "To": national(call.to_number),
        "From": national(call.from_number),
        "PhoneNumberSid": national(call.exophone),
        "Status": step.status,
        "Direction": call.direction,
        "RecordingUrl": call.recording_url if terminal else None,
        "ConversationDuration": call.timeline.conversation if terminal else 0,
        "Legs": [
            {"OnCallDuration": on_call[index], "Status": _leg_status(step.legs[index])} for index in (0, 1)
        ],
    }
    if terminal:
        fields["CustomField"] = call.custom_field
    return fields


def _leg_status(status: str | None) -> str | None:
    # Callbacks show a leg only once it was answered or ended; a phone still ringing is empty.
    return None if status == "ringing" else status


def flatten(fields: dict) -> dict[str, str]:
    """Fields as Exotel sends them in multipart: flat Legs[0][Status] keys, empty strings for nothing."""
    flat = {}
    for key, value in fields.items():
        if isinstance(value, list):
            for index, item in enumerate(value):
                for name, part in item.items():
                    flat[f"{key}[{index}][{name}]"] = "" if part is None else str(part)
        else:
            flat[key] = "" if value is None else str(value)
    return flat
