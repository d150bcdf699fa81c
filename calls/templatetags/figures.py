"""How the overview writes its figures."""

from django import template

register = template.Library()


@register.filter
def percent(fraction):
    return "—" if fraction is None else f"{fraction * 100:.0f}%"


@register.filter
def talk_time(seconds):
    """Seconds as m:ss (h:mm:ss past an hour); a dash when there was no talk."""
    if seconds is None:
        return "—"
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


@register.filter
def money(amount):
    return "—" if amount is None else f"{amount:,.2f}"
