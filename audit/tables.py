import django_tables2 as tables

from .details import details_in_words
from .models import AuditEntry


class AuditTable(tables.Table):
    at = tables.DateTimeColumn(format="d M Y, H:i:s", verbose_name="When")
    actor_name = tables.Column(verbose_name="Who")
    action = tables.Column(verbose_name="Did")
    target_type = tables.Column(verbose_name="Kind")
    target = tables.Column(verbose_name="What")
    details = tables.Column(verbose_name="Details", orderable=False)
    ip_address = tables.Column(verbose_name="From address", orderable=False)

    class Meta:
        model = AuditEntry
        fields = ["at", "actor_name", "action", "target_type", "target", "details", "ip_address"]
        order_by = ["-at"]
        empty_text = "No entries match these filters."
        attrs = {"class": "table table-sm align-middle", "data-testid": "audit-table"}

    def render_details(self, value):
        return details_in_words(value)
