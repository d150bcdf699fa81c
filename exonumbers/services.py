"""Exotel refusing an ExoPhone as caller ID, and an admin taking it back into use: written and audited."""

from django.db import transaction
from django.utils import timezone

from audit.models import Action, AuditEntry
from audit.services import audit_object
from lib.storable import storable

from .models import ExoPhone

EXOTEL = "Exotel"  # who the audit trail says refused it: no person did


def exophone_mark_refused(*, exophone_id, number, reason, call_id):
    """Stop offering the ExoPhone: Exotel answered a dial with it that it is not the account's.

    Only while it still has the number that was dialled (an admin may have corrected it since), and once: the
    first refusal's time and words stay until an admin re-enables it. Returns whether it was marked now.
    """
    reason = storable(reason)[:500]
    with transaction.atomic():
        marked = ExoPhone.objects.filter(pk=exophone_id, number=number, refused_at__isnull=True).update(
            refused_at=timezone.now(), refused_reason=reason
        )
        if marked:
            exophone = ExoPhone.objects.get(pk=exophone_id)
            AuditEntry.objects.create(
                actor_name=EXOTEL,
                action=Action.EXOPHONE_REFUSED,
                target_type=str(ExoPhone._meta.verbose_name),
                target_id=str(exophone.pk),
                target=str(exophone)[:200],
                details={"Exotel said": reason, "on the dial of call": call_id},
            )
    return bool(marked)


def exophone_reenable(*, request, exophone, why):
    """Offer a refused ExoPhone again; `why` says what changed (an admin's word, or its corrected number)."""
    if exophone.refused_at is None:
        return False
    details = {
        "why": why,
        "refused at": exophone.refused_at.isoformat(),
        "Exotel had said": exophone.refused_reason,
    }
    exophone.refused_at, exophone.refused_reason = None, ""
    exophone.save(update_fields=["refused_at", "refused_reason"])
    audit_object(request=request, action=Action.EXOPHONE_REENABLED, obj=exophone, details=details)
    return True
