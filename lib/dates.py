"""Dates and times people type, held to Exotel's own calendar: 2000-01-01 to 2100-12-31.

Within it, adding a day or a minute, or moving a time between zones, stays inside what Python's datetime and
both databases can hold; 0001-01-01 or 9999-12-31 would overflow in the query, after the form said yes.
"""

from datetime import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from .date_range import EARLIEST, LATEST

OUT_OF_RANGE = f"Enter a date between {EARLIEST} and {LATEST}."
LONGEST_TYPED = 40  # "2026-11-20T10:00:00.000000+05:30" is 32


class OneValue:
    """A date given twice (`created_to=a&created_to=b`) reaches the field as a list, to be refused: the page
    would otherwise use the last one without a word."""

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            values = list(dict.fromkeys(value for value in data.getlist(name) if value))
            if len(values) > 1:
                return values
        return super().value_from_datadict(data, files, name)

    def format_value(self, value):
        return None if isinstance(value, list) else super().format_value(value)


class DateInput(OneValue, forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__({"min": f"{EARLIEST}", "max": f"{LATEST}"} | (attrs or {}), format="%Y-%m-%d")


class DateTimeInput(OneValue, forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        bounds = {"min": f"{EARLIEST}T00:00", "max": f"{LATEST}T23:59"}
        super().__init__(bounds | (attrs or {}), format="%Y-%m-%dT%H:%M")


def plainly_typed(text):
    # int() reads "٢٠٢٦" as 2026, and datetime.fromisoformat() takes "2026-11-20T10:00\x00" for 10:00.
    return len(text) <= LONGEST_TYPED and text.isascii() and text.isprintable()


class WithinCalendar:
    """Typed once, in plain ASCII, and within EARLIEST..LATEST."""

    def to_python(self, value):
        if isinstance(value, list):
            raise ValidationError(f"Enter one date, not {len(value)}.", code="several")
        if isinstance(value, str) and not plainly_typed(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            moment = super().to_python(value)
        except OverflowError:  # a zone's offset applied at the very edge of datetime's range
            raise ValidationError(OUT_OF_RANGE, code="out_of_range") from None
        day = moment.date() if isinstance(moment, datetime) else moment
        if day is not None and not EARLIEST <= day <= LATEST:
            raise ValidationError(OUT_OF_RANGE, code="out_of_range")
        return moment


class DateField(WithinCalendar, forms.DateField):
    widget = DateInput


class DateTimeField(WithinCalendar, forms.DateTimeField):
    """An aware datetime in the current zone; its date as typed is what the range holds to."""

    widget = DateTimeInput


class DateFilter(django_filters.DateFilter):
    field_class = DateField


class DateTimeFilter(django_filters.DateTimeFilter):
    field_class = DateTimeField
