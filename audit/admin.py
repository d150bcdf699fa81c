from django.contrib import admin

from lib.admin import ReadOnlyAdmin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: an audit trail that admins could edit would prove nothing."""

    list_display = ["at", "actor_name", "action", "target_type", "target", "ip_address"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_name", "target", "target_id"]
    date_hierarchy = "at"
