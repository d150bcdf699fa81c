"""lib.escaping.escaped gives what Django's conditional_escape gives, for each kind of value a page writes."""

from decimal import Decimal

import pytest
from django.utils.functional import lazy
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from lib.escaping import escaped

VALUES = [
    "",
    "plain",
    "<script>alert('x')</script>",
    'a "quoted" & <b>bold</b> value',
    "a\x00b",
    "\u202e\U0001f4de नमस्ते é",
    "x" * 10_000,
    mark_safe("<b>already HTML</b>"),
    gettext_lazy("Any"),
    lazy(lambda: "<lazy & unsafe>", str)(),
    lazy(lambda: mark_safe("<i>lazy, safe</i>"), str)(),
    0,
    -12,
    Decimal("1.2000"),
    None,
    True,
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_it_escapes_as_djangos_conditional_escape(value):
    assert escaped(value) == str(conditional_escape(value))
