"""The call page: what we know of one call, its live parts polled while it lasts, and asking Exotel again.

The page polls one fragment every second while the call is not final (or a refresh is on its way). Every part
comes back out of band; the parts that a swap would disturb (the status announced to screen readers, the
recording's player, the time line with its open raw bodies) only when they changed since the page showed them:
the page sends what it shows (`#call-shown`).
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from calls.customer_history import customer_history_for
from calls.models import Call, CallEvent, Direction, Status
from calls.selectors import calls_visible_to
from calls.status_display import describe, status_phase
from calls.tasks import refresh_call as refresh_call_task
from calls.wrapup.panel import wrap_up_panel
from lib.durations import tick_from
from lib.phone import pretty
from lib.roles import is_manager, role_required

# Exotel's answer this soon after the last would be the same; each refresh costs a slot of everyone's minute.
ASKED_RECENTLY = timedelta(seconds=30)
# A refresh queued longer ago than this was lost with its worker: another may be queued.
REFRESH_LOST_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class Said:
    """A short answer beside the Refresh button (a message after a redirect without htmx)."""

    text: str
    level: int = messages.INFO

    @property
    def alert(self):
        return {messages.WARNING: "warning", messages.ERROR: "danger"}.get(self.level, "info")


@role_required
def call_detail(request, call_id):
    call = get_object_or_404(calls_visible_to(request.user), pk=call_id)
    return call_page(request, call, wrap_up=wrap_up_panel(request, call))


def call_page(request, call, *, wrap_up, status=200):
    """The call page around a wrap-up panel: the wrap-up's view shows it again with its form's errors."""
    context = {
        **live_parts(request, call, shown={}),
        "heading": call_heading(call),
        "customer": pretty(call.customer_number),
        "wrap_up": wrap_up,
        "history": customer_history_for(request.user, call.customer_number, leaving_out=call),
    }
    return render(request, "calls/detail.html", context, status=status)


def call_heading(call):
    """The words before the customer's number in the page's title: who called whom."""
    if call.flow_id:
        return "Flow call to"
    return "Call from" if call.direction == Direction.INBOUND else "Call with"


def live_parts(request, call, *, shown, refresh_id="", said=None):
    """What changes on the page while a call lasts, and which parts differ from what the page `shown`."""
    now = timezone.now()
    phase = describe(call)
    events = list(call.events.order_by("received_at", "id"))
    showing = {
        "phase": phase.label,
        "events": f"{len(events)}.{events[-1].pk if events else 0}.{call.status}",
        "recording": f"{bool(call.recording_url)}.{phase.final}",
    }
    return {
        "call": call,
        "phase": phase,
        "events": events,
        "show_raw": is_manager(request.user),
        "showing": showing,
        "changed": {part for part, value in showing.items() if shown.get(part) != value},
        "now_iso": tick_from(now),
        "elapsed": None if phase.final else _elapsed(call, now),
        "polling": not phase.final or bool(refresh_id),
        "refresh_id": refresh_id,
        "said": said,
    }


def _elapsed(call, now):
    since = call.start_time or call.date_created
    return {
        "words": "Started" if call.start_time else "Placed",
        "iso": tick_from(since),
        "seconds": max(0, int((now - since).total_seconds())),
    }


@role_required
@require_GET
def call_status(request, call_id):
    """Asked every second by everyone watching a live call: a fixed handful of queries."""
    visible = calls_visible_to(request.user).select_related("agent", "exophone", "flow")
    call = get_object_or_404(visible, pk=call_id)
    said, refresh_id = _refresh_outcome(call, request.GET.get("refresh", ""))
    context = live_parts(request, call, shown=request.GET, refresh_id=refresh_id, said=said)
    if context["phase"].final and "phase" in context["changed"]:
        # Just ended: the wrap-up form takes the focus as it would on a page loaded now.
        context["focus_wrap_up"] = wrap_up_panel(request, call).focus
    return render(request, "calls/_call_live.html", context)


@role_required
@require_POST
def refresh_call(request, call_id):
    call = get_object_or_404(calls_visible_to(request.user), pk=call_id)
    said, refresh_id = _ask_exotel(call)
    if not request.htmx:
        messages.add_message(request, said.level, said.text)
        return redirect("call-detail", call_id=call.pk)
    call.refresh_from_db()
    context = live_parts(request, call, shown=request.POST, refresh_id=refresh_id, said=said)
    return render(request, "calls/_call_live.html", context)


def _ask_exotel(call):
    """What to say about a click of Refresh, and the id of the refresh's task while it waits for a worker."""
    if not (call.sid or call.status in {Status.UNKNOWN, Status.QUEUED}):
        return Said("Exotel has no Sid for this call yet: there is nothing to ask.", messages.WARNING), ""
    result = _queue_refresh(call)
    if result is None:
        return Said(_why_not_now(call)), ""
    if result.is_finished:
        call.refresh_from_db()
        return _what_exotel_said(call, result), ""
    return Said("Asked Exotel about this call; its answer appears here and in the time line."), result.id


def _refresh_outcome(call, result_id):
    """A refresh the page waits for: what Exotel said once its task has run, else its id to ask again."""
    if not result_id:
        return None, ""
    try:
        result = refresh_call_task.get_result(result_id)
    except (TaskResultDoesNotExist, TaskResultMismatch, NotImplementedError):
        return None, ""
    if list(result.args) != [call.pk]:
        return None, ""
    if not result.is_finished:
        return None, result_id
    return _what_exotel_said(call, result), ""


def _what_exotel_said(call, result):
    if result.status != TaskResultStatus.SUCCESSFUL:
        return Said(f"Asking Exotel failed: {_error_words(result)}", messages.ERROR)
    answers = call.events.exclude(source=CallEvent.Source.CALLBACK)
    answers = answers.filter(received_at__gte=result.enqueued_at)
    newest = answers.order_by("received_at", "id").last()
    if newest and newest.verdict == CallEvent.Verdict.REJECTED:
        return Said(f"Exotel answered: {newest.note}", messages.WARNING)
    if newest or call.sid:
        # No new event: Exotel repeated what it had said, which is already the call's status.
        status = newest.status if newest else call.status
        return Said(f"Exotel says: {status_phase(status).label.lower()}.")
    return Said("Exotel does not list this call yet.", messages.WARNING)


def _error_words(result):
    # A task's error comes back as its traceback, whose last line is "module.ErrorClass: the words".
    last_line = result.errors[-1].traceback.strip().splitlines()[-1] if result.errors else ""
    return last_line.partition(": ")[2] or "no reason given."


def _queue_refresh(call):
    """Queue a refresh (its task's result; None if not) unless one is on its way or Exotel was asked about
    the call (by anyone) just now.

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
        return None
    try:
        return refresh_call_task.enqueue(call.pk)
    except Exception:
        Call.objects.filter(pk=call.pk, refresh_queued_at=now).update(refresh_queued_at=None)
        raise


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
