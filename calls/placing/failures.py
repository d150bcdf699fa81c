"""Why a call was not placed, in words an agent can act on."""

import enum

from exotel.client import (
    ExotelCouldNotOriginate,
    ExotelOutcomeUnknown,
    ExotelRateLimited,
    ExotelRejected,
    ExotelUnreachable,
)

DND = "The customer's number is on the Do Not Disturb registry (TRAI NCPR)."
CALLER_ID_REFUSED = "Exotel does not accept this caller ID: it is not an ExoPhone of the account."
CREDENTIALS_REFUSED = "Exotel refused our credentials: an admin must check the API key and token."
OUT_OF_BALANCE = "The Exotel account is out of balance or over its plan."
NOT_ALLOWED = "Exotel does not allow this call."
REFUSED = "Exotel refused the call."


class Refusal(enum.StrEnum):
    """What a not-placed call's reason says about dialling the same number again."""

    DND = "dnd"  # the number is on the registry: never again
    NUMBER = "number"  # Exotel refused this call as it is: again would be refused again
    ACCOUNT = "account"  # the account or the caller ID: no call can go out until an admin acts


def refusal_of(message: str) -> Refusal | None:
    """Read a reason `plain_reason` wrote. None: not a refusal; the same call may go through later."""
    if message.startswith(DND):
        return Refusal.DND
    if message.startswith((CALLER_ID_REFUSED, CREDENTIALS_REFUSED, OUT_OF_BALANCE)):
        return Refusal.ACCOUNT
    if message.startswith((NOT_ALLOWED, REFUSED)):
        return Refusal.NUMBER
    return None


def refuses_caller_id(exc) -> bool:
    """Exotel's answer that the CallerId is not one of the account's ExoPhones (HTTP 400, "Invalid Call
    Parameters: CallerId 0… is not an ExoPhone of account …"): no dial with that ExoPhone can succeed."""
    return (
        isinstance(exc, ExotelRejected) and exc.http_status == 400 and "not an exophone" in str(exc).lower()
    )


def exotels_answer(exc) -> str:
    code = getattr(exc, "http_status", None)
    return f"Exotel answered {code}: {exc}" if code else f"Exotel said: {exc}"


def plain_reason(exc) -> str:
    message = str(exc)
    lowered = message.lower()
    answer = exotels_answer(exc)
    if refuses_caller_id(exc):
        return (
            f"{CALLER_ID_REFUSED} It is no longer offered; an admin can re-enable it once Exotel accepts it. "
            f"{answer}"
        )
    if isinstance(exc, ExotelRejected):
        if "ndnc" in lowered or "dnd" in lowered:
            return f"{DND} {answer}"
        if exc.http_status == 401:
            return CREDENTIALS_REFUSED
        if exc.http_status == 402:
            return f"{OUT_OF_BALANCE} {answer}"
        if exc.http_status == 403:
            return f"{NOT_ALLOWED} {answer}"
        return f"{REFUSED} {answer}"
    if isinstance(exc, ExotelCouldNotOriginate):
        return "Exotel could not reach the number (no route to the operator). Try again in a few minutes."
    if isinstance(exc, ExotelUnreachable):
        return "We could not reach Exotel; the call was not placed. Try again in a few minutes."
    if isinstance(exc, ExotelRateLimited):
        return "Exotel is busy (too many calls this minute); the call is queued."
    if isinstance(exc, ExotelOutcomeUnknown):
        return "Exotel did not confirm the call in time. We are checking with Exotel whether it was placed."
    return f"Exotel answered with an error: {message}"
