"""The call log's filters: Exotel's bulk Calls API filters, and a few it lacks."""

import copy
from datetime import timedelta

import django_filters
import django_filters.fields
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Reverse
from django.http import QueryDict
from django_filters.constants import EMPTY_VALUES

from calls.models import WRAPPED_UP, Call, Direction, Disposition, Status, WrapUp
from calls.selectors import campaigns
from calls.status_display import status_phase
from exonumbers.models import Flow
from lib.dates import DateTimeFilter
from lib.lists import CheckboxesFilter
from lib.precompiled import Precompiled
from lib.roles import Role

from .filter_fields import DigitsField, PhoneListField, SidListField

MAX_SECONDS = 10**7  # longer than any call (Exotel's TimeLimit is four hours)
MAX_PRICE = 10**6
NOTE_SEARCH_MAX_LENGTH = 200
# The disposition filter's two choices besides the dispositions themselves.
NO_WRAP_UP, NO_DISPOSITION = "none", "unset"


class SecondsFilter(django_filters.NumberFilter):
    """Whole seconds, as Exotel counts them; bounds a call could never reach are refused, not dropped."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=0, max_value=MAX_SECONDS, **kwargs)


class PriceFilter(django_filters.NumberFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=0, max_value=MAX_PRICE, max_digits=10, decimal_places=4, **kwargs)


class PhoneListFilter(django_filters.Filter):
    field_class = PhoneListField

    def filter(self, qs, value):
        return qs.filter(**{f"{self.field_name}__in": value}) if value else qs


class NumberEndsFilter(django_filters.Filter):
    """Beyond Exotel: the last digits of either number, e.g. what a customer read out."""

    field_class = DigitsField

    def filter(self, qs, value):
        if not value:
            return qs
        # A prefix of the reversed number: served by the reversed-number indexes (migration 0003). One digit
        # more than a number holds already matches none; SQLite refuses a LIKE pattern over 50,000 bytes.
        backwards = value[::-1][: Call._meta.get_field("from_number").max_length + 1]
        numbers = qs.alias(from_reversed=Reverse("from_number"), to_reversed=Reverse("to_number"))
        return numbers.filter(Q(from_reversed__startswith=backwards) | Q(to_reversed__startswith=backwards))


class CreatedUntilFilter(DateTimeFilter):
    """ "Until 10:00" includes the whole minute 10:00, as a person reading the form means it. The field keeps
    the date within 2100, so the minute added cannot overflow."""

    def filter(self, qs, value):
        if value is None:
            return qs
        if value.second == 0 and value.microsecond == 0:
            return qs.filter(date_created__lt=value + timedelta(minutes=1))
        return qs.filter(date_created__lte=value)


class SidListFilter(django_filters.Filter):
    field_class = SidListField

    def filter(self, qs, value):
        return qs.filter(sid__in=value) if value else qs


class FewChoices(django_filters.fields.ModelChoiceIterator):
    """The few agents, flows or campaigns as (id, label), read by the field's precompiled query: the
    queryset's iterator() cost PostgreSQL three more round trips (a server-side cursor), and Django building
    its SQL on every page cost more than running it."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for pk, *values in self.field.rows.rows(self.queryset.db):
            yield (pk, self.field.label_from_values(*values))


class FewChoicesField(django_filters.fields.ModelChoiceField):
    """Its choices are its queryset's ids and `label_fields`, named by `label_from_values`, read by a query
    built once (the field is made once a process; each form's copy shares it). The queryset validates a
    chosen id, as Django's does."""

    iterator = FewChoices

    def __init__(self, *args, label_fields, label_from_values, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_fields, self.label_from_values = label_fields, label_from_values
        self.rows = Precompiled(lambda: self.queryset, "pk", *label_fields)

    def label_from_instance(self, obj):
        """As the choices say it (an active filter's chip names the one chosen)."""
        return self.label_from_values(*(getattr(obj, name) for name in self.label_fields))


class FewChoicesFilter(django_filters.ModelChoiceFilter):
    field_class = FewChoicesField


def name_of_person(first_name, last_name, username):
    """As every page names someone: their full name (as User.get_full_name joins it), else their username."""
    return f"{first_name} {last_name}".strip() or username


def agents():
    """People whose role is Agent, by name: managers and admins are not whom one seeks."""
    return (
        get_user_model()
        .objects.filter(groups__name=Role.AGENT)
        .exclude(groups__name__in=[Role.MANAGER, Role.ADMIN])
        .exclude(is_superuser=True)
        .order_by("first_name", "last_name", "username")
    )


DISPOSITIONS = Precompiled(Disposition.objects.all, "pk", "name")


def disposition_choices():
    """Every disposition, inactive ones too: old calls keep theirs."""
    return [
        *((str(pk), name) for pk, name in DISPOSITIONS.rows()),
        (NO_DISPOSITION, "Wrap-up without a disposition"),
        (NO_WRAP_UP, "No wrap-up"),
    ]


class NoteFilter(django_filters.CharFilter):
    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return super().filter(qs, value).filter(WRAPPED_UP)


class DispositionFilter(CheckboxesFilter):
    """Any of the ticked dispositions; a call has at most one wrap-up, so the join adds no duplicate."""

    def filter(self, qs, value):
        if not value:
            return qs
        chosen = Q()
        if dispositions := [pk for pk in value if pk.isdigit()]:
            chosen |= WRAPPED_UP & Q(wrap_up__disposition__in=dispositions)
        if NO_DISPOSITION in value:
            chosen |= WRAPPED_UP & Q(wrap_up__isnull=False, wrap_up__disposition__isnull=True)
        if NO_WRAP_UP in value:
            # NOT EXISTS walks the newest calls and stops at a page; "wrap_up IS NULL" over the join read
            # every call and every wrap-up (450 ms at a million calls, bench/call_log.py).
            chosen |= ~Q(Exists(WrapUp.objects.filter(call=OuterRef("pk"))))
        return qs.filter(chosen)


class CallFilterForm(forms.Form):
    """Ranges that can select nothing are more likely a slip than a question: say so."""

    RANGES = [
        ("created_from", "created_to", "“Created from” is after “Created until”."),
        ("duration__gte", "duration__lte", "The shortest duration is longer than the longest."),
        ("price__gte", "price__lte", "The lowest price is above the highest."),
    ]

    def clean(self):
        data = super().clean()
        for low, high, message in self.RANGES:
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(None, message)
        return data


# The boxes in the words the badges use; pending and queued share "Queued" there, so keep Exotel's two here.
STATUS_CHOICES = [
    (status.value, status.label if status in (Status.PENDING, Status.QUEUED) else status_phase(status).label)
    for status in Status
]


class CallFilter(django_filters.FilterSet):
    status = CheckboxesFilter(choices=STATUS_CHOICES)
    direction = CheckboxesFilter(choices=Direction.choices)
    created_from = DateTimeFilter(field_name="date_created", lookup_expr="gte", label="Created from")
    created_to = CreatedUntilFilter(label="Created until")
    duration__gte = SecondsFilter(field_name="duration", lookup_expr="gte", label="Duration ≥ (s)")
    duration__lte = SecondsFilter(field_name="duration", lookup_expr="lte", label="Duration ≤ (s)")
    duration__eq = SecondsFilter(field_name="duration", lookup_expr="exact", label="Duration = (s)")
    price__gte = PriceFilter(field_name="price", lookup_expr="gte", label="Price ≥")
    price__lte = PriceFilter(field_name="price", lookup_expr="lte", label="Price ≤")
    price__eq = PriceFilter(field_name="price", lookup_expr="exact", label="Price =")
    from_number = PhoneListFilter(label="From")
    to_number = PhoneListFilter(label="To")
    # Exotel's PhoneNumber filter: the ExoPhone as the call carries it, registered with us or not.
    exophone = PhoneListFilter(field_name="phone_number", label="ExoPhone")
    sid = SidListFilter(label="Sid")
    number_ends = NumberEndsFilter(label="Number ends with")
    agent = FewChoicesFilter(
        queryset=agents(),
        null_label="No agent",
        label_fields=("first_name", "last_name", "username"),
        label_from_values=name_of_person,
    )
    flow = FewChoicesFilter(
        queryset=Flow.objects.all(),
        label_fields=("name", "app_id"),
        label_from_values=Flow.label,
    )
    campaign = FewChoicesFilter(
        field_name="campaign_attempt__campaign",
        queryset=lambda request: campaigns(),
        label="Campaign",
        label_fields=("name",),
        label_from_values=str,
    )
    has_recording = django_filters.BooleanFilter(
        method="filter_has_recording",
        label="Recording",
        widget=forms.Select(choices=[("", "Any"), ("true", "With a recording"), ("false", "Without")]),
    )
    disposition = DispositionFilter(label="Disposition")
    has_note = django_filters.BooleanFilter(
        method="filter_has_note",
        label="Note",
        widget=forms.Select(choices=[("", "Either"), ("true", "With a note"), ("false", "Without a note")]),
    )
    # icontains: UPPER(note) LIKE UPPER('%…%') on PostgreSQL, served by the trigram index of migration 0011.
    note = NoteFilter(
        field_name="wrap_up__note",
        lookup_expr="icontains",
        label="Note contains",
        max_length=NOTE_SEARCH_MAX_LENGTH,
    )

    class Meta:
        model = Call
        fields = []
        form = CallFilterForm

    form_classes = {}  # by the filters a user gets: each form class and its fields built once a process

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, show_agent=True):
        # django-filter's own __init__, but with each filter copied shallowly: its deepcopy of every filter,
        # querysets and all, was a millisecond of every page. A filter here keeps nothing of a page but its
        # model, its parent and the method it asks of that; the querysets and choices a page uses are its
        # form's, copies of the cached class's.
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = Call.objects.all() if queryset is None else queryset
        self.request, self.form_prefix = request, prefix
        self.filters = {name: copy.copy(filter_) for name, filter_ in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.extra = dict(filter_.extra)
            filter_.model, filter_.parent = self.queryset.model, self
            if filter_.method is not None:  # a new FilterMethod, bound to the copy: it asks the copy's parent
                filter_.method = filter_.method
        if not show_agent:  # agents see neither others' calls nor campaigns
            del self.filters["agent"]
            del self.filters["campaign"]
        # One query per page: a callable would be asked again to validate and again to render.
        self.form.fields["disposition"].choices = disposition_choices()

    def get_form_class(self):
        """Built once: twenty-odd fields and a class made per page were a few ms of every page. The form's
        fields are copies of the class's (querysets included), so nothing a page does stays for the next."""
        names = tuple(self.filters)
        if names not in self.form_classes:
            form_class = super().get_form_class()
            for field in form_class.base_fields.values():
                if not isinstance(field.widget, forms.CheckboxSelectMultiple):
                    css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                    field.widget.attrs.setdefault("class", f"{css} form-control-sm")
            self.form_classes[names] = form_class
        return self.form_classes[names]

    def filter_has_recording(self, qs, name, value):
        if value is None:
            return qs
        return qs.exclude(recording_url="") if value else qs.filter(recording_url="")

    def filter_has_note(self, qs, name, value):
        if value is None:
            return qs
        written = WRAPPED_UP & Q(wrap_up__note__gt="")
        return qs.filter(written) if value else qs.filter(Q(wrap_up__isnull=True) | Q(wrap_up__note=""))
