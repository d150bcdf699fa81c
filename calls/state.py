"""The call state machine: how one observation from Exotel changes what we know of a call.

Rules (docs/architecture.md §4): a status never moves backwards; a final status is never replaced (but
"unknown to Exotel" by the outcome Exotel tells after all); an
observation older than what we know only fills blanks; a partial observation never blanks a field that holds
a value.
"""

import hashlib
import json
from dataclasses import dataclass, field

from .models import FINAL_STATUSES, Status

RANK = {
    Status.PENDING: 0,
    Status.QUEUED: 1,
    Status.UNKNOWN: 1,
    Status.RINGING: 2,
    Status.IN_PROGRESS: 3,
}
FINAL_RANK = 4
EXOTEL_STATUSES = frozenset(Status) - {Status.PENDING, Status.UNKNOWN, Status.NOT_PLACED, Status.LOST}
LEG_FINAL = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})

# Fields an observation may carry, besides status; each is filled or updated, never blanked.
CALL_FIELDS = (
    "sid",
    "direction",
    "from_number",
    "to_number",
    "phone_number",
    "date_created",
    "date_updated",
    "start_time",
    "end_time",
    "duration",
    "conversation_duration",
    "price",
    "recording_url",
    "custom_field",
    "leg1_on_call_duration",
    "leg2_on_call_duration",
)
LEG_STATUS_FIELDS = ("leg1_status", "leg2_status")


def rank(status):
    return FINAL_RANK if status in FINAL_STATUSES else RANK.get(status, 0)


@dataclass
class Observation:
    """What one callback or API answer says about a call; blank values are left out of `values`."""

    status: str = ""
    values: dict = field(default_factory=dict)

    def fingerprint(self) -> str:
        """Equal for the same news about a call however it was encoded, so a redelivery is one event."""
        meaning = [self.status, sorted(self.values.items())]
        return hashlib.sha256(json.dumps(meaning, default=str).encode()).hexdigest()[:40]

    def as_text(self) -> dict:
        return {name: str(value) for name, value in self.values.items()}


@dataclass
class Outcome:
    changed: list
    stale: bool
    note: str = ""


def status_note(status) -> str:
    """Why an observation's status is kept in the event only; "" when the state machine reads it."""
    if status and status not in EXOTEL_STATUSES:
        return f"unknown status {status!r} kept in the event only"
    return ""


def status_verdict(held, status) -> tuple[bool, bool]:
    """(does the call take `status`, is the observation stale) for a call holding `held`."""
    if not status or status_note(status):
        return False, False
    incoming = rank(status)
    found_after_all = held == Status.LOST and incoming == FINAL_RANK
    if held in FINAL_STATUSES and not found_after_all:
        return False, status != held
    if incoming > rank(held) or found_after_all:
        return True, False
    return False, incoming < rank(held)


def apply_observation(call, observation: Observation) -> Outcome:
    """Change `call` in memory by the rules above and say which fields changed."""
    changed = []
    status = observation.status
    note = status_note(status)
    moves, stale = status_verdict(call.status, status)
    if moves:
        call.status = status
        changed.append("status")

    for name in CALL_FIELDS:
        if name not in observation.values:
            continue
        value = observation.values[name]
        held = getattr(call, name)
        if held == value:
            continue
        if stale and held not in (None, ""):
            continue
        setattr(call, name, value)
        changed.append(name)

    for name in LEG_STATUS_FIELDS:
        value = observation.values.get(name)
        held = getattr(call, name)
        if not value or held == value:
            continue
        if held in LEG_FINAL and value not in LEG_FINAL:
            continue  # a leg that ended does not ring again
        if stale and held:
            continue
        setattr(call, name, value)
        changed.append(name)
    return Outcome(changed=changed, stale=stale and not changed, note=note)
