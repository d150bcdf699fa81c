"""Form fields for the call-log filters: lists of numbers and Sids, as Exotel's bulk API takes them."""

import re

from django import forms

from lib.phone import ACCEPTED, InvalidNumber, to_e164

SEPARATORS = re.compile(r"[,;\s]+")
SID = re.compile(r"^[A-Za-z0-9]{1,64}$")


def split(text):
    return [part for part in SEPARATORS.split(text or "") if part]


class PhoneListField(forms.CharField):
    """Up to `max_items` numbers in any common form, separated by commas; cleaned to E.164."""

    def __init__(self, *, max_items=5, **kwargs):
        self.max_items = max_items
        kwargs.setdefault("help_text", f"Up to {max_items} numbers, separated by commas: {ACCEPTED} only.")
        super().__init__(**kwargs)

    def clean(self, value):
        # Numbers may contain spaces ("+91 98765 43210"), so only commas and semicolons separate them.
        parts = [part.strip() for part in re.split(r"[,;]", value or "") if part.strip()]
        if len(parts) > self.max_items:
            raise forms.ValidationError(f"At most {self.max_items} numbers, as in Exotel's call list.")
        numbers = []
        for part in parts:
            try:
                numbers.append(to_e164(part))
            except InvalidNumber as exc:
                raise forms.ValidationError(f"{part[:40]}: {exc}") from exc
        return numbers


class SidListField(forms.CharField):
    def __init__(self, *, max_items=100, **kwargs):
        self.max_items = max_items
        super().__init__(**kwargs)

    def clean(self, value):
        sids = split(value)
        if len(sids) > self.max_items:
            raise forms.ValidationError(f"At most {self.max_items} Sids.")
        bad = [sid for sid in sids if not SID.match(sid)]
        if bad:
            raise forms.ValidationError(f"Not a call Sid: {bad[0][:40]}")
        return sids


class DigitsField(forms.CharField):
    def clean(self, value):
        digits = (value or "").strip()
        if digits and (not digits.isascii() or not digits.isdigit()):
            raise forms.ValidationError("Digits 0-9 only, e.g. the last four digits of the number.")
        if digits and len(digits) < 3:
            raise forms.ValidationError("At least three digits.")
        return digits
