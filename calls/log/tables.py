import django_tables2 as tables
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from calls.models import Call
from calls.templatetags.phone_links import phone_link

# The columns the log sorts by; the saved views' form checks a view's sort against them too.
SORT_KEYS = frozenset({"date_created", "duration", "price"})
SORT_HELP = "choose date, duration or price."
# The cells follow Meta.fields; the agent's only when it is shown.
ROW = (
    '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td>{}<td>{}</td>'
    '<td><span class="badge text-bg-secondary status-badge">{}</span></td>'
    '<td class="num">{}</td><td class="num">{}</td></tr>'
)


class CallTable(tables.Table):
    """The log's headings, sorting and paging; `rows_html` writes the page's rows in one pass.

    At a million calls, django-tables2's cell-by-cell rendering was most of a page's time, and a template loop
    over the rows still 0.2 ms a row (bench/call_log.py).
    """

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

    def rows_html(self):
        return format_html_join("", ROW, (self.cells(row.record) for row in self.paginated_rows))

    def cells(self, call):
        agent = call.agent.username if call.agent else "—"
        return (
            reverse("call-detail", args=[call.pk]),
            timezone.localtime(call.date_created).strftime("%d %b %Y, %H:%M"),
            phone_link(call.from_number),
            phone_link(call.to_number),
            (call.exophone and call.exophone.friendly_name) or "—",
            format_html("<td>{}</td>", agent) if self.shows_agent else "",
            call.get_direction_display(),
            call.get_status_display(),
            "—" if call.duration is None else call.duration,
            "—" if call.price is None else call.price,
        )

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
