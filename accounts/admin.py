from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from audit.services import AuditedAdmin
from lib.admin import GuardedAdmin
from lib.phone import PhoneNumberField
from lib.roles import role_of

from .models import AgentProfile


class AgentProfileForm(forms.ModelForm):
    phone_number = PhoneNumberField(
        label="Own phone",
        required=False,
        help_text_lead="Exotel rings this phone first.",
        example="98450 12301",
    )

    class Meta:
        model = AgentProfile
        fields = ["phone_number", "default_exophone", "time_zone"]


class AgentProfileInline(GuardedAdmin, admin.StackedInline):
    model = AgentProfile
    form = AgentProfileForm
    can_delete = False
    fields = ["phone_number", "default_exophone", "time_zone"]
    autocomplete_fields = ["default_exophone"]

    def get_formset(self, request, obj=None, **kwargs):
        # One profile a person: a posted form count of 9999 would otherwise build (and show) 1,001 forms.
        return super().get_formset(request, obj, absolute_max=1, **kwargs)


admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(GuardedAdmin, AuditedAdmin, UserAdmin):
    inlines = [AgentProfileInline]
    list_display = ["username", "first_name", "last_name", "email", "role", "agent_phone", "is_active"]
    list_filter = ["groups", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email", "agent_profile__phone_number"]
    list_select_related = ["agent_profile"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="role")
    def role(self, user):
        user._role_names = {group.name for group in user.groups.all()}
        return role_of(user) or "—"

    @admin.display(description="own phone")
    def agent_phone(self, user):
        profile = getattr(user, "agent_profile", None)
        return profile.phone_number if profile and profile.phone_number else "—"
