"""Is the log keeping up with Exotel? The last sync and reconcile runs, and the calls that look stuck."""

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone

from calls.models import FINAL_STATUSES, Call, Status
from lib.roles import manager_required
from ops.models import SyncRun

STUCK_AFTER = timedelta(hours=1)


@manager_required
def sync_health(request):
    now = timezone.now()
    not_final = Call.objects.exclude(status__in=FINAL_STATUSES)
    stuck = not_final.filter(date_created__lt=now - STUCK_AFTER).select_related("agent")
    context = {
        "last_sync": SyncRun.objects.filter(kind=SyncRun.Kind.SYNC).first(),
        "last_reconcile": SyncRun.objects.filter(kind=SyncRun.Kind.RECONCILE).first(),
        "runs": SyncRun.objects.all()[:20],
        "stuck_count": stuck.count(),
        "stuck_calls": stuck.order_by("date_created")[:20],
        "unknown_count": Call.objects.filter(status=Status.UNKNOWN).count(),
        "awaiting_price_count": Call.objects.filter(status=Status.COMPLETED, price__isnull=True).count(),
        "due_count": Call.objects.filter(next_check_at__lte=now).count(),
        "stuck_after": STUCK_AFTER,
    }
    return render(request, "ops/sync_health.html", context)
