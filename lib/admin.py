"""What every admin here shares: a read-only admin, and one guard that answers hostile list parameters and
form values with the admin's own words ("invalid", "select a valid choice") instead of a 500."""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR, ChangeList, ChangeListSearchForm
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models.constants import LOOKUP_SEP

from lib.dates import EARLIEST, LATEST, DateField, DateTimeField

MAX_SEARCH = 200  # SQLite refuses LIKE patterns over 50,000 bytes; nobody types 200 characters to search
WIDEST_INTEGER = range(-(2**63), 2**63)  # a key beyond it overflows SQLite's integers, and a lookup with it
DATE_PARTS = {"year": range(EARLIEST.year, LATEST.year + 1), "month": range(1, 13), "day": range(1, 32)}


def usable_key(field, value):
    """Whether `value` could be a value of the key column `field`, so that a query for it can run at all."""
    try:
        key = field.to_python(value)
    except (ValidationError, ValueError, TypeError):
        return False
    if isinstance(key, str):
        return "\x00" not in key  # PostgreSQL takes no NUL in text
    return not isinstance(key, int) or key in WIDEST_INTEGER


def refuse_unusable_lookup(model, key, values):
    """A list's filter the query can run: no NUL (PostgreSQL takes none in text), and a date, or the date
    drill-down's year, month and day, within the calendar lib/dates.py holds every date to; at its edges
    `date_created__year=9999` or `__gte=0001-01-01` overflow in Python's datetime or in the query."""
    if any("\x00" in value for value in values):
        raise IncorrectLookupParameters(f"{key}: no NUL characters")
    field, lookups = field_of(model, key)
    if not isinstance(field, models.DateField) or lookups[-1:] == ["isnull"]:
        return
    if lookups and lookups[0] in DATE_PARTS:
        for value in values:
            if not (
                value.isascii()
                and value.isdigit()
                and len(value) <= 4
                and int(value) in DATE_PARTS[lookups[0]]
            ):
                raise IncorrectLookupParameters(f"{key}: {value[:20]!r} is not a {lookups[0]} we keep")
        return
    date_field = DateTimeField() if isinstance(field, models.DateTimeField) else DateField()
    several = lookups[-1:] in (["in"], ["range"])
    for value in values:
        for part in value.split(",") if several else [value]:
            try:
                date_field.clean(part)
            except ValidationError as exc:
                raise IncorrectLookupParameters(f"{key}: {exc.messages[0]}") from None


def field_of(model, key):
    """The model field a list's lookup parameter names (following relations), and the lookups after it."""
    parts, field, opts = key.split(LOOKUP_SEP), None, model._meta
    for index, part in enumerate(parts):
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:
            return field, parts[index:]
        if field.is_relation and field.related_model is not None:
            opts = field.related_model._meta
    return field, []


class BoundedSearchForm(ChangeListSearchForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[SEARCH_VAR] = forms.CharField(required=False, strip=False, max_length=MAX_SEARCH)


class GuardedChangeList(ChangeList):
    search_form_class = BoundedSearchForm

    def get_filters(self, request):
        for key, values in self.get_filters_params().items():
            refuse_unusable_lookup(self.model, key, values)
        return super().get_filters(request)


class KnownKeysOnly:
    """For the select widgets of related objects: a posted value no key could have is not looked up when the
    form is shown again with its errors (Django's autocomplete looks each one up, and a bad one raises)."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        return super().optgroups(name, [item for item in value if usable_key(target, item)], attr)


class KnownKeysAutocompleteSelect(KnownKeysOnly, AutocompleteSelect):
    pass


class KnownKeysAutocompleteSelectMultiple(KnownKeysOnly, AutocompleteSelectMultiple):
    pass


class KnownKeysMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several related objects, each key one the column could hold; else "select a valid choice", as for one
    that does not exist (Django looks them up together, and one beyond 64 bits overflows SQLite)."""

    def clean(self, value):
        if isinstance(value, list | tuple):
            model = self.queryset.model
            target = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
            for item in value:
                if not usable_key(target, item):
                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                    )
        return super().clean(value)


class GuardedAdmin:
    """For every ModelAdmin and inline here; `guard_every_admin` gives it to the admins we did not write."""

    def get_changelist(self, request, **kwargs):
        return GuardedChangeList

    def get_search_results(self, request, queryset, search_term):
        if len(search_term) > MAX_SEARCH or "\x00" in search_term:  # the autocomplete's term, unformed
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def get_object(self, request, object_id, from_field=None):
        return super().get_object(request, object_id, from_field or None)  # `?_to_field=` means no field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownKeysAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownKeysAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", KnownKeysMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def guard_every_admin(site):
    """Give GuardedAdmin to each registered admin that lacks it: the ones other packages register too."""
    for model, model_admin in list(site._registry.items()):
        if not isinstance(model_admin, GuardedAdmin):
            guarded = type(type(model_admin).__name__, (GuardedAdmin, type(model_admin)), {})
            site.unregister(model)
            site.register(model, guarded)


class ReadOnlyAdmin(GuardedAdmin, admin.ModelAdmin):
    """For records made elsewhere (calls come from Exotel, the trail from people): look, never edit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
