"""What a contact's finished call means for them: done, another try later, or the campaign must stop."""

from typing import NamedTuple

from calls.models import Status
from calls.placing.failures import Refusal, refusal_of

from .models import Contact

Outcome = Contact.Outcome
BY_STATUS = {
    Status.COMPLETED: Outcome.REACHED,
    Status.BUSY: Outcome.BUSY,
    Status.NO_ANSWER: Outcome.NO_ANSWER,
    Status.FAILED: Outcome.FAILED,
    Status.CANCELED: Outcome.NO_ANSWER,  # the customer's phone stopped ringing before anyone answered
    Status.LOST: Outcome.FAILED,
}
RETRIED = {Outcome.BUSY, Outcome.NO_ANSWER, Outcome.FAILED}


class Verdict(NamedTuple):
    outcome: str
    retry: bool  # another attempt, if the contact has attempts left
    stops_campaign: str = ""  # the reason in words: no call of this campaign can go out as things are


def verdict_of(call) -> Verdict:
    """The verdict on a contact's final call."""
    if call.status != Status.NOT_PLACED:
        outcome = BY_STATUS.get(call.status, Outcome.FAILED)
        return Verdict(outcome, retry=outcome in RETRIED)
    refusal = refusal_of(call.error_message)
    if refusal == Refusal.DND:
        return Verdict(Outcome.DND, retry=False)
    if refusal == Refusal.NUMBER:
        return Verdict(Outcome.REFUSED, retry=False)
    if refusal == Refusal.ACCOUNT:
        return Verdict(Outcome.FAILED, retry=True, stops_campaign=call.error_message)
    return Verdict(Outcome.FAILED, retry=True)  # never reached Exotel, or Exotel could not originate it
