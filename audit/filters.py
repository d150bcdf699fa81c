import django_filters
from django import forms

from lib.lists import CheckboxesFilter

from .models import Action, AuditEntry

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilter(django_filters.FilterSet):
    action = CheckboxesFilter(choices=Action.choices)
    actor = django_filters.CharFilter(
        field_name="actor_name", lookup_expr="iexact", label="Person (username)"
    )
    target_type = django_filters.CharFilter(lookup_expr="iexact", label="Kind of thing")
    target = django_filters.CharFilter(lookup_expr="icontains", label="Thing contains")
    day_from = django_filters.DateFilter(
        field_name="at", lookup_expr="date__gte", label="From", widget=DATE_INPUT
    )
    day_to = django_filters.DateFilter(
        field_name="at", lookup_expr="date__lte", label="Until", widget=DATE_INPUT
    )

    class Meta:
        model = AuditEntry
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            if name != "action":
                field.widget.attrs.setdefault("class", "form-control form-control-sm")
