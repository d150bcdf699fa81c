from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.dateformat import format as date_format

from audit.services import AuditedAdmin
from lib.admin import GuardedAdmin
from lib.phone import PhoneNumberField

from .models import ExoPhone, Flow
from .services import exophone_reenable


class ExoPhoneForm(forms.ModelForm):
    number = PhoneNumberField(example="080 3075 2400 or +91 80 3075 2400")

    class Meta:
        model = ExoPhone
        fields = ["number", "friendly_name", "region", "is_active"]


class RefusedFilter(admin.SimpleListFilter):
    title = "refused by Exotel"
    parameter_name = "refused"

    def lookups(self, request, model_admin):
        return [("yes", "Refused"), ("no", "Not refused")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(refused_at=None)
        if self.value() == "no":
            return queryset.filter(refused_at=None)
        return queryset


@admin.register(ExoPhone)
class ExoPhoneAdmin(GuardedAdmin, AuditedAdmin, admin.ModelAdmin):
    form = ExoPhoneForm
    list_display = ["friendly_name", "number", "region", "is_active", "refused_by_exotel"]
    list_filter = ["is_active", RefusedFilter, "region"]
    search_fields = ["friendly_name", "number", "region"]
    readonly_fields = ["refused_by_exotel", "created_at"]
    actions = ["reenable"]

    @admin.display(description="Refused by Exotel", ordering="refused_at")
    def refused_by_exotel(self, exophone):
        if exophone.refused_at is None:
            return "—"
        when = date_format(timezone.localtime(exophone.refused_at), "j M Y, H:i")
        return f"Refused {when}: {exophone.refused_reason} (not offered to agents)"

    @admin.action(description="Re-enable (Exotel accepts it now)")
    def reenable(self, request, queryset):
        reenabled = [
            exophone
            for exophone in queryset
            if exophone_reenable(request=request, exophone=exophone, why="re-enabled")
        ]
        if reenabled:
            names = ", ".join(str(exophone) for exophone in reenabled)
            self.message_user(request, f"Offered to agents again: {names}.", messages.SUCCESS)
        else:
            self.message_user(
                request, "None of these was refused by Exotel: nothing changed.", messages.WARNING
            )

    def save_model(self, request, obj, form, change):
        if change and "number" in form.changed_data:  # a corrected number is worth a dial again
            exophone_reenable(request=request, exophone=obj, why="its number was changed")
        super().save_model(request, obj, form, change)


@admin.register(Flow)
class FlowAdmin(GuardedAdmin, AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "app_id", "is_active", "url"]
    list_filter = ["is_active"]
    search_fields = ["name", "app_id"]
    readonly_fields = ["url", "created_at"]
    fields = ["name", "app_id", "is_active", "url", "created_at"]

    @admin.display(description="Url (for Calls/connect)")
    def url(self, flow):
        return flow.url if flow.app_id else "—"
