"""The log's rows, written as one string each (calls/log/tables.py RowWriter) from a named tuple of each
call's values, are the HTML the rows had when each cell went through format_html from the call's model
instance: the reference below is that code, kept here to compare with."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from calls.log.tables import CallTable, for_rows, rupees, short_date
from calls.models import Call
from calls.status_display import badge_html, status_phase
from calls.templatetags.phone_links import phone_link
from calls.tests.factories import T0, make_call
from exonumbers.models import ExoPhone
from lib.durations import clock

from .wrap_ups import make_dispositions, wrap_up

ROW = (
    '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td class="text-wrap">{}</td>{}<td>{}</td>'
    "<td>{}</td>"
    '<td class="num">{}</td><td class="num">{}</td><td class="text-wrap">{}</td><td>{}</td></tr>'
)
PLAY_BUTTON = (
    '<button type="button" class="btn btn-sm btn-outline-secondary py-0 play-recording" data-src="{}" '
    'aria-label="Play recording of the call at {}" title="Play recording">▶</button>'
)


def reference_disposition(call):
    wrap_up = getattr(call, "wrap_up", None)  # None: no wrap-up yet
    if wrap_up is None:
        return "—"
    return wrap_up.disposition.name if wrap_up.disposition else "No disposition"


def reference_cells(call, this_year, shows_agent):
    agent = (call.agent.get_full_name() or call.agent.get_username()) if call.agent else "—"
    created = timezone.localtime(call.date_created)
    return (
        reverse("call-detail", args=[call.pk]),
        short_date(created, this_year),
        phone_link(call.from_number),
        phone_link(call.to_number),
        (call.exophone and call.exophone.friendly_name) or "—",
        format_html('<td class="text-wrap">{}</td>', agent) if shows_agent else "",
        call.get_direction_display(),
        badge_html(status_phase(call.status)),
        clock(call.duration),
        rupees(call.price),
        reference_disposition(call),
        format_html(PLAY_BUTTON, reverse("call-recording", args=[call.pk]), f"{created:%H:%M}")
        if call.recording_url
        else "",
    )


def reference_rows(calls, shows_agent):
    this_year = timezone.localdate().year
    return format_html_join("", ROW, (reference_cells(call, this_year, shows_agent) for call in calls))


def table_rows(calls, shows_agent):
    table = CallTable(data=calls, exclude=() if shows_agent else ("agent",))
    return table.rows_html()


@pytest.fixture
def varied_calls(agent, other_agent, db):
    """Calls that use every branch of a row: names needing escapes, empty values, unknown words."""
    agent.first_name, agent.last_name = "Asha <b>", "Rao & Sons"
    agent.save(update_fields=["first_name", "last_name"])
    other_agent.first_name = other_agent.last_name = ""
    other_agent.save(update_fields=["first_name", "last_name"])
    odd_line = ExoPhone.objects.create(number="+918030752499", friendly_name="Line \"5\" <support> & 'sales'")
    nameless_line = ExoPhone.objects.create(number="+918030752498", friendly_name="")
    dispositions = make_dispositions()
    moments = [T0 - timedelta(hours=n * 7) for n in range(12)]
    moments[-1] = T0.replace(year=T0.year - 1)  # shown with its year
    calls = [
        make_call(
            sid="a",
            agent=agent,
            exophone=odd_line,
            duration=3725,
            price=Decimal("1234.5"),
            recording_url="https://example.com/r.mp3",
            direction="inbound",
            status="completed",
        ),
        make_call(
            sid="b",
            agent=other_agent,
            exophone=nameless_line,
            duration=0,
            price=Decimal("0"),
            direction="outbound-dial",
            status="no-answer",
        ),
        make_call(sid="c", agent=None, exophone=None, duration=None, price=None, status="busy"),
        make_call(
            sid="d",
            agent=agent,
            from_number="",
            to_number="+1 (555) <x>&",
            status="pending",
            direction="outbound-api",
        ),
        make_call(sid="e", agent=agent, status="queued", direction="sideways", to_number="12345"),
        make_call(sid="f", agent=other_agent, status="weird & <new>", price=Decimal("0.6")),
        make_call(sid="g", status="failed", duration=59, recording_url="x"),
        make_call(sid="h", status="canceled"),
        make_call(sid="i", status="in-progress"),
        make_call(sid="j", status="lost"),
        make_call(sid="k", status="not-placed"),
        make_call(sid="l", status="ringing"),
    ]
    for call, moment in zip(calls, moments, strict=True):
        Call.objects.filter(pk=call.pk).update(date_created=moment)
    wrap_up(calls[0], dispositions["resolved"], note="refund")
    wrap_up(calls[1])  # no disposition
    wrap_up(calls[2], dispositions["spam"])


def newest_first(calls):
    return calls.order_by("-date_created", "-id")


def models_and_rows():
    """The calls as model instances, for the reference, and as the log reads them, newest first."""
    models = newest_first(Call.objects.select_related("exophone", "agent", "wrap_up__disposition"))
    return list(models), list(newest_first(for_rows(Call.objects.all())))


@pytest.mark.parametrize("shows_agent", [True, False], ids=["manager", "agent"])
def test_each_row_is_the_html_format_html_wrote(varied_calls, shows_agent):
    models, rows = models_and_rows()
    assert len(rows) == 12
    assert table_rows(rows, shows_agent) == reference_rows(models, shows_agent)


def test_the_rows_read_neither_the_flow_nor_other_columns(varied_calls, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        rows = list(newest_first(for_rows(Call.objects.all())))
        table_rows(rows, shows_agent=True)
    assert [row.sid for row in rows][:3] == ["a", "b", "c"]
    sql = captured.captured_queries[0]["sql"]
    assert "numbers_flow" not in sql and "request_options" not in sql


def test_a_user_with_the_same_name_as_escaped_html_is_not_unescaped(db):
    """The agents' cells are cached by id within a page: two agents are two cells."""
    first = User.objects.create_user("amp", first_name="&amp;")
    second = User.objects.create_user("plain", first_name="&")
    make_call(sid="one", agent=first, date_created=T0)
    make_call(sid="two", agent=second, date_created=T0 - timedelta(minutes=1))
    models, rows = models_and_rows()
    html = table_rows(rows, shows_agent=True)
    assert html == reference_rows(models, shows_agent=True)
    assert "&amp;amp;" in html and html.count('<td class="text-wrap">&amp;</td>') == 1
