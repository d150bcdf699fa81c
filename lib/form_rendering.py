"""Django's form renderer, with its plain input and select templates written in Python.

A widget template costs ~0.3 ms to render (each includes attrs.html, a select each option's template): the
call log's filter form spent ~8 ms of a page on them (bench/call_log.py). The HTML is Django's own, byte for
byte (exotel_dashboard/tests/test_form_rendering.py); every other template renders as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"
INPUT = WIDGETS + "input.html"
# Each of these is just {% include "django/forms/widgets/input.html" %}.
INPUT_INCLUDERS = {
    f"{WIDGETS}{name}.html"
    for name in [
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    ]
}
SELECT = WIDGETS + "select.html"
OPTION = WIDGETS + "select_option.html"


class WidgetsInPython(DjangoTemplates):
    def render(self, template_name, context, request=None):
        # As BaseRenderer.render, which strips what a template leaves around its HTML.
        if template_name == INPUT or template_name in INPUT_INCLUDERS:
            return input_html(context["widget"])
        if template_name == SELECT and all_plain_options(context["widget"]):
            return select_html(context["widget"])
        return super().render(template_name, context, request)


def joined(parts):
    return mark_safe("".join(parts))  # noqa: S308 - every part was escaped by format_html


def attrs_html(attrs):
    return joined(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


def input_html(widget):
    value = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
    return format_html(
        '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value, attrs_html(widget["attrs"])
    )


def all_plain_options(widget):
    return all(
        option["template_name"] == OPTION for _, options, _ in widget["optgroups"] for option in options
    )


def select_html(widget):
    parts = [format_html('<select name="{}"{}>', widget["name"], attrs_html(widget["attrs"]))]
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        parts.extend(
            format_html(
                '\n  <option value="{}"{}>{}</option>\n',
                option["value"],
                attrs_html(option["attrs"]),
                option["label"],
            )
            for option in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return joined(parts)
