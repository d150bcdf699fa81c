"""Sandbox-only endpoints under /_sandbox/ (JSON, no auth, no rate limit): inspect, reset, inject calls."""

import json
from dataclasses import asdict

from sandbox import clock
from sandbox.calls import (
    ANSWER_DELAYS,
    DIRECTIONS,
    FINAL_STATUSES,
    LIVE_STATUSES,
    RING_DELAY,
    Call,
    build_timeline,
    new_sid,
    price_for,
    recording_url,
)
from sandbox.errors import ApiError
from sandbox.forms import parse_body, whole_number
from sandbox.history import past_timeline
from sandbox.messages import Request, Response
from sandbox.phones import InvalidNumber, to_e164
from sandbox.render import call_resource, rest_exception
from sandbox.scenarios import ANSWER

# Where a live injected call starts on its timeline: queued, ringing, or with both parties talking.
LIVE_OFFSETS = {"queued": 0, "ringing": RING_DELAY, "in-progress": RING_DELAY + sum(ANSWER_DELAYS)}


def handle(app, request: Request) -> Response:
    routes = {
        "/_sandbox/requests": {"GET": lambda: app.requests()},
        "/_sandbox/callbacks": {"GET": lambda: app.callbacks()},
        "/_sandbox/calls": {"GET": lambda: app.calls(), "POST": lambda: _inject(app, request)},
        "/_sandbox/reset": {"POST": lambda: _reset(app)},
        "/_sandbox/config": {"GET": lambda: asdict(app.config)},
    }
    handlers = routes.get(request.path.rstrip("/"))
    if handlers is None:
        return rest_exception(404, f"No sandbox endpoint at {request.path}", "json")
    if request.method not in handlers:
        message = f"Method {request.method} is not allowed here"
        return rest_exception(405, message, "json", {"Allow": ", ".join(handlers)})
    try:
        payload = handlers[request.method]()
    except ApiError as error:
        return rest_exception(error.status, error.message, "json")
    return Response(200, json.dumps(payload).encode(), "application/json")


def _inject(app, request: Request) -> dict:
    fields = parse_body(request.headers.get("content-type", ""), request.body, allow_json=True)
    return app.inject_call(**fields)


def _reset(app) -> dict:
    app.reset()
    return {"reset": True}


def describe_call(call: Call, now: float) -> dict:
    step = call.step(now)
    return {
        "sid": call.sid,
        "origin": call.origin,
        "direction": call.direction,
        "from": call.from_number,
        "to": call.to_number,
        "exophone": call.exophone,
        "status": step.status,
        "legs": list(step.legs),
        "over": call.is_over(now),
        "settled": call.is_settled(now),
        "final_status": call.timeline.final_status,
        "timeline": [asdict(step) for step in call.timeline.steps],
        "on_call": list(call.timeline.on_call),
        "conversation": call.timeline.conversation,
        "price": str(call.price),
        "recording_url": call.recording_url,
        "custom_field": call.custom_field,
        "callback": call.callback and asdict(call.callback),
        "params": dict(call.params),
        "resource": call_resource(call, now, details=True),
    }


def injected_call(fields: dict[str, str], config) -> Call:
    """An inbound or dashboard call (or any other) for sync tests: finished, or live if Status says so."""
    direction = fields.get("Direction", "inbound")
    status = fields.get("Status", "completed")
    if direction not in DIRECTIONS:
        raise ApiError(400, f"Direction must be one of: {', '.join(DIRECTIONS)}")
    if status not in FINAL_STATUSES and status not in LIVE_STATUSES:
        raise ApiError(400, f"Unknown Status {status!r}")
    exophone = _number(fields.get("PhoneNumber") or config.exophones[0], "PhoneNumber")
    from_number = _number(fields.get("From"), "From")
    to_number = _number(fields.get("To") or (exophone if direction == "inbound" else None), "To")
    duration = _duration(fields.get("Duration", "60"))
    now = clock.now()
    if status in LIVE_STATUSES:
        timeline = build_timeline(
            (ANSWER, ANSWER), talk=max(duration - LIVE_OFFSETS["in-progress"], 1), timeout=30
        )
        anchor = now - LIVE_OFFSETS[status] / config.speed
        created = clock.ist(anchor)
    else:
        timeline = past_timeline(status, duration)
        anchor = 0.0
        created = _created(fields.get("DateCreated"), now, timeline.end)
    sid = fields.get("Sid") or new_sid()
    recorded = fields.get("Record") == "true" and timeline.answered
    return Call(
        sid=sid,
        account_sid=config.sid,
        origin="injected",
        direction=direction,
        from_number=from_number,
        to_number=to_number,
        exophone=exophone,
        created=created,
        anchor=anchor,
        timeline=timeline,
        price=price_for(timeline),
        speed=config.speed,
        settle_after=config.price_delay if status in LIVE_STATUSES else 0,
        recording_url=recording_url(config.recordings_base, config.sid, sid) if recorded else None,
        custom_field=fields.get("CustomField"),
    )


def _number(value: str | None, name: str) -> str:
    if not value:
        raise ApiError(400, f"{name} is required")
    try:
        return to_e164(value)
    except InvalidNumber as exc:
        raise ApiError(400, f"{name}: {exc}") from None


def _duration(text: str) -> int:
    if whole_number(text) is None:
        raise ApiError(400, "Duration must be a whole number of seconds")
    return whole_number(text)


def _created(text: str | None, now: float, length: float):
    if not text:
        return clock.ist(now - length).replace(microsecond=0)
    try:
        return clock.parse_stamp(text)
    except ValueError:
        raise ApiError(400, "DateCreated must look like YYYY-MM-DD HH:MM:SS") from None
