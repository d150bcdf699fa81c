"""Read the values Exotel sends, whatever shape they arrive in.

Exotel's API, its callbacks and its Passthru requests disagree on types: a duration may be 17, "17" or "17.0",
an empty value may be null, "" or the string "null", and timestamps carry no zone (they are Indian time).
Everything here is Django-free; the parse_* helpers never raise on odd input and answer None for "no value".
`call_record` turns one call, from the API or from a JSON status callback, into a typed `CallRecord`.
"""

import functools
import html
import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from lib.date_range import EARLIEST, LATEST
from lib.phone import to_e164_or_none

EXOTEL_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
BLANKS = frozenset({"", "null", "none"})
# Exotel writes "no time yet" as a zero date or as epoch 0 in IST ("1970-01-01 05:30:00").
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ERROR_PAGE = "Exotel answered with an error page instead of an API response."
MAX_MESSAGE = 300
MESSAGE_TAG = re.compile(r"<Message>(.*?)</Message>", re.DOTALL | re.IGNORECASE)
# Exotel's numbers are plain decimal strings of bounded length.
MAX_DIGITS = 15
PLAIN_DECIMAL = re.compile(rf"[+-]?[0-9]{{1,{MAX_DIGITS}}}(\.[0-9]{{1,{MAX_DIGITS}}})?")
MAX_TIME_TEXT = 40
MAX_SECONDS = 2**31 - 1  # what the call log's duration columns hold
MAX_PRICE = Decimal(10**6)
MAX_RETRY_AFTER = 300.0


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


class Unreadable(ValueError):
    """A value is there, but it is no number or time Exotel would send."""


def read_time(value, zone: str | tzinfo) -> datetime | None:
    """Aware UTC from Exotel's zone-less "YYYY-MM-DD HH:MM:SS" (read in `zone`) or from an ISO string.

    None for blanks and Exotel's ways of saying "no time yet"; Unreadable for anything else outside the years
    Exotel's calls can have (so converting it can never overflow).
    """
    if isinstance(value, datetime):
        moment = value
    else:
        if blank(value):
            return None
        if not isinstance(value, str):
            raise Unreadable("is not a date and time")
        text = value.strip()
        if text.startswith("0000-00-00"):
            return None
        if len(text) > MAX_TIME_TEXT or not text.isascii():
            raise Unreadable("is not a date and time")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise Unreadable("is not a date and time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_zone(zone))
    if moment.year in (EPOCH.year - 1, EPOCH.year) and moment.astimezone(UTC) <= EPOCH:
        return None
    if not EARLIEST.year <= moment.year <= LATEST.year:
        raise Unreadable(f"is not between {EARLIEST.year} and {LATEST.year}")
    return moment.astimezone(UTC)


def format_time(moment: datetime, zone: str | tzinfo) -> str:
    """Exotel's "YYYY-MM-DD HH:MM:SS" in `zone`, for filters. A naive datetime is a bug in the caller."""
    if moment.tzinfo is None:
        raise ValueError("format_time needs an aware datetime")
    return moment.astimezone(_zone(zone)).strftime(EXOTEL_TIME_FORMAT)


def read_decimal(value) -> Decimal | None:
    """A Decimal from "1.500", 1.5 or 2: plain decimals of bounded size only, never "1e99999999" or NaN.

    None for blanks; Unreadable for anything else that is not such a number.
    """
    if blank(value):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise Unreadable("is not a number")
    if isinstance(value, int):
        number = Decimal(value) if abs(value) < 10**MAX_DIGITS else None
    elif isinstance(value, Decimal | float):
        # str() of a float is its shortest round-trip form, so 1.5 stays 1.5 (not 1.5000000000000000277…).
        number = Decimal(str(value)) if math.isfinite(value) and abs(value) < 10**MAX_DIGITS else None
    else:
        number = Decimal(value.strip()) if PLAIN_DECIMAL.fullmatch(value.strip()) else None
    if number is None:
        raise Unreadable("is not a plain number of at most 15 digits")
    return number


def read_int(value) -> int | None:
    """Whole numbers from 17, "17" or "17.0" (fractions are dropped)."""
    number = read_decimal(value)
    return None if number is None else int(number)


def _or_none(read):
    """The reader, answering None for what it cannot read: API answers leave such a value out."""

    @functools.wraps(read)
    def parse(*args):
        try:
            return read(*args)
        except Unreadable:
            return None

    return parse


parse_time = _or_none(read_time)
parse_decimal = _or_none(read_decimal)
parse_int = _or_none(read_int)


def read_seconds(value) -> int | None:
    seconds = read_int(value)
    if seconds is not None and not 0 <= seconds <= MAX_SECONDS:
        raise Unreadable(f"is not between 0 and {MAX_SECONDS} seconds")
    return seconds


def read_price(value) -> Decimal | None:
    price = read_decimal(value)
    if price is not None and not 0 <= price < MAX_PRICE:
        raise Unreadable(f"is not between 0 and {MAX_PRICE}")
    return price


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
        seconds = float(header)
    except ValueError:
        pass
    else:
        return min(max(seconds, 0.0), MAX_RETRY_AFTER) if math.isfinite(seconds) else None
    try:
        moment = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return min(max((moment - datetime.now(moment.tzinfo)).total_seconds(), 0.0), MAX_RETRY_AFTER)


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


def call_record(call: dict, zone: str | tzinfo, *, strict: bool = False) -> CallRecord:
    """One call from the API (`Sid`; leg data under `Details` with details=true) or a JSON callback.

    A status callback names the call `CallSid` and carries `ConversationDuration` and `Legs` at the top level.
    A value that cannot be read is left out, or with `strict` raises Unreadable naming the field.
    """
    details = call.get("Details") if isinstance(call.get("Details"), dict) else call
    if strict and not isinstance(details.get("Legs"), list | None):
        raise Unreadable("Legs is not a list of legs")
    legs = parse_legs(details.get("Legs"))

    def read(reader, name, source=call, *args, label=""):
        try:
            return reader(source.get(name), *args)
        except Unreadable as exc:
            if strict:
                raise Unreadable(f"{label or name} {exc}.") from None
            return None

    direction = parse_text(call.get("Direction")).lower()
    leg1, leg2 = legs.get(1, {}), legs.get(2, {})
    return CallRecord(
        sid=parse_text(call.get("Sid") or call.get("CallSid")),
        status=parse_text(call.get("Status")).lower(),
        direction="inbound" if direction == "incoming" else direction,  # Passthru says "incoming"
        from_number=exotel_number(call.get("From")),
        to_number=exotel_number(call.get("To")),
        phone_number=exotel_number(call.get("PhoneNumberSid")),
        date_created=read(read_time, "DateCreated", call, zone),
        date_updated=read(read_time, "DateUpdated", call, zone),
        start_time=read(read_time, "StartTime", call, zone),
        end_time=read(read_time, "EndTime", call, zone),
        duration=read(read_seconds, "Duration"),
        price=read(read_price, "Price"),
        recording_url=parse_text(call.get("RecordingUrl")),
        conversation_duration=read(read_seconds, "ConversationDuration", details),
        leg1_status=parse_text(details.get("Leg1Status") or leg1.get("Status")).lower(),
        leg2_status=parse_text(details.get("Leg2Status") or leg2.get("Status")).lower(),
        leg1_on_call_duration=read(read_seconds, "OnCallDuration", leg1, label="Legs[0][OnCallDuration]"),
        leg2_on_call_duration=read(read_seconds, "OnCallDuration", leg2, label="Legs[1][OnCallDuration]"),
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
