import functools
from html import escape

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from calls.models import Call, Direction
from calls.status_display import badge_html, status_phase
from calls.templatetags.phone_links import phone_link
from lib.durations import clock

from .filters import name_of_person
from .sorts import LogSort

# What RowWriter reads of a call, as a named tuple (each name as Django names the value), with the sorted
# columns a cursor names: not the other 25 of a call's columns (its JSON options among them), nor its flow,
# nor a model instance for the call and each of its relations (a fifth of a page's Python at a million calls).
ROW_VALUES = (
    *("pk", "sid", "status", "direction", "from_number", "to_number", "date_created", "duration", "price"),
    *("recording_url", "exophone__friendly_name", "agent", "agent__first_name", "agent__last_name"),
    *("agent__username", "wrap_up", "wrap_up__disposition__name"),
)
SENTINEL_PK = 9876543210  # reversed once a page, then split where it stands: a row's URL is a concatenation


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
        rows = map(RowWriter(self.shows_agent).row, (row.record for row in self.paginated_rows))
        return mark_safe("".join(rows))  # noqa: S308 - RowWriter escapes every value it writes

    def order_date_created(self, queryset, is_descending):
        return self._order(queryset, "date_created", is_descending)

    def order_duration(self, queryset, is_descending):
        return self._order(queryset, "duration", is_descending)

    def order_price(self, queryset, is_descending):
        return self._order(queryset, "price", is_descending)

    @staticmethod
    def _order(queryset, name, is_descending):
        return queryset.order_by(*LogSort(f"-{name}" if is_descending else name).order_by()), True


class RowWriter:
    """A page's rows as HTML, each written as one string: Django's HTML for them, byte for byte, without a
    format_html and a conditional_escape per cell (the rows were most of a page's Python at a million calls).
    What repeats from row to row (URLs, badges, directions, ExoPhones, agents) is made once a page.

    The table does not wrap (class text-nowrap): a row stays one line high at desktop width. Names may wrap
    where there is no room, rather than push the last columns out of sight."""

    def __init__(self, shows_agent):
        self.shows_agent = shows_agent
        self.this_year = timezone.localdate().year
        self.zone = timezone.get_current_timezone()  # once: asking for it was a tenth of the rows' time
        self.detail = around_pk("call-detail")
        self.recording = around_pk("call-recording")
        self.exophones, self.agents = {}, {}

    def row(self, call):
        created = call.date_created.astimezone(self.zone)
        detail, audio = self.detail, ""
        if call.recording_url:  # no audio is fetched until pressed: static/app/play_recording.js
            audio = (
                '<button type="button" class="btn btn-sm btn-outline-secondary py-0 play-recording" '
                f'data-src="{self.recording[0]}{call.pk}{self.recording[1]}" '
                f'aria-label="Play recording of the call at {created:%H:%M}" '
                'title="Play recording">▶</button>'
            )
        return (
            f'<tr><td><a href="{detail[0]}{call.pk}{detail[1]}">{escape(short_date(created, self.this_year))}'
            f"</a></td><td>{phone_link(call.from_number)}</td><td>{phone_link(call.to_number)}</td>"
            f'<td class="text-wrap">{self.exophone(call)}</td>{self.agent(call)}'
            f"<td>{direction_label(call.direction)}</td><td>{status_badge(call.status)}</td>"
            f'<td class="num">{escape(clock(call.duration))}</td>'
            f'<td class="num">{escape(rupees(call.price))}</td>'
            f'<td class="text-wrap">{escape(disposition_of(call))}</td><td>{audio}</td></tr>'
        )

    def exophone(self, call):
        name = call.exophone__friendly_name
        if name not in self.exophones:
            self.exophones[name] = escape(name or "—")
        return self.exophones[name]

    def agent(self, call):
        if not self.shows_agent:
            return ""
        if call.agent not in self.agents:
            name = (
                name_of_person(call.agent__first_name, call.agent__last_name, call.agent__username)
                if call.agent
                else "—"
            )
            self.agents[call.agent] = f'<td class="text-wrap">{escape(name)}</td>'
        return self.agents[call.agent]


def for_rows(calls):
    """The calls as the rows read them: named tuples of ROW_VALUES."""
    return calls.values_list(*ROW_VALUES, named=True)


def around_pk(url_name):
    """A call's URL in two parts, escaped, for the id to go between."""
    before, _, after = reverse(url_name, args=[SENTINEL_PK]).partition(str(SENTINEL_PK))
    return escape(before), escape(after)


@functools.cache
def status_badge(status):
    return badge_html(status_phase(status))


@functools.cache
def direction_label(direction):
    return escape(Direction(direction).label) if direction in Direction.values else escape(direction)


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
    """A row's wrap-up's disposition: a dash before any wrap-up."""
    if call.wrap_up is None:
        return "—"
    return call.wrap_up__disposition__name or "No disposition"
