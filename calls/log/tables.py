import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from calls.models import Call
from calls.status_display import badge_html, status_phase
from calls.templatetags.phone_links import phone_link
from lib.durations import clock

from .filters import person_name
from .sorts import LogSort

# The table does not wrap (class text-nowrap): a row stays one line high at desktop width. Names may wrap
# where there is no room, rather than push the last columns out of sight.
ROW = (
    '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td class="text-wrap">{}</td>{}<td>{}</td>'
    "<td>{}</td>"
    '<td class="num">{}</td><td class="num">{}</td><td class="text-wrap">{}</td><td>{}</td></tr>'
)
# No audio is fetched until the button is pressed: static/app/play_recording.js puts the player in its place.
PLAY_BUTTON = (
    '<button type="button" class="btn btn-sm btn-outline-secondary py-0 play-recording" data-src="{}" '
    'aria-label="Play recording of the call at {}" title="Play recording">▶</button>'
)


class CallTable(tables.Table):
    """The log's headings and sorting; `rows_html` writes the page's rows in one pass (paging: paging.py).

    At a million calls, django-tables2's cell-by-cell rendering was most of a page's time, and a template loop
    over the rows still 0.2 ms a row (bench/call_log.py).
    """

    date_created = tables.Column(verbose_name="Created")
    from_number = tables.Column(verbose_name="From", orderable=False)
    to_number = tables.Column(verbose_name="To", orderable=False)
    exophone = tables.Column(verbose_name="ExoPhone", orderable=False, accessor="exophone__friendly_name")
    agent = tables.Column(verbose_name="Agent", orderable=False)
    status = tables.Column(orderable=False)
    direction = tables.Column(orderable=False)
    duration = tables.Column(verbose_name="Duration", attrs={"th": {"class": "num"}})
    price = tables.Column(attrs={"th": {"class": "num"}})
    disposition = tables.Column(verbose_name="Disposition", orderable=False, accessor="wrap_up__disposition")
    # "Audio", not "Recording": the header was three times as wide as its play buttons.
    recording = tables.Column(verbose_name="Audio", orderable=False, accessor="recording_url")

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
            "disposition",
            "recording",
        ]
        order_by = "-date_created"
        empty_text = "No calls match these filters."
        attrs = {
            "class": "table table-sm align-middle text-nowrap call-log-table",
            "data-testid": "call-table",
        }
        template_name = "calls/_call_table.html"

    @property
    def shows_agent(self):
        return "agent" not in (self.exclude or ())

    def rows_html(self):
        this_year = timezone.localdate().year
        return format_html_join("", ROW, (self.cells(row.record, this_year) for row in self.paginated_rows))

    def cells(self, call, this_year):
        agent = person_name(call.agent) if call.agent else "—"
        created = timezone.localtime(call.date_created)
        return (
            reverse("call-detail", args=[call.pk]),
            short_date(created, this_year),
            phone_link(call.from_number),
            phone_link(call.to_number),
            (call.exophone and call.exophone.friendly_name) or "—",
            format_html('<td class="text-wrap">{}</td>', agent) if self.shows_agent else "",
            call.get_direction_display(),
            badge_html(status_phase(call.status)),
            clock(call.duration),
            rupees(call.price),
            disposition_of(call),
            format_html(PLAY_BUTTON, reverse("call-recording", args=[call.pk]), f"{created:%H:%M}")
            if call.recording_url
            else "",
        )

    def order_date_created(self, queryset, is_descending):
        return self._order(queryset, "date_created", is_descending)

    def order_duration(self, queryset, is_descending):
        return self._order(queryset, "duration", is_descending)

    def order_price(self, queryset, is_descending):
        return self._order(queryset, "price", is_descending)

    @staticmethod
    def _order(queryset, name, is_descending):
        return queryset.order_by(*LogSort(f"-{name}" if is_descending else name).order_by()), True


def short_date(moment, this_year):
    """ "4 Dec 14:59"; the year only when it is not this one ("4 Dec 2025, 14:59"): the date column was the
    widest of a row that must fit on one line at 1366 px."""
    if moment.year == this_year:
        return f"{moment.day} {moment:%b %H:%M}"
    return f"{moment.day} {moment:%b %Y, %H:%M}"


def rupees(price):
    """Two decimals, as Exotel bills; a dash before Exotel has priced the call."""
    return "—" if price is None else f"₹{price:,.2f}"


def disposition_of(call):
    """The wrap-up's disposition; the rows need `wrap_up__disposition` selected with them."""
    wrap_up = getattr(call, "wrap_up", None)  # None: no wrap-up yet
    if wrap_up is None:
        return "—"
    return wrap_up.disposition.name if wrap_up.disposition else "No disposition"
