"""The widgets written in Python are Django's own HTML, byte for byte, for every form a user sees."""

from datetime import datetime

import pytest
from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.forms.renderers import DjangoTemplates

from audit.filters import AuditFilter
from calls.log.filters import CallFilter
from calls.log.saved_views.forms import SavedViewForm
from calls.overview.forms import PeriodForm
from calls.placing.forms import ClickToCallForm, FlowCallForm
from lib.form_rendering import WidgetsInPython

pytestmark = pytest.mark.django_db


class Tricky(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": 'say "hi" <b>', "autofocus": True}))
    hidden = forms.CharField(widget=forms.HiddenInput)
    off = forms.CharField(widget=forms.TextInput(attrs={"disabled": False, "data-x": 0}))
    when = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    agree = forms.BooleanField()
    many = forms.MultipleChoiceField(choices=[("a", "A & B"), ("b", "<b>")])
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("Fruit", [("1", "Apple"), ("2", "Pear")]), ("3", "Other")]
    )
    maybe = forms.NullBooleanField()
    radio = forms.ChoiceField(choices=[("x", "X")], widget=forms.RadioSelect)


def forms_users_see(agent):
    data = {"status": ["busy"], "duration__gte": "abc", "from_number": "+91 98450 12301", "agent": "none"}
    tricky = {"text": '"><script>', "hidden": "h", "when": datetime(2026, 12, 2, 10, 30), "agree": "on"}
    return [
        CallFilter(data, show_agent=True).form,
        CallFilter({}, show_agent=True).form,
        AuditFilter({"action": ["call-placed"]}).form,
        ClickToCallForm(agent=agent, initial={"to": "+919876543210"}),
        ClickToCallForm({"to": "x", "record": "on"}, agent=agent),
        FlowCallForm(agent=agent),
        PeriodForm(),
        PeriodForm({"first": "2026-13-45", "last": "2026-11-19"}),
        SavedViewForm(owner=agent),
        UserCreationForm(),
        Tricky(tricky | {"many": ["a", "b"], "grouped": "2", "maybe": "true"}),
        Tricky(),
    ]


def widgets_html(form, renderer):
    form.renderer = renderer
    return [str(field) for field in form]


@pytest.mark.parametrize("index", range(12))
def test_each_form_renders_as_django_renders_it(agent, flow, index):
    form = forms_users_see(agent)[index]
    ours, djangos = widgets_html(form, WidgetsInPython()), widgets_html(form, DjangoTemplates())
    assert ours == djangos
    assert ours and all(html.strip() for html in ours)
