"""Why a call was not placed, in words an agent can act on."""

from exotel.client import (
    ExotelCouldNotOriginate,
    ExotelOutcomeUnknown,
    ExotelRateLimited,
    ExotelRejected,
    ExotelUnreachable,
)


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
            "Exotel does not accept this caller ID: it is not an ExoPhone of the account. It is no longer "
            f"offered; an admin can re-enable it once Exotel accepts it. {answer}"
        )
    if isinstance(exc, ExotelRejected):
        if "ndnc" in lowered or "dnd" in lowered:
            return f"The customer's number is on the Do Not Disturb registry (TRAI NCPR). {answer}"
        if exc.http_status == 401:
            return "Exotel refused our credentials: an admin must check the API key and token."
        if exc.http_status == 402:
            return f"The Exotel account is out of balance or over its plan. {answer}"
        if exc.http_status == 403:
            return f"Exotel does not allow this call. {answer}"
        return f"Exotel refused the call. {answer}"
    if isinstance(exc, ExotelCouldNotOriginate):
        return "Exotel could not reach the number (no route to the operator). Try again in a few minutes."
    if isinstance(exc, ExotelUnreachable):
        return "We could not reach Exotel; the call was not placed. Try again in a few minutes."
    if isinstance(exc, ExotelRateLimited):
        return "Exotel is busy (too many calls this minute); the call is queued."
    if isinstance(exc, ExotelOutcomeUnknown):
        return "Exotel did not confirm the call in time. We are checking with Exotel whether it was placed."
    return f"Exotel answered with an error: {message}"
