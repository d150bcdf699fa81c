"""Where a call is, in the words an agent watching it would use."""

from dataclasses import dataclass

from .models import Direction, Status


@dataclass(frozen=True)
class Phase:
    label: str
    tone: str  # a Bootstrap colour
    final: bool
    detail: str = ""


OUTCOMES = {
    Status.COMPLETED: Phase("Completed", "success", True),
    Status.BUSY: Phase("Customer busy", "warning", True),
    Status.NO_ANSWER: Phase("No answer", "warning", True),
    Status.FAILED: Phase("Failed", "danger", True, "Exotel could not connect the call."),
    Status.CANCELED: Phase("Canceled", "secondary", True),
    Status.NOT_PLACED: Phase("Not placed", "danger", True),
    Status.LOST: Phase(
        "Unknown to Exotel",
        "danger",
        True,
        "Exotel answers “not found” for this call's Sid, so its outcome is unknown.",
    ),
}


def describe(call) -> Phase:
    if call.status in OUTCOMES:
        phase = OUTCOMES[call.status]
        if (
            call.status == Status.NO_ANSWER
            and call.direction != Direction.INBOUND
            and call.leg1_status in {"no-answer", "busy", "failed"}
        ):
            return Phase(
                "You did not answer", "warning", True, "Exotel rang your phone first; it was not picked up."
            )
        detail = call.error_message or phase.detail
        return Phase(phase.label, phase.tone, True, detail)
    if call.status == Status.UNKNOWN:
        return Phase("Checking with Exotel", "info", False, call.error_message)
    if call.status == Status.PENDING or (call.status == Status.QUEUED and not call.sid):
        return Phase("Queued", "secondary", False, "Waiting for a free slot with Exotel.")
    if call.direction == Direction.INBOUND:
        if call.status == Status.IN_PROGRESS:
            return Phase("In progress", "primary", False, "The customer called in and is connected.")
        return Phase("Ringing", "info", False, "The customer called in; Exotel is putting them through.")
    if call.flow_id:
        if call.leg1_status == "in-progress":
            return Phase("In the flow", "primary", False, "The customer answered and is in the flow.")
        return Phase("Ringing customer", "info", False, "Exotel is ringing the customer.")
    if call.leg2_status == "in-progress":
        return Phase("In progress", "primary", False, "You are talking to the customer.")
    if call.leg1_status == "in-progress":
        return Phase("Ringing customer", "info", False, "You answered; now the customer's phone rings.")
    return Phase("Ringing you", "info", False, "Exotel is ringing your phone first.")
