"""How the overview writes its figures."""

from django import template

from lib.durations import clock, wait

register = template.Library()


@register.filter
def percent(fraction):
    return "—" if fraction is None else f"{fraction * 100:.0f}%"


register.filter("clock", clock)
register.filter("wait", wait)


@register.filter
def money(amount):
    return "—" if amount is None else f"{amount:,.2f}"
