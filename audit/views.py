from django.utils.decorators import method_decorator
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from lib.lists import ExplainedListMixin
from lib.roles import manager_required

from .filters import AuditFilter
from .models import AuditEntry
from .tables import AuditTable


@method_decorator(manager_required, name="dispatch")
class AuditLogView(ExplainedListMixin, SingleTableMixin, FilterView):
    """Managers and admins read the trail; nobody edits it."""

    table_class = AuditTable
    filterset_class = AuditFilter
    template_name = "audit/log.html"
    queryset = AuditEntry.objects.all()
    sort_keys = {"at", "actor_name", "action", "target_type", "target"}
    sort_help = "choose when, who, did, kind or what."
