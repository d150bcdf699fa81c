from django import template

from calls.status_display import badge_html, status_phase

register = template.Library()


@register.simple_tag
def status_badge(status, testid="status"):
    """A call's status as the one badge every page shows: `{% status_badge call.status %}`."""
    return badge_html(status_phase(status), testid)


@register.simple_tag
def phase_badge(phase, testid="call-phase"):
    return badge_html(phase, testid)


@register.filter
def status_label(status):
    return status_phase(status).label
