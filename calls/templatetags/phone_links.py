import functools

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

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
    url = _call_new_url() + "?" + urlencode({"to": number})
    return format_html('<a href="{}" class="phone-link" title="Call {}">{}</a>', url, number, pretty(number))
