from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from exonumbers.phone import pretty

register = template.Library()


@register.filter
def phone_link(number):
    """Every number in the app opens click-to-call with it filled in."""
    if not number:
        return "—"
    url = reverse("call-new") + "?" + urlencode({"to": number})
    return format_html('<a href="{}" class="phone-link" title="Call {}">{}</a>', url, number, pretty(number))
