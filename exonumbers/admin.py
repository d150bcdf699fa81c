from django import forms
from django.contrib import admin

from audit.services import AuditedAdmin
from lib.admin import GuardedAdmin
from lib.phone import PhoneNumberField

from .models import ExoPhone, Flow


class ExoPhoneForm(forms.ModelForm):
    number = PhoneNumberField(example="080 3075 2400 or +91 80 3075 2400")

    class Meta:
        model = ExoPhone
        fields = ["number", "friendly_name", "region", "is_active"]


@admin.register(ExoPhone)
class ExoPhoneAdmin(GuardedAdmin, AuditedAdmin, admin.ModelAdmin):
    form = ExoPhoneForm
    list_display = ["friendly_name", "number", "region", "is_active"]
    list_filter = ["is_active", "region"]
    search_fields = ["friendly_name", "number", "region"]
    readonly_fields = ["created_at"]


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
