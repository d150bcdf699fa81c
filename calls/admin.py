from django.contrib import admin

from lib.admin import GuardedAdmin, ReadOnlyAdmin

from .models import Call, CallEvent


class CallEventInline(GuardedAdmin, admin.TabularInline):
    model = CallEvent
    fields = ["received_at", "source", "event_type", "status", "verdict", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = [
        "date_created",
        "sid",
        "status",
        "direction",
        "from_number",
        "to_number",
        "agent",
        "duration",
    ]
    list_filter = ["status", "direction", "exophone"]
    search_fields = ["sid", "from_number", "to_number"]
    date_hierarchy = "date_created"
    list_select_related = ["agent", "exophone"]
    show_full_result_count = False
    inlines = [CallEventInline]


@admin.register(CallEvent)
class CallEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "call", "source", "event_type", "status", "verdict"]
    list_filter = ["source", "verdict", "event_type"]
    search_fields = ["call__sid", "dedupe_key"]
    list_select_related = ["call"]
    show_full_result_count = False
