"""Placing calls: the click-to-call and flow-call forms, and the number look-up beside them."""

import math

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from audit.models import Action
from audit.services import audit_object
from calls.customer_history import customer_history_for
from calls.shared_client import shared_client
from exotel.client import ExotelError
from lib.phone import InvalidNumber, to_e164
from lib.roles import role_required
from ops.ratelimit import RateLimitTimeout, acquire

from .forms import ClickToCallForm, FlowCallForm
from .services import call_place

NUMBER_INFO_TTL = 24 * 3600
LOOKUP_MAX_WAIT = 2  # seconds for a rate-limit slot: the lookup is a nicety, dials come first
LOOKUP_WINDOW = 60  # seconds: a person's EXOTEL_LOOKUPS_PER_MINUTE


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


@role_required
def new_call(request):
    return _place(request, ClickToCallForm, "calls/new.html")


@role_required
def new_flow_call(request):
    return _place(request, FlowCallForm, "calls/new_flow.html")


@role_required
@require_GET
def number_lookup(request):
    """Operator, circle and DND of the customer's number, before dialling (cached for a day), and our own
    history of calls with it, which costs no request to Exotel and shows whatever Exotel answers."""
    typed = request.GET.get("to", "")
    try:
        number = to_e164(typed)
    except InvalidNumber as exc:
        return render(request, "calls/_lookup.html", {"error": str(exc) if typed else ""})
    context = {"number": number, "history": customer_history_for(request.user, number)}
    return render(request, "calls/_lookup.html", context | _number_info(request, number))


def _number_info(request, number):
    key = f"number-info:{number}"
    info = cache.get(key)
    if info is None:
        try:
            acquire(
                bucket=f"lookups:{request.user.pk}",
                limit=settings.EXOTEL_LOOKUPS_PER_MINUTE,
                window=LOOKUP_WINDOW,
                max_wait=0,
            )
        except RateLimitTimeout as busy:
            notice = (
                f"You have looked up {settings.EXOTEL_LOOKUPS_PER_MINUTE} new numbers in the last minute, "
                "the most for one person: this one was not looked up. "
                f"Try again in {math.ceil(busy.wait)} s."
            )
            return {"notice": notice}
        try:
            info = shared_client(max_wait=LOOKUP_MAX_WAIT).number_info(number)
        except (ExotelError, RateLimitTimeout):
            return {"error": "Exotel could not tell us about this number."}
        cache.set(key, info, NUMBER_INFO_TTL)
    return {"info": info}
