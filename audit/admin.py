from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: an audit trail that admins could edit would prove nothing."""

    list_display = ["at", "actor_name", "action", "target_type", "target", "ip_address"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_name", "target", "target_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
