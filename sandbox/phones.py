"""Indian phone numbers in the forms Exotel accepts, normalised to E.164; answers use the 0-prefixed form."""

import re

import phonenumbers

SEPARATORS = re.compile(r"[\s\-().]")
DIGITS = re.compile(r"[0-9]+")  # str.isdigit() also says yes to "९८१२३४५६४२", another script's digits


class InvalidNumber(ValueError):
    pass


def to_e164(raw: str) -> str:
    """Accept +91XXXXXXXXXX, 91XXXXXXXXXX, 0XXXXXXXXXX (mobile, or landline with STD code), 10 digits."""
    text = SEPARATORS.sub("", raw or "")
    if text.startswith("+91"):
        rest = text[3:]
    elif text.startswith("+"):
        raise InvalidNumber(f"{raw!r} is not an Indian number")
    elif len(text) == 12 and text.startswith("91"):
        rest = text[2:]
    elif len(text) == 11 and text.startswith("0"):
        rest = text[1:]
    else:
        rest = text
    if len(rest) != 10 or not DIGITS.fullmatch(rest) or rest.startswith("0"):
        raise InvalidNumber(f"{raw!r} is not a valid phone number")
    return "+91" + rest


def national(e164: str) -> str:
    """Exotel's form: 0 followed by the ten national digits."""
    return "0" + e164.removeprefix("+91")


def is_landline(e164: str) -> bool:
    """Digits alone can't tell: 080 3075 2400 is a Bangalore landline, 080 5012 3456 a mobile."""
    kind = phonenumbers.number_type(phonenumbers.parse(e164))
    return kind == phonenumbers.PhoneNumberType.FIXED_LINE
