from urllib.parse import parse_qsl, urlencode

from django import forms
from django.http import QueryDict

from accounts.models import SavedView
from calls.log.filters import CallFilter
from calls.log.sorts import SORT_HELP, SORT_KEYS
from calls.models import Call
from lib.lists import sort_error
from lib.roles import is_manager

from .services import normalise_query


class SavedViewForm(forms.Form):
    """A name for the call log's current filters, which must be filters the log accepts from this user."""

    name = forms.CharField(max_length=SavedView._meta.get_field("name").max_length)
    query = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner

    def clean_query(self):
        query = normalise_query(self.cleaned_data["query"])
        params = QueryDict(query)
        filterset = CallFilter(params, queryset=Call.objects.none(), show_agent=is_manager(self.owner))
        fields = filterset.form.fields
        problems = [
            f"{fields[name].label}: {error}" if name in fields else error
            for name, errors in filterset.form.errors.items()
            for error in errors
        ]
        if problem := sort_error(params.get("sort", ""), SORT_KEYS, SORT_HELP):
            problems.append(problem)
        if problems:
            raise forms.ValidationError(problems)
        # Keep only what the log reads: a stray parameter would make equal views look different.
        known = set(filterset.filters) | {"sort"}
        return urlencode([(key, value) for key, value in parse_qsl(query) if key in known])
