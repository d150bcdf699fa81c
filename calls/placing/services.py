"""Place a call: one row per intent, dialled by a background task once the row is committed."""

from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone

from calls.models import Call, Direction, Status
from calls.tracking.reconcile import PENDING_CHECK

from .tasks import dial_call


class Placed(NamedTuple):
    call: Call | None  # None when the token belongs to someone else's call (a tampered form)
    is_new: bool  # False when this form's token already made the call (the form posted twice)


def call_place(*, agent, form) -> Placed:
    """Create the pending call for a valid form, or find the one this form's token already made."""
    data = form.cleaned_data
    key = data["idempotency_key"]
    existing = Call.objects.filter(idempotency_key=key, agent=agent).first()
    if existing:
        return Placed(existing, is_new=False)
    flow = data.get("flow")
    customer = data["to"]
    fields = {
        "status": Status.PENDING,
        "direction": Direction.OUTBOUND_API,
        "agent": agent,
        "exophone": data["exophone"],
        "phone_number": data["exophone"].number,
        "flow": flow,
        # In a flow call Exotel rings the customer first (From) and connects them to the flow.
        "from_number": customer if flow else form.agent_phone,
        "to_number": data["exophone"].number if flow else customer,
        "date_created": timezone.now(),
        "custom_field": data.get("custom_field") or "",
        "request_options": form.options(),
        "idempotency_key": key,
        # Should the dial task be lost with its worker, the reconciler enqueues it again (calls/reconcile.py).
        "next_check_at": timezone.now() + PENDING_CHECK,
    }
    try:
        with transaction.atomic():
            call = Call.objects.create(**fields)
            transaction.on_commit(lambda: dial_call.enqueue(call.pk))
    except IntegrityError:  # the same form posted twice at the same moment
        return Placed(Call.objects.filter(idempotency_key=key, agent=agent).first(), is_new=False)
    return Placed(call, is_new=True)
