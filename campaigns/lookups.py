"""The DND check: one look-up of each number in Exotel's Numbers API, from the campaigns' share of the budget.

A number on the registry is never dialled (the contact ends as DND); one Exotel could not tell about is
dialled, and Exotel itself refuses it if it is registered after all.
"""

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from calls.shared_client import shared_client
from exotel.client import ExotelError
from ops.ratelimit import RateLimitTimeout

from .models import Contact

log = logging.getLogger(__name__)
SLOT_WAIT = 30  # seconds for a limiter slot; the pump counted this look-up in the campaigns' share already


@task
def check_numbers(contact_ids: list[int]):
    client = shared_client(max_wait=SLOT_WAIT)
    for contact_id in contact_ids:
        contact = Contact.objects.filter(pk=contact_id, dnd=Contact.Dnd.CHECKING).first()
        if contact is None:
            continue  # checked already, by a run before this one
        try:
            registered = client.number_info(contact.number).dnd
        except RateLimitTimeout:
            # No slot in time (dials come first): these numbers are asked again on a later second.
            Contact.objects.filter(pk__in=contact_ids, dnd=Contact.Dnd.CHECKING).update(
                dnd=Contact.Dnd.UNCHECKED
            )
            return
        except (ExotelError, ValueError) as exc:
            log.warning("DND check of contact %s: %s", contact_id, exc)
            registered = None
        record_dnd(contact_id, registered)


def record_dnd(contact_id, registered):
    """Registered: the contact is done, unless a call of theirs is already under way."""
    now = timezone.now()
    with transaction.atomic():
        contact = Contact.objects.select_for_update().filter(pk=contact_id).first()
        if contact is None:
            return
        if registered is None:
            contact.dnd = Contact.Dnd.UNKNOWN
        elif not registered:
            contact.dnd = Contact.Dnd.CLEAR
        else:
            contact.dnd = Contact.Dnd.REGISTERED
            if contact.state in {Contact.State.WAITING, Contact.State.RETRY}:
                contact.state, contact.outcome = Contact.State.DONE, Contact.Outcome.DND
                contact.next_attempt_at, contact.done_at = None, now
        contact.save(update_fields=["dnd", "state", "outcome", "next_attempt_at", "done_at"])
