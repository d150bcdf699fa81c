import django_tables2 as tables
from django.db.models import F

from .models import Call


class CallTable(tables.Table):
    """The log's headings, sorting and paging; each row is written by templates/calls/_call_table.html."""

    date_created = tables.Column(verbose_name="Created")
    from_number = tables.Column(verbose_name="From", orderable=False)
    to_number = tables.Column(verbose_name="To", orderable=False)
    exophone = tables.Column(verbose_name="ExoPhone", orderable=False, accessor="exophone__friendly_name")
    agent = tables.Column(verbose_name="Agent", orderable=False, accessor="agent__username")
    status = tables.Column(orderable=False)
    direction = tables.Column(orderable=False)
    duration = tables.Column(verbose_name="Duration (s)", attrs={"th": {"class": "num"}})
    price = tables.Column(attrs={"th": {"class": "num"}})

    class Meta:
        model = Call
        fields = [
            "date_created",
            "from_number",
            "to_number",
            "exophone",
            "agent",
            "direction",
            "status",
            "duration",
            "price",
        ]
        order_by = "-date_created"
        empty_text = "No calls match these filters."
        attrs = {"class": "table table-sm align-middle", "data-testid": "call-table"}
        template_name = "calls/_call_table.html"

    @property
    def shows_agent(self):
        return "agent" not in (self.exclude or ())

    def order_date_created(self, queryset, is_descending):
        direction = "-" if is_descending else ""
        return queryset.order_by(f"{direction}date_created", f"{direction}id"), True

    def order_duration(self, queryset, is_descending):
        return self._order_with_tiebreak(queryset, "duration", is_descending)

    def order_price(self, queryset, is_descending):
        return self._order_with_tiebreak(queryset, "price", is_descending)

    @staticmethod
    def _order_with_tiebreak(queryset, field, is_descending):
        column = F(field).desc(nulls_last=True) if is_descending else F(field).asc(nulls_last=True)
        return queryset.order_by(column, "-date_created", "-id"), True
