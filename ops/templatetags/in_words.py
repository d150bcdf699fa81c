"""Spans of time in words ("1 hour", "12 seconds"), where a clock's 1:00:00 would read as a time of day."""

from datetime import timedelta

from django import template

register = template.Library()

UNITS = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))


def _count(number, unit):
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


@register.filter
def in_words(span):
    """A timedelta (or seconds) in its two largest units: "2 hours 5 minutes", "12 seconds"."""
    if span is None or span == "":
        return ""
    seconds = int(span.total_seconds() if isinstance(span, timedelta) else span)
    if seconds < 1:
        return "under a second"
    parts = []
    for unit, size in UNITS:
        number, seconds = divmod(seconds, size)
        if number:
            parts.append(_count(number, unit))
        elif parts:
            break
        if len(parts) == 2:
            break
    return " ".join(parts)
