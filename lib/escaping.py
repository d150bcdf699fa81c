"""Escaping for HTML written as Python strings, where a page writes hundreds of values.

Django's escape and conditional_escape give the same text, but each call goes through keep_lazy's wrapper, and
format_html through both: together a tenth of a call log page's Python at a million calls (bench/call_log.py).
"""

import html

from django.utils.functional import Promise


def escaped(value) -> str:
    """As django.utils.html.conditional_escape: HTML already (`__html__`) is kept, anything else escaped."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))
