from datetime import timedelta

from django.contrib.auth.decorators import login_not_required, login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.roles import manager_required
from calls.models import FINAL_STATUSES, Call, Status

from . import health
from .models import SyncRun

STUCK_AFTER = timedelta(hours=1)


@login_required
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


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitors: 200 when the database answers and a worker beat lately, else 503."""
    healthy, body = health.report()
    return JsonResponse(body, status=200 if healthy else 503)
