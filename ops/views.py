from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import health


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitors: 200 when the database answers and a worker beat lately, else 503."""
    healthy, body = health.report()
    return JsonResponse(body, status=200 if healthy else 503)
