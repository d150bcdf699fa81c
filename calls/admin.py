from django.contrib import admin
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join

from audit.services import AuditedAdmin
from lib.admin import GuardedAdmin, ReadOnlyAdmin

from .models import Call, CallEvent, Disposition, WrapUp


class CallEventInline(GuardedAdmin, admin.TabularInline):
    model = CallEvent
    fields = ["received_at", "source", "event_type", "status", "verdict", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class WrapUpInline(GuardedAdmin, admin.StackedInline):
    """Written on the call's page, never here; each edit's earlier version listed under it."""

    model = WrapUp
    fields = [
        "disposition",
        "note",
        "follow_up_at",
        "written_by",
        "written_at",
        "version",
        "earlier_versions",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Earlier versions")
    def earlier_versions(self, wrap_up):
        versions = wrap_up.versions.select_related("disposition", "written_by")
        if not versions:
            return "—"
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li>Version {} by {}, {}: {} · {}</li>",
                (
                    (
                        version.version,
                        version.written_by or "someone no longer here",
                        dateformat.format(timezone.localtime(version.written_at), "j M Y, H:i"),
                        version.disposition or "no disposition",
                        version.note or "no note",
                    )
                    for version in versions
                ),
            ),
        )


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
    inlines = [WrapUpInline, CallEventInline]


@admin.register(CallEvent)
class CallEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "call", "source", "event_type", "status", "verdict"]
    list_filter = ["source", "verdict", "event_type"]
    search_fields = ["call__sid", "dedupe_key"]
    list_select_related = ["call"]
    show_full_result_count = False


@admin.register(Disposition)
class DispositionAdmin(GuardedAdmin, AuditedAdmin, admin.ModelAdmin):
    """What agents pick at wrap-up. Retire one by unticking Active: calls that have it keep it."""

    list_display = ["name", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["active"]
    search_fields = ["name"]
    fields = ["name", "order", "active"]
