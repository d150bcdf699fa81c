"""The missed-call queue: customers waiting for a call back, claims, dismissals, and who was called back."""

from datetime import datetime, time

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from audit.models import Action
from audit.services import audit_object
from calls.models import MissedCustomer
from calls.selectors import calls_visible_to
from lib.roles import is_manager, manager_required, role_required

from .forms import DismissForm
from .services import Refused, missed_claim, missed_dismiss, missed_release, person, with_claims

QUEUE_LIMIT = 200  # oldest first: a queue longer than this is read from its head
RESOLVED_LIMIT = 50
State = MissedCustomer.State


def _start_of_today():
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def _mark_visible(user, rows, *fields):
    """Each row's `<field>_visible`: whether the viewer may open that call's page (agents: their own)."""
    ids = {getattr(row, f"{field}_id") for row in rows for field in fields} - {None}
    visible = set(calls_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    for row in rows:
        for field in fields:
            setattr(row, f"{field}_visible", getattr(row, f"{field}_id") in visible)
    return rows


@role_required
@require_GET
def queue(request):
    now = timezone.now()
    waiting = with_claims(MissedCustomer.objects.filter(state=State.WAITING), now=now)
    rows = list(waiting.select_related("exophone", "claimed_by", "last_call")[:QUEUE_LIMIT])
    resolved = MissedCustomer.objects.filter(state=State.RESOLVED, resolved_at__gte=_start_of_today())
    resolved = list(
        resolved.select_related("resolved_by__agent").order_by("-resolved_at", "-id")[:RESOLVED_LIMIT]
    )
    context = {
        "rows": _mark_visible(request.user, rows, "last_call"),
        "waiting_count": waiting.count() if len(rows) == QUEUE_LIMIT else len(rows),
        "resolved": _mark_visible(request.user, resolved, "resolved_by"),
        "can_dismiss": is_manager(request.user),
        "now": now,
    }
    return render(request, "calls/missed.html", context)


@manager_required
@require_GET
def dismissed(request):
    rows = MissedCustomer.objects.filter(state=State.DISMISSED).select_related("dismissed_by", "exophone")
    page = Paginator(rows.order_by("-dismissed_at", "-id"), 50).get_page(request.GET.get("page"))
    _mark_visible(request.user, page.object_list, "last_call")
    return render(request, "calls/missed_dismissed.html", {"page": page})


@role_required
@require_POST
def claim(request, row_id):
    """Call back (the claim, then the click-to-call form with the number), or let the customer go."""
    letting_go = request.POST.get("action") == "release"
    try:
        if letting_go:
            row = missed_release(row_id=row_id, user=request.user)
        else:
            row = missed_claim(row_id=row_id, user=request.user)
    except MissedCustomer.DoesNotExist:
        raise Http404("No such customer in the queue.") from None
    except Refused as refusal:
        messages.error(request, str(refusal))
        return redirect("missed")
    if letting_go:
        messages.info(request, f"{row} is back in the queue for anyone to call.")
        return redirect("missed")
    audit_object(request=request, action=Action.MISSED_CLAIMED, obj=row)
    return redirect(f"{reverse('call-new')}?{urlencode({'to': row.number})}")


@manager_required
def dismiss(request, row_id):
    rows = with_claims(MissedCustomer.objects.select_related("exophone", "claimed_by"), now=timezone.now())
    row = get_object_or_404(rows, pk=row_id)
    if row.state != State.WAITING:
        messages.error(request, f"{row}: no longer waiting, so there is nothing to dismiss.")
        return redirect("missed")
    form = DismissForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            row = missed_dismiss(row_id=row.pk, user=request.user, **form.cleaned_data)
        except (MissedCustomer.DoesNotExist, Refused) as refusal:
            messages.error(request, str(refusal) or "This customer is gone from the queue.")
            return redirect("missed")
        audit_object(
            request=request,
            action=Action.MISSED_DISMISSED,
            obj=row,
            details={"reason": row.dismiss_reason, "note": row.dismiss_note},
        )
        messages.success(request, f"Dismissed {row.number} ({row.get_dismiss_reason_display()}).")
        return redirect("missed")
    context = {"row": row, "form": form, "claimant": person(row.claimed_by) if row.claim_held else ""}
    return render(request, "calls/missed_dismiss.html", context)
