"""The overview's period: whole days in the user's time zone, last seven days unless asked otherwise."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from calls.selectors import campaigns
from lib.dates import DateField, DateInput

from .analytics import Period

MAX_DAYS = 366
DATE_INPUT = DateInput(attrs={"class": "form-control form-control-sm"})


def presets(today):
    month_start = today.replace(day=1)
    return [
        ("Today", Period(today, today)),
        ("Last 7 days", Period(today - timedelta(days=6), today)),
        ("Last 30 days", Period(today - timedelta(days=29), today)),
        ("This month", Period(month_start, today)),
    ]


class PeriodForm(forms.Form):
    first = DateField(label="From", widget=DATE_INPUT)
    last = DateField(label="To", widget=DATE_INPUT)
    campaign = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Campaign",
        empty_label="Every call",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, data=None, **kwargs):
        self.today = timezone.localdate()
        default = presets(self.today)[1][1]
        if not (data or {}).get("first") and not (data or {}).get("last"):
            data = {"first": default.first, "last": default.last}
        super().__init__(data, **kwargs)
        self.fields["campaign"].queryset = campaigns()

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last:
            if last < first:
                raise forms.ValidationError("The period ends before it starts.")
            if (last - first).days >= MAX_DAYS:
                raise forms.ValidationError(f"Choose at most {MAX_DAYS} days.")
        return data

    @property
    def period(self):
        data = self.cleaned_data
        return Period(data["first"], data["last"], data["campaign"].pk if data.get("campaign") else None)
