"""The live wallboard for managers, and anyone's own live call (the fragment an agent's home shows).

Both update by htmx polling a small fragment every 2 s, not by server-sent events: the web runs on sync
gunicorn workers, and each SSE viewer would hold a worker for as long as the page stays open; a poll costs one
short request of a fixed few queries, and passes any proxy.
"""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from calls.models import LIVE_STATUSES, Call
from lib.durations import tick_from
from lib.roles import manager_required, role_required

from .board import board as board_figures
from .board import with_phase
from .rows import live_rows_html


@manager_required
@require_GET
def wallboard(request):
    return render(request, "calls/live.html", _board())


@manager_required
@require_GET
def board(request):
    return render(request, "calls/_live_board.html", _board())


def _board():
    figures = board_figures()
    return figures | {"live_rows": live_rows_html(figures["live"])}


@role_required
@require_GET
def my_live_call(request):
    """The viewer's own newest call not final, whatever their role: a manager's own calls count too."""
    now = timezone.now()
    mine = Call.objects.filter(agent=request.user, status__in=LIVE_STATUSES).select_related(
        "exophone", "flow"
    )
    call = mine.order_by("-date_created", "-id").first()
    return render(
        request,
        "calls/_my_live_call.html",
        {"live_call": call and with_phase(call, now), "now_iso": tick_from(now)},
    )
