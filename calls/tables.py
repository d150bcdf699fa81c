import django_tables2 as tables
from django.db.models import F
from django.utils import dateformat, timezone
from django.utils.html import format_html

from .models import Call
from .templatetags.phone_links import phone_link


class CallTable(tables.Table):
    date_created = tables.Column(verbose_name="Created", linkify=("call-detail", {"call_id": tables.A("pk")}))
    from_number = tables.Column(verbose_name="From", orderable=False)
    to_number = tables.Column(verbose_name="To", orderable=False)
    exophone = tables.Column(verbose_name="ExoPhone", orderable=False, accessor="exophone__friendly_name")
    agent = tables.Column(verbose_name="Agent", orderable=False, accessor="agent__username")
    status = tables.Column(orderable=False)
    direction = tables.Column(orderable=False)
    duration = tables.Column(
        verbose_name="Duration (s)", attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    price = tables.Column(attrs={"td": {"class": "num"}, "th": {"class": "num"}})

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

    def render_date_created(self, value):
        # What DateTimeColumn shows, without rendering a template for each row.
        return dateformat.format(timezone.localtime(value), "d M Y, H:i")

    def render_from_number(self, value):
        return phone_link(value)

    def render_to_number(self, value):
        return phone_link(value)

    def render_status(self, value):  # the choice's label: django-tables2 shows get_status_display()
        return format_html('<span class="badge text-bg-secondary status-badge">{}</span>', value)

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
