"""Writing the audit trail. Callers pass the request, so the entry names the person and their address."""

import ipaddress
import json

from django.contrib.admin.models import LogEntry

from lib.client_ip import client_ip
from lib.storable import storable  # a person's filters (an export's, say) may hold a NUL

from .models import Action, AuditEntry


def audit_record(*, request, action, target_type, target_id="", target="", details=None):
    user = request.user if request.user.is_authenticated else None
    return AuditEntry.objects.create(
        actor=user,
        actor_name=user.get_username() if user else "anonymous",
        action=action,
        target_type=target_type,
        target_id=storable(str(target_id)[:40]),
        target=storable(str(target)[:200]),
        details=storable(details or {}),
        ip_address=_valid_ip(client_ip(request)),
    )


def audit_object(*, request, action, obj, details=None):
    """An entry about one row: its kind (the model's verbose name), key and name."""
    return audit_record(
        request=request,
        action=action,
        target_type=str(obj._meta.verbose_name),
        target_id=obj.pk,
        target=obj,
        details=details,
    )


def _valid_ip(address):
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


class AuditedAdmin:
    """A ModelAdmin mixin: each add, change (passwords too) and delete also goes to the audit trail."""

    def log_addition(self, request, obj, message):
        self._audit(request, Action.ADDED, obj, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, Action.CHANGED, obj, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, Action.DELETED, obj, "")
        return super().log_deletions(request, queryset)

    def _audit(self, request, action, obj, message):
        readable = LogEntry(change_message=json.dumps(message) if message else "").get_change_message()
        audit_object(
            request=request, action=action, obj=obj, details={"change": readable} if readable else {}
        )
