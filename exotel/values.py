"""Read the values Exotel sends, whatever shape they arrive in.

Exotel's API, its callbacks and its Passthru requests disagree on types: a duration may be 17, "17" or "17.0",
an empty value may be null, "" or the string "null", and timestamps carry no zone (they are Indian time).
Everything here is Django-free; the parse_* helpers never raise on odd input and answer None for "no value".
`call_record` turns one call, from the API or from a JSON status callback, into a typed `CallRecord`.
"""

import html
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from lib.phone import to_e164_or_none

EXOTEL_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
BLANKS = frozenset({"", "null", "none"})
# Exotel writes "no time yet" as a zero date or as epoch 0 in IST ("1970-01-01 05:30:00").
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ERROR_PAGE = "Exotel answered with an error page instead of an API response."
MAX_MESSAGE = 300
MESSAGE_TAG = re.compile(r"<Message>(.*?)</Message>", re.DOTALL | re.IGNORECASE)


def blank(value) -> bool:
    """True for None, "" and the words Exotel uses for nothing ("null", "NULL", "None")."""
    if value is None:
        return True
    return isinstance(value, str) and value.strip().lower() in BLANKS


def parse_text(value) -> str:
    """The stripped text of a value; "" for blanks."""
    return "" if blank(value) else str(value).strip()


def _zone(zone: str | tzinfo) -> tzinfo:
    return ZoneInfo(zone) if isinstance(zone, str) else zone


def parse_time(value, zone: str | tzinfo) -> datetime | None:
    """Aware UTC from Exotel's zone-less "YYYY-MM-DD HH:MM:SS" (read in `zone`) or from an ISO string."""
    if isinstance(value, datetime):
        moment = value
    else:
        if blank(value) or not isinstance(value, str):
            return None
        text = value.strip()
        if text.startswith("0000-00-00"):
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_zone(zone))
    moment = moment.astimezone(UTC)
    return None if moment <= EPOCH else moment


def format_time(moment: datetime, zone: str | tzinfo) -> str:
    """Exotel's "YYYY-MM-DD HH:MM:SS" in `zone`, for filters. A naive datetime is a bug in the caller."""
    if moment.tzinfo is None:
        raise ValueError("format_time needs an aware datetime")
    return moment.astimezone(_zone(zone)).strftime(EXOTEL_TIME_FORMAT)


def parse_decimal(value) -> Decimal | None:
    """A Decimal from "1.500", 1.5 or 2; None for blanks and anything that is not a finite number."""
    if blank(value) or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    else:
        # str() of a float is its shortest round-trip form, so 1.5 stays 1.5 (not 1.5000000000000000277…).
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return None
    return number if number.is_finite() else None


def parse_int(value) -> int | None:
    """Whole seconds from 17, "17" or "17.0" (fractions are dropped); None for blanks and junk."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = parse_decimal(value)
    return None if number is None else int(number)


def parse_number(value) -> str | None:
    """E.164 from the forms Exotel uses ("09876543210", "+919876543210", 919876543210); None for junk."""
    if blank(value) or isinstance(value, bool):
        return None
    return to_e164_or_none(str(value).strip().strip('"'))


def parse_legs(value) -> dict[int, dict]:
    """Legs as {leg id: leg}: items are {"Leg": {...}} (call details) or the leg itself (callbacks)."""
    legs = {}
    for position, item in enumerate(value if isinstance(value, list) else [], start=1):
        leg = item.get("Leg", item) if isinstance(item, dict) else None
        if isinstance(leg, dict):
            legs[parse_int(leg.get("Id")) or position] = leg
    return legs


def parse_retry_after(header: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (a number or an HTTP date); None if absent or unreadable."""
    if blank(header):
        return None
    try:
        return max(float(header), 0.0)
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max((moment - datetime.now(moment.tzinfo)).total_seconds(), 0.0)


def exotel_number(value) -> str:
    """E.164 when the value is a phone number; as given otherwise (an ExoPhone Sid, say)."""
    return parse_number(value) or parse_text(value)


@dataclass(frozen=True)
class CallRecord:
    sid: str
    status: str
    direction: str
    from_number: str
    to_number: str
    phone_number: str
    date_created: datetime | None
    date_updated: datetime | None
    start_time: datetime | None
    end_time: datetime | None
    duration: int | None
    price: Decimal | None
    recording_url: str
    conversation_duration: int | None
    leg1_status: str
    leg2_status: str
    leg1_on_call_duration: int | None
    leg2_on_call_duration: int | None
    custom_field: str
    raw: dict


def call_record(call: dict, zone: str | tzinfo) -> CallRecord:
    """One call from the API (`Sid`; leg data under `Details` with details=true) or a JSON callback.

    A status callback names the call `CallSid` and carries `ConversationDuration` and `Legs` at the top level.
    """
    details = call.get("Details") if isinstance(call.get("Details"), dict) else call
    legs = parse_legs(details.get("Legs"))
    direction = parse_text(call.get("Direction")).lower()
    return CallRecord(
        sid=parse_text(call.get("Sid") or call.get("CallSid")),
        status=parse_text(call.get("Status")).lower(),
        direction="inbound" if direction == "incoming" else direction,  # Passthru says "incoming"
        from_number=exotel_number(call.get("From")),
        to_number=exotel_number(call.get("To")),
        phone_number=exotel_number(call.get("PhoneNumberSid")),
        date_created=parse_time(call.get("DateCreated"), zone),
        date_updated=parse_time(call.get("DateUpdated"), zone),
        start_time=parse_time(call.get("StartTime"), zone),
        end_time=parse_time(call.get("EndTime"), zone),
        duration=parse_int(call.get("Duration")),
        price=parse_decimal(call.get("Price")),
        recording_url=parse_text(call.get("RecordingUrl")),
        conversation_duration=parse_int(details.get("ConversationDuration")),
        leg1_status=parse_text(details.get("Leg1Status") or legs.get(1, {}).get("Status")).lower(),
        leg2_status=parse_text(details.get("Leg2Status") or legs.get(2, {}).get("Status")).lower(),
        leg1_on_call_duration=parse_int(legs.get(1, {}).get("OnCallDuration")),
        leg2_on_call_duration=parse_int(legs.get(2, {}).get("OnCallDuration")),
        custom_field=parse_text(call.get("CustomField")),
        raw=call,
    )


def rest_exception_message(body_text: str | None, content_type: str | None) -> str:
    """Exotel's reason from an error body (JSON or XML RestException); never the body of an HTML page.

    Answers "" when the body says nothing usable, so the caller can word its own message.
    """
    text = (body_text or "").strip()
    kind = (content_type or "").lower()
    if not text:
        return ""
    if "json" in kind or text.startswith("{"):
        message = _json_message(text)
        if message:
            return message
    lowered = text[:500].lower()
    if "html" in kind or "<html" in lowered or "<!doctype" in lowered:
        return ERROR_PAGE
    if text.startswith("<"):
        match = MESSAGE_TAG.search(text)
        return _short(html.unescape(match.group(1))) if match else ""
    if "text/plain" in kind:
        return _short(text.splitlines()[0])
    return ""


def _json_message(text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    exception = data.get("RestException")
    if isinstance(exception, dict):
        data = exception
    message = data.get("Message") or data.get("message")
    return _short(str(message)) if not blank(message) else ""


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"
