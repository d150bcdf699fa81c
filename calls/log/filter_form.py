"""The log's filter fields as HTML, written in Python: the loop over the fields of _list_filters.html, byte
for byte (calls/tests/log/test_filter_form_html.py), without a template variable looked up per attribute
of each of twenty fields and forty-odd boxes (a few ms of every page of the log at a million calls)."""

from django.utils.safestring import mark_safe

from lib.escaping import escaped as e

FIELD_COLUMN = "col-sm-6 col-lg-3"


def fields_html(form, column=FIELD_COLUMN):
    return mark_safe("".join(field_html(field, column) for field in form))  # noqa: S308 - escaped below


def field_html(field, column):
    boxes = getattr(field.field.widget, "input_type", None) == "checkbox"
    if boxes:
        described = field.aria_describedby
        described = f' aria-describedby="{e(described)}"' if described else ""
        name = e(field.html_name)
        choices = "".join(box_html(name, choice) for choice in field)
        opening = (
            f'\n  <fieldset class="col-12"{described}>\n'
            f'    <legend class="col-form-label-sm py-0 mb-0">{e(field.label)}</legend>\n'
            f'    <div class="d-flex flex-wrap column-gap-3 small">{choices}</div>\n  '
        )
    else:
        label = f'<label class="form-label small mb-0" for="{e(field.id_for_label)}">{e(field.label)}</label>'
        opening = f'\n  <div class="{e(column)}">\n    {label}\n    {field}\n  '
    errors = field.errors
    if errors:
        said = "".join(f"<div>{e(error)}</div>" for error in errors)
        errors = f'<div class="invalid-feedback d-block" id="{e(field.auto_id)}_error">{said}</div>'
    help_text = field.help_text
    if help_text:
        help_text = f'<div class="form-text small mt-0" id="{e(field.auto_id)}_helptext">{e(help_text)}</div>'
    closing = "</fieldset>" if boxes else "</div>"
    return f"\n  {opening}\n    {errors or ''}\n    {help_text or ''}\n  {closing}\n  "


def box_html(name, choice):
    data, box = choice.data, e(choice.id_for_label)
    checked = " checked" if data["selected"] else ""
    return (
        f'<div class="form-check"><input type="checkbox" class="form-check-input" name="{name}" '
        f'value="{e(data["value"])}" id="{box}"{checked}><label class="form-check-label" for="{box}">'
        f"{e(choice.choice_label)}</label></div>"
    )
