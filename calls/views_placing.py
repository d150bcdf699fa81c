from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import is_manager, role_required
from audit.models import Action
from audit.services import audit_object
from exonumbers.phone import InvalidNumber, to_e164
from exotel_dashboard.exotel import ExotelError
from ops.ratelimit import RateLimitTimeout

from .exotel_client import shared_client
from .forms import ClickToCallForm, FlowCallForm
from .models import Status
from .placing import call_place
from .selectors import calls_visible_to
from .status_display import describe
from .tasks import refresh_call as refresh_call_task

NUMBER_INFO_TTL = 24 * 3600
LOOKUP_MAX_WAIT = 2  # seconds for a rate-limit slot: the lookup is a nicety, dials come first


def _place(request, form_class, template):
    if request.method == "POST":
        form = form_class(request.POST, agent=request.user)
        if form.is_valid():
            call, is_new = call_place(agent=request.user, form=form)
            if call is not None:
                if is_new:
                    audit_object(request=request, action=Action.CALL_PLACED, obj=call)
                return redirect("call-detail", call_id=call.pk)
            form.add_error(None, "This form was already used. Reload the page and try again.")
    else:
        form = form_class(agent=request.user, initial={"to": request.GET.get("to", "")[:32]})
    return render(request, template, {"form": form})


@login_required
@role_required
def new_call(request):
    return _place(request, ClickToCallForm, "calls/new.html")


@login_required
@role_required
def new_flow_call(request):
    return _place(request, FlowCallForm, "calls/new_flow.html")


@login_required
@role_required
def call_detail(request, call_id):
    call = get_object_or_404(calls_visible_to(request.user), pk=call_id)
    events = call.events.order_by("received_at", "id")
    context = {"call": call, "phase": describe(call), "events": events, "show_raw": is_manager(request.user)}
    return render(request, "calls/detail.html", context)


@login_required
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


@login_required
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


@login_required
@role_required
@require_GET
def number_lookup(request):
    """Operator, circle and DND of the customer's number, before dialling. Cached for a day."""
    try:
        number = to_e164(request.GET.get("to", ""))
    except InvalidNumber as exc:
        return render(request, "calls/_lookup.html", {"error": str(exc) if request.GET.get("to") else ""})
    key = f"number-info:{number}"
    info = cache.get(key)
    if info is None:
        try:
            info = shared_client(max_wait=LOOKUP_MAX_WAIT).number_info(number)
        except (ExotelError, RateLimitTimeout):
            return render(
                request, "calls/_lookup.html", {"error": "Exotel could not tell us about this number."}
            )
        cache.set(key, info, NUMBER_INFO_TTL)
    return render(request, "calls/_lookup.html", {"info": info, "number": number})
