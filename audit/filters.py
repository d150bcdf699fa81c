import django_filters
from django import forms

from lib.dates import DateFilter
from lib.lists import CheckboxesFilter

from .models import Action, AuditEntry


class AuditFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        if data.get("day_from") and data.get("day_to") and data["day_from"] > data["day_to"]:
            self.add_error(None, "“From” is after “Until”.")
        return data


def longest(name):
    """No longer than the column: SQLite refuses a LIKE pattern over 50,000 bytes with a 500."""
    return AuditEntry._meta.get_field(name).max_length


class AuditFilter(django_filters.FilterSet):
    action = CheckboxesFilter(choices=Action.choices)
    actor = django_filters.CharFilter(
        field_name="actor_name",
        lookup_expr="iexact",
        label="Person (username)",
        max_length=longest("actor_name"),
    )
    target_type = django_filters.CharFilter(
        lookup_expr="iexact", label="Kind of thing", max_length=longest("target_type")
    )
    target = django_filters.CharFilter(
        lookup_expr="icontains", label="Thing contains", max_length=longest("target")
    )
    day_from = DateFilter(field_name="at", lookup_expr="date__gte", label="From")
    day_to = DateFilter(field_name="at", lookup_expr="date__lte", label="Until")

    class Meta:
        model = AuditEntry
        fields = []
        form = AuditFilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            if name != "action":
                field.widget.attrs.setdefault("class", "form-control form-control-sm")
