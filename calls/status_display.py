"""Where a call is, in the words an agent watching it would use: one vocabulary and one colour per status.

Every page shows a status through `badge_html`, text and colour together; the colours (app.css, `.status-*`)
each keep at least 4.5:1 contrast with their text. `describe` knows a call's legs and flow and says more;
`status_phase` has only the status, as a list row does, and uses the same labels and tones.
"""

from dataclasses import dataclass

from django.utils.html import format_html

from .models import Direction, Status

OK, WARN, BAD, MUTED, LIVE, CHECKING = "ok", "warn", "bad", "muted", "live", "checking"


@dataclass(frozen=True)
class Phase:
    label: str
    tone: str  # one of the tones above: the badge's class is status-<tone>
    final: bool
    detail: str = ""


OUTCOMES = {
    Status.COMPLETED: Phase("Completed", OK, True),
    Status.BUSY: Phase("Busy", WARN, True),
    Status.NO_ANSWER: Phase("No answer", WARN, True),
    Status.FAILED: Phase("Failed", BAD, True, "Exotel could not connect the call."),
    Status.CANCELED: Phase("Canceled", MUTED, True),
    Status.NOT_PLACED: Phase("Not placed", BAD, True),
    Status.LOST: Phase(
        "Unknown to Exotel",
        BAD,
        True,
        "Exotel answers “not found” for this call's Sid, so its outcome is unknown.",
    ),
}
QUEUED = Phase("Queued", MUTED, False, "Waiting for a free slot with Exotel.")
CHECKING_PHASE = Phase("Checking with Exotel", CHECKING, False)
LIVE_PHASES = {
    Status.PENDING: QUEUED,
    Status.QUEUED: QUEUED,
    Status.RINGING: Phase("Ringing", LIVE, False),
    Status.IN_PROGRESS: Phase("In progress", LIVE, False),
    Status.UNKNOWN: CHECKING_PHASE,
}


def status_phase(status) -> Phase:
    """The label and tone of a status alone, for rows that do not load a call's legs."""
    return OUTCOMES.get(status) or LIVE_PHASES.get(status) or Phase(str(status), MUTED, False)


def badge_html(phase, testid="status"):
    return format_html(
        '<span class="badge status status-{}" data-testid="{}">{}</span>', phase.tone, testid, phase.label
    )


def describe(call) -> Phase:
    if call.status in OUTCOMES:
        phase = OUTCOMES[call.status]
        if (
            call.status == Status.NO_ANSWER
            and call.direction != Direction.INBOUND
            and call.leg1_status in {"no-answer", "busy", "failed"}
        ):
            return Phase(
                "You did not answer", WARN, True, "Exotel rang your phone first; it was not picked up."
            )
        # error_message says why our own code ended the call (not placed, lost); one left from an earlier
        # phase (a connect whose answer was lost, then found by the reconciler) is false once Exotel answered.
        reason = call.error_message if call.status in {Status.NOT_PLACED, Status.LOST} else ""
        return Phase(phase.label, phase.tone, True, reason or phase.detail)
    if call.status == Status.UNKNOWN:
        return Phase(CHECKING_PHASE.label, CHECKING, False, call.error_message)
    if call.status == Status.PENDING or (call.status == Status.QUEUED and not call.sid):
        return QUEUED
    if call.direction == Direction.INBOUND:
        if call.status == Status.IN_PROGRESS:
            return Phase("In progress", LIVE, False, "The customer called in and is connected.")
        return Phase("Ringing", LIVE, False, "The customer called in; Exotel is putting them through.")
    if call.flow_id:
        # In flow mode Exotel reports no leg while the call lasts, only its end.
        return Phase(
            "In the flow",
            LIVE,
            False,
            f"Exotel is connecting the customer to {call.flow.name}; it tells us when the call ends.",
        )
    if call.leg2_status == "in-progress":
        return Phase("In progress", LIVE, False, "You are talking to the customer.")
    if call.leg1_status == "in-progress":
        return Phase("Ringing customer", LIVE, False, "You answered; now the customer's phone rings.")
    return Phase("Ringing you", LIVE, False, "Exotel is ringing your phone first.")
