"""Django's form renderer, with its plain input and select templates written in Python.

A widget template costs ~0.3 ms to render (each includes attrs.html, a select each option's template): the
call log's filter form spent ~8 ms of a page on them (bench/call_log.py). The HTML is Django's own, byte for
byte (lib/tests/test_form_rendering.py); every other template renders as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from lib.escaping import escaped as e

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


def attrs_html(attrs):
    return "".join(
        f" {e(name)}" if value is True else f' {e(name)}="{e(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def input_html(widget):
    value = "" if widget["value"] is None else f' value="{e(widget["value"])}"'
    return mark_safe(  # noqa: S308 - every value in it is escaped
        f'<input type="{e(widget["type"])}" name="{e(widget["name"])}"{value}{attrs_html(widget["attrs"])}>'
    )


def all_plain_options(widget):
    return all(
        option["template_name"] == OPTION for _, options, _ in widget["optgroups"] for option in options
    )


def select_html(widget):
    parts = [f'<select name="{e(widget["name"])}"{attrs_html(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{e(group_name)}">')
        parts.extend(
            f'\n  <option value="{e(option["value"])}"{attrs_html(option["attrs"])}>'
            f"{e(option['label'])}</option>\n"
            for option in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every value in it is escaped
