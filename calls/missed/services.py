"""The queue's writes: an agent claims a customer to call back (or lets go), a manager dismisses one.

A claim is held while it is under CLAIM_LAPSE old, or while the claimant's call to the customer, placed since
the claim, is live or ended less than CLAIM_LAPSE ago: the call back is under way, or just missed them.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from calls.models import LIVE_STATUSES, Call, MissedCustomer

CLAIM_LAPSE = timedelta(minutes=10)
# Exotel's DateCreated of the call back has whole seconds and Exotel's clock: a call a moment before the
# claim, as stored, is still the claimant's call back.
CLOCK_SLACK = timedelta(minutes=1)


class Refused(Exception):
    """The queue says no, with words for the person who asked."""


def person(user):
    return (user.get_full_name() or user.get_username()) if user else "Someone"


def claimants_calls(now):
    """For a row of an outer query: the claimant's call to the customer since the claim, live or just over."""
    ended = Coalesce("end_time", "status_changed_at", "date_created")
    return (
        Call.objects.filter(
            agent=OuterRef("claimed_by"), date_created__gte=OuterRef("claimed_at") - CLOCK_SLACK
        )
        .filter(Q(to_number=OuterRef("number")) | Q(from_number=OuterRef("number")))
        .alias(ended=ended)
        .filter(Q(status__in=LIVE_STATUSES) | Q(ended__gt=now - CLAIM_LAPSE))
    )


def with_claims(rows, *, now):
    """Rows annotated with `claim_held`: a claim that still keeps others off."""
    held = Q(claimed_by__isnull=False) & (Q(claimed_at__gt=now - CLAIM_LAPSE) | Exists(claimants_calls(now)))
    return rows.annotate(claim_held=Case(When(held, then=Value(True)), default=Value(False)))


def _locked_row(row_id, now):
    """The row, locked, with its claim judged; MissedCustomer.DoesNotExist if there is none."""
    row = MissedCustomer.objects.select_for_update().get(pk=row_id)
    return with_claims(MissedCustomer.objects.filter(pk=row.pk), now=now).select_related("claimed_by").get()


def _refuse_unless_waiting(row):
    if row.state == MissedCustomer.State.RESOLVED:
        raise Refused("Someone has talked to this customer since: they are no longer waiting.")
    if row.state == MissedCustomer.State.DISMISSED:
        raise Refused("A manager dismissed this customer: they are no longer waiting.")


@transaction.atomic
def missed_claim(*, row_id, user, now=None):
    """Claim the customer for `user` to call back. Claiming again renews one's own claim."""
    now = now or timezone.now()
    row = _locked_row(row_id, now)
    _refuse_unless_waiting(row)
    if row.claim_held and row.claimed_by_id != user.pk:
        raise Refused(f"{person(row.claimed_by)} is calling this customer back.")
    row.claimed_by, row.claimed_at = user, now
    row.save(update_fields=["claimed_by", "claimed_at"])
    return row


@transaction.atomic
def missed_release(*, row_id, user, now=None):
    """The claimant lets the customer go back to the queue for anyone to call."""
    row = _locked_row(row_id, now or timezone.now())
    if row.claimed_by_id != user.pk:
        raise Refused("Only the person calling this customer back can let them go.")
    row.claimed_by = row.claimed_at = None
    row.save(update_fields=["claimed_by", "claimed_at"])
    return row


@transaction.atomic
def missed_dismiss(*, row_id, user, reason, note="", now=None):
    """A manager takes the customer off the queue for good (a new try after this makes a new row)."""
    now = now or timezone.now()
    row = _locked_row(row_id, now)
    _refuse_unless_waiting(row)
    row.state = MissedCustomer.State.DISMISSED
    row.dismissed_by, row.dismissed_at = user, now
    row.dismiss_reason, row.dismiss_note = reason, note
    row.claimed_by = row.claimed_at = None
    row.save()
    return row
