"""The call page: what we know of one call, its live status fragment, and asking Exotel again."""

import math
from datetime import timedelta

from django.contrib import messages
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from calls.customer_history import customer_history_for
from calls.models import Call, CallEvent, Status
from calls.selectors import calls_visible_to
from calls.status_display import describe
from calls.tasks import refresh_call as refresh_call_task
from calls.wrapup.panel import wrap_up_panel
from lib.roles import is_manager, role_required

# Exotel's answer this soon after the last would be the same; each refresh costs a slot of everyone's minute.
ASKED_RECENTLY = timedelta(seconds=30)
# A refresh queued longer ago than this was lost with its worker: another may be queued.
REFRESH_LOST_AFTER = timedelta(minutes=5)


@role_required
def call_detail(request, call_id):
    call = get_object_or_404(calls_visible_to(request.user), pk=call_id)
    return call_page(request, call, wrap_up=wrap_up_panel(request, call))


def call_page(request, call, *, wrap_up, status=200):
    """The call page around a wrap-up panel: the wrap-up's view shows it again with its form's errors."""
    context = {
        "call": call,
        "phase": describe(call),
        "events": call.events.order_by("received_at", "id"),
        "show_raw": is_manager(request.user),
        "wrap_up": wrap_up,
        "history": customer_history_for(request.user, call.customer_number, leaving_out=call),
    }
    return render(request, "calls/detail.html", context, status=status)


@role_required
@require_POST
def refresh_call(request, call_id):
    call = get_object_or_404(calls_visible_to(request.user), pk=call_id)
    if not (call.sid or call.status in {Status.UNKNOWN, Status.QUEUED}):
        messages.warning(request, "Exotel has no Sid for this call yet: there is nothing to ask.")
    elif _queue_refresh(call):
        messages.info(request, "Asked Exotel about this call; what it says appears in the time line.")
    else:
        messages.info(request, _why_not_now(call))
    return redirect("call-detail", call_id=call.pk)


def _queue_refresh(call):
    """Queue a refresh unless one is on its way or Exotel was asked about the call (by anyone) just now.

    One conditional update decides, so of many clicks at once only one queues a refresh.
    """
    now = timezone.now()
    claimed = (
        Call.objects.filter(pk=call.pk)
        .exclude(refresh_queued_at__gt=now - REFRESH_LOST_AFTER)
        .filter(
            Q(last_checked_at__isnull=True)
            | Q(last_checked_at__lte=now - ASKED_RECENTLY)
            | _connect_was_last()
        )
        .update(refresh_queued_at=now)
    )
    if not claimed:
        return False
    try:
        refresh_call_task.enqueue(call.pk)
    except Exception:
        Call.objects.filter(pk=call.pk, refresh_queued_at=now).update(refresh_queued_at=None)
        raise
    return True


def _connect_was_last():
    """The connect's answer notes when we asked, too; but it is the dial's news, not a check of the call."""
    return Exists(
        CallEvent.objects.filter(
            call=OuterRef("pk"), source=CallEvent.Source.CONNECT, received_at__gte=OuterRef("last_checked_at")
        )
    )


def _why_not_now(call):
    call.refresh_from_db(fields=["refresh_queued_at", "last_checked_at"])
    now = timezone.now()
    if call.last_checked_at and not call.refresh_queued_at and now - call.last_checked_at < ASKED_RECENTLY:
        ago = (now - call.last_checked_at).total_seconds()
        again = math.ceil(ASKED_RECENTLY.total_seconds() - ago)
        return f"Asked Exotel {int(ago)} s ago; try again in {again} s."
    return "A refresh is already on its way; what Exotel says appears in the time line."


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
