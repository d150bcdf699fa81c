"""The filters a query of the log sets, in words, each with a link that drops just it: the chips."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone

from exonumbers.models import ExoPhone
from lib.durations import clock
from lib.phone import pretty

from .filter_fields import PhoneListField
from .tables import rupees

# Not filters: a chip's link keeps how the rows are sorted and how many a page shows. The page goes: the rows
# change when a filter does.
KEPT = ("sort", "per_page")
LONGEST_VALUE = 60
# Cleaned values that filter nothing, e.g. "has_recording=maybe" or "from_number=,": no chip.
NOTHING = (None, "", [])


@dataclass(frozen=True)
class Chip:
    label: str
    value: str
    remove_url: str


def active_filters(filterset, query, path) -> list[Chip]:
    """One chip per ticked box and per other field filled in, in the form's order. A value the form refused
    is shown as typed, so its chip can still remove it."""
    form = filterset.form
    cleaned = getattr(form, "cleaned_data", {})
    chips = []
    for name, field in form.fields.items():
        values = list(dict.fromkeys(value for value in query.getlist(name) if value.strip()))
        if not values:
            continue
        label = field.label.removesuffix(" (s)")
        if isinstance(field, forms.MultipleChoiceField):
            words = {str(value): str(text) for value, text in field.choices}
            chips.extend(
                Chip(label, words.get(value, shortened(value)), link(path, without(query, name, value)))
                for value in values
            )
        elif name not in cleaned:
            chips.append(Chip(label, shortened(", ".join(values)), link(path, without(query, name))))
        elif cleaned[name] not in NOTHING:
            chips.append(Chip(label, in_words(name, field, cleaned[name]), link(path, without(query, name))))
    return chips


def clear_all_url(query, path):
    kept = query.copy()
    for name in list(kept):
        if name not in KEPT:
            del kept[name]
    return link(path, kept)


def without(query, name, value=None):
    """The query less one value of a field (every value when None), from the first page."""
    rest = query.copy()
    for paging in ("page", "cursor"):
        rest.pop(paging, None)
    rest.setlist(name, [] if value is None else [kept for kept in rest.getlist(name) if kept != value])
    return rest


def link(path, query):
    return f"{path}?{query.urlencode()}" if query else path


def in_words(name, field, value):
    """A cleaned value as the page would say it: names, not ids or raw numbers."""
    if isinstance(field, forms.ModelChoiceField):
        return field.null_label if value == field.null_value else field.label_from_instance(value)
    if isinstance(field, forms.NullBooleanField):
        return dict(field.widget.choices)["true" if value else "false"]
    if name == "exophone":
        return exophone_names(value)
    if isinstance(field, PhoneListField):
        return ", ".join(pretty(number) for number in value)
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%d %b %Y, %H:%M}"
    if isinstance(value, Decimal):
        return rupees(value)
    if isinstance(field, forms.IntegerField):
        return clock(value)
    if isinstance(value, list):
        return shortened(", ".join(value))
    return shortened(f"“{value}”" if name == "note" else str(value))


def exophone_names(numbers):
    """The ExoPhones' names where we know them (one query), else the number."""
    names = dict(ExoPhone.objects.filter(number__in=numbers).values_list("number", "friendly_name"))
    return ", ".join(names.get(number) or pretty(number) for number in numbers)


def shortened(text):
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"
