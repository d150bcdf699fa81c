"""The call page: what we know of one call, its live status fragment, and asking Exotel again."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from calls.models import Status
from calls.selectors import calls_visible_to
from calls.status_display import describe
from calls.tasks import refresh_call as refresh_call_task
from lib.roles import is_manager, role_required


@role_required
def call_detail(request, call_id):
    call = get_object_or_404(calls_visible_to(request.user), pk=call_id)
    events = call.events.order_by("received_at", "id")
    context = {"call": call, "phase": describe(call), "events": events, "show_raw": is_manager(request.user)}
    return render(request, "calls/detail.html", context)


@role_required
@require_POST
def refresh_call(request, call_id):
    call = get_object_or_404(calls_visible_to(request.user), pk=call_id)
    if call.sid or call.status in {Status.UNKNOWN, Status.QUEUED}:
        refresh_call_task.enqueue(call.pk)
        messages.info(request, "Asked Exotel about this call; what it says appears in the time line.")
    else:
        messages.warning(request, "Exotel has no Sid for this call yet: there is nothing to ask.")
    return redirect("call-detail", call_id=call.pk)


@role_required
@require_GET
def call_status(request, call_id):
    call = get_object_or_404(calls_visible_to(request.user), pk=call_id)
    phase = describe(call)
    response = render(request, "calls/_status.html", {"call": call, "phase": phase})
    if phase.final and request.htmx:
        response["HX-Refresh"] = (
            "true"  # the call just ended: show its whole page, Sid and time line included
        )
    return response
