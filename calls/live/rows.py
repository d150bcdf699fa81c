"""The wallboard's "Now" rows, written in one pass.

The board is asked every 2 s by every manager who has it open; at 50 live calls the template's loop was most
of the fragment's time (11,000 variable look-ups a render), as the call log's rows were (calls/log/tables.py).
"""

from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from calls.status_display import badge_html
from calls.templatetags.phone_links import phone_link
from lib.durations import clock

ROW = (
    '<tr data-testid="live-call" data-call="{}">'
    '<td><a href="{}" class="text-decoration-none">{}</a></td>'
    '<td class="num"><span data-since="{}">{}</span></td>'
    '<td>{}</td><td class="text-nowrap">{}</td><td>{}</td><td>{}</td><td class="small">{}</td></tr>'
)
NO_AGENT = mark_safe('<span class="text-body-secondary">no agent</span>')
LINE_BREAK = mark_safe("<br>")


def live_rows_html(live):
    return format_html_join("", ROW, (_cells(call) for call in live))


def _cells(call):
    agent = call.agent
    return (
        call.pk,
        reverse("call-detail", args=[call.pk]),
        badge_html(call.phase, "live-phase"),
        call.in_status.iso,
        clock(call.in_status.seconds),
        (agent.get_full_name() or agent.get_username()) if agent else NO_AGENT,
        phone_link(call.customer_number),
        (call.exophone and call.exophone.friendly_name) or call.phone_number or "—",
        call.flow.name if call.flow else "—",
        format_html_join(LINE_BREAK, "{}: {}", ((whose, status or "—") for whose, _, status, _ in call.legs)),
    )
