"""Phone numbers: parse any common Indian form, store E.164, show Exotel's national form."""

import functools

import phonenumbers
from django.core.exceptions import ValidationError

DEFAULT_REGION = "IN"


class InvalidNumber(ValueError):
    pass


def to_e164(raw: str) -> str:
    """Parse a number a person or Exotel wrote ("+91 98765 43210", "09876543210", "9876543210") to E.164."""
    text = (raw or "").strip()
    if not text or text.lower() == "null":
        raise InvalidNumber("Enter a phone number.")
    if not text.isascii():
        raise InvalidNumber("Use the digits 0-9 only.")
    try:
        parsed = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise InvalidNumber("This is not a phone number.") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidNumber("This number does not exist; check the digits and the STD code.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def to_e164_or_none(raw: str | None) -> str | None:
    try:
        return to_e164(raw or "")
    except InvalidNumber:
        return None


def national(e164: str) -> str:
    """Exotel's 0-prefixed national form, e.g. 09876543210."""
    parsed = phonenumbers.parse(e164, DEFAULT_REGION)
    if parsed.country_code != 91:
        return e164
    return "0" + str(parsed.national_number)


@functools.lru_cache(maxsize=10_000)  # a page of the call log shows a hundred numbers, many of them again
def pretty(e164: str) -> str:
    try:
        parsed = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def validate_e164(value: str) -> None:
    try:
        normalised = to_e164(value)
    except InvalidNumber as exc:
        raise ValidationError(str(exc), code="invalid_phone") from exc
    if normalised != value:
        raise ValidationError(f"Store the number in E.164 form: {normalised}.", code="not_e164")
