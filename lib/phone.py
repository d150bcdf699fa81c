"""Phone numbers: parse any common Indian form, store E.164, show Exotel's national form."""

import functools
import re

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError

DEFAULT_REGION = "IN"
MAX_LENGTH = 32
# phonenumbers reads keypad letters as digits and drops what follows ";", "ext", "#" or "tel:": such a number
# would ring someone else, so nothing but these characters reaches it.
CHARACTERS = frozenset("0123456789 +-().")
WRITTEN = re.compile(r"\(?\+?[0-9 ().-]*")  # "+" only before the country code; "(+91)" is a common form
ACCEPTED = "digits 0-9, spaces and + - ( ) ."


class InvalidNumber(ValueError):
    pass


@functools.lru_cache(maxsize=10_000)  # Exotel repeats the same numbers (agents, ExoPhones) on every callback
def to_e164(raw: str) -> str:
    """Parse a number a person or Exotel wrote ("+91 98765 43210", "09876543210", "9876543210") to E.164."""
    text = " ".join((raw or "").split())
    if not text or text.lower() == "null":
        raise InvalidNumber("Enter a phone number.")
    if len(text) > MAX_LENGTH:
        raise InvalidNumber(f"This is too long for one phone number: at most {MAX_LENGTH} characters.")
    _check_characters(text)
    try:
        parsed = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise InvalidNumber("This is not a phone number.") from exc
    if parsed.extension or not phonenumbers.is_valid_number(parsed):
        raise InvalidNumber("This number does not exist; check the digits and the STD code.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _check_characters(text: str) -> None:
    if WRITTEN.fullmatch(text):
        return
    strangers = set(text) - CHARACTERS
    if not strangers:
        raise InvalidNumber("Put + only at the start, before the country code.")
    if all(char.isdigit() for char in strangers):
        raise InvalidNumber("Use the digits 0-9 only.")
    raise InvalidNumber(f"This is not a phone number. Use {ACCEPTED} only.")


def help_text(example: str) -> str:
    """What a number input accepts, for its help text."""
    return f"{ACCEPTED[0].upper()}{ACCEPTED[1:]} only, e.g. {example}."


class PhoneNumberField(forms.CharField):
    """A number input: any common form within the allowed characters, cleaned to E.164; says what it takes."""

    def __init__(self, *, example="+91 98765 43210", help_text_lead="", **kwargs):
        kwargs.setdefault("max_length", MAX_LENGTH)
        kwargs["help_text"] = f"{help_text_lead} {help_text(example)}".strip()
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        try:
            return to_e164(value)
        except InvalidNumber as exc:
            raise forms.ValidationError(str(exc), code="invalid_phone") from exc


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
