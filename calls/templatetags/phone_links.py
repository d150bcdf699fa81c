import functools
from html import escape
from urllib.parse import quote_plus

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from lib.phone import pretty

register = template.Library()


@functools.cache
def _call_new_url():
    return reverse("call-new")  # once: a page of the log shows a hundred numbers


@register.filter
def phone_link(number):
    """Every number in the app opens click-to-call with it filled in."""
    if not number:
        return "—"
    number = str(number)
    # One string and the standard library's escape, not format_html: the call log shows a hundred on a page.
    url = escape(f"{_call_new_url()}?to={quote_plus(number)}")  # as urlencode, without its lazy wrapper
    link = f'<a href="{url}" class="phone-link" title="Call {escape(number)}">{escape(pretty(number))}</a>'
    return mark_safe(link)  # noqa: S308 - every value in it is escaped
