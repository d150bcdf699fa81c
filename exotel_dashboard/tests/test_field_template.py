"""calls/_field.html, the form field the app's forms include: hints and errors are tied to their field, and a
group of choices is a fieldset named by its legend."""

import re

from django import forms
from django.template.loader import render_to_string


class Sample(forms.Form):
    time_limit = forms.IntegerField(help_text="At most 14400.", max_value=14400)
    exophone = forms.ChoiceField(
        choices=[("", "Choose"), ("1", "Bengaluru")], help_text="Shown to the customer."
    )
    record = forms.BooleanField(required=False, help_text="Both sides are recorded.")
    statuses = forms.MultipleChoiceField(
        choices=[("busy", "Busy"), ("failed", "Failed")], widget=forms.CheckboxSelectMultiple, required=False
    )
    channel = forms.ChoiceField(choices=[("single", "One"), ("dual", "Two")], widget=forms.RadioSelect)
    note = forms.CharField(required=False)


def field_html(form, name):
    return render_to_string("calls/_field.html", {"field": form[name]})


def described_ids(html):
    return re.search(r'aria-describedby="([^"]+)"', html).group(1).split()


def test_a_hint_is_tied_to_its_input():
    html = field_html(Sample(), "time_limit")
    assert described_ids(html) == ["id_time_limit_helptext"]
    assert 'id="id_time_limit_helptext">At most 14400.<' in html


def test_an_error_is_tied_to_its_input_and_marks_it_invalid():
    html = field_html(Sample({"time_limit": "99999"}), "time_limit")
    assert described_ids(html) == ["id_time_limit_helptext", "id_time_limit_error"]
    assert 'aria-invalid="true"' in html
    assert re.search(r'id="id_time_limit_error">.*less than or equal to 14400', html, re.S)


def test_selects_and_checkboxes_are_tied_to_their_hints_too():
    assert described_ids(field_html(Sample(), "exophone")) == ["id_exophone_helptext"]
    assert described_ids(field_html(Sample(), "record")) == ["id_record_helptext"]


def test_a_field_without_hint_or_error_describes_nothing():
    html = field_html(Sample(), "note")
    assert "aria-describedby" not in html
    assert "aria-invalid" not in html


def test_a_checkbox_group_is_a_fieldset_with_its_label_as_legend():
    html = field_html(Sample({"statuses": ["failed"]}), "statuses")
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>Statuses</legend>", html)
    assert html.count('type="checkbox" name="statuses"') == 2
    assert re.search(r'value="failed" id="id_statuses_1"[^>]*checked', html)
    assert '<label class="form-check-label" for="id_statuses_0">Busy</label>' in html
    assert html.strip().endswith("</fieldset>")


def test_a_radio_group_with_an_error_describes_the_fieldset():
    html = field_html(Sample({}), "channel")
    assert re.search(r'<fieldset class="mb-3" aria-describedby="id_channel_error">\s*<legend', html)
    assert html.count('type="radio" name="channel"') == 2
