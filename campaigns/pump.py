"""The campaigns' pump, run every second by the scheduler: settle finished calls, then start the next dials.

Each dial is an ordinary flow call, created pending and dialled by the click-to-call task and claim
(`calls/placing/tasks.py::dial_call`), so idempotency, never dialling twice on an unknown outcome, callbacks
and reconciliation hold for it too. The budget: campaigns together start at most CAMPAIGN_SHARE of Exotel's
limit in any window of the limiter (their attempts are the ledger), evenly over the window, and at most
CAMPAIGN_DIALS_IN_FLIGHT wait for a worker at once, so an agent's click-to-call (a higher task priority, and
the rest of the limit) is never held behind a campaign. Running campaigns take turns, one dial each.
"""

import math
import uuid
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from calls.models import FINAL_STATUSES, Call, Direction, Status
from calls.placing.tasks import dial_call
from calls.tracking.reconcile import PENDING_CHECK

from .models import Attempt, Campaign, Contact
from .outcomes import verdict_of
from .window import CallingWindow

TICK_SECONDS = 1.0
CAMPAIGN_DIAL_PRIORITY = -10  # below every other task, so a worker takes an agent's dial first
SETTLE_BATCH = 500
UNFINISHED = [Contact.State.WAITING, Contact.State.DIALLING, Contact.State.RETRY]
ATTEMPT_KEYS = uuid.UUID("6f1c6a52-6d0c-4a52-9d5e-2d1b1f2a7c3e")


class PumpResult(NamedTuple):
    settled: int
    dialled: int
    finished: int


def pump(now=None) -> PumpResult:
    now = now or timezone.now()
    settled = settle(now)
    finished = finish_campaigns(now)
    dialled = dial_due(now)
    return PumpResult(settled, dialled, finished)


def campaign_share() -> int:
    """Dials all campaigns together may start in one window of the limiter."""
    return max(1, int(settings.EXOTEL_RATE_LIMIT_PER_MINUTE * settings.CAMPAIGN_SHARE))


def settle(now) -> int:
    """Give every contact whose call has ended its outcome: done, a retry later, or back in line."""
    with transaction.atomic():
        contacts = list(
            Contact.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=Contact.State.DIALLING, last_call__status__in=FINAL_STATUSES)
            .select_related("last_call", "campaign")[:SETTLE_BATCH]
        )
        for contact in contacts:
            _settle_one(contact, now)
        Contact.objects.bulk_update(
            contacts, ["state", "outcome", "attempts", "next_attempt_at", "done_at"], batch_size=SETTLE_BATCH
        )
    return len(contacts)


def _settle_one(contact, now):
    campaign, call = contact.campaign, contact.last_call
    verdict = verdict_of(call)
    if verdict.stops_campaign:
        contact.attempts -= 1  # not this customer's doing: the attempt does not count against them
        Campaign.objects.filter(pk=campaign.pk, state=Campaign.State.RUNNING).update(
            state=Campaign.State.PAUSED, stop_reason=verdict.stops_campaign[:500]
        )
        campaign.state = Campaign.State.PAUSED
    contact.outcome = verdict.outcome
    may_retry = campaign.state != Campaign.State.CANCELLED and contact.attempts < campaign.max_attempts
    if verdict.stops_campaign and campaign.state != Campaign.State.CANCELLED:
        contact.state, contact.next_attempt_at = Contact.State.RETRY, now
    elif verdict.retry and may_retry:
        contact.state = Contact.State.RETRY
        contact.next_attempt_at = max(call.end_time or now, now) + campaign.retry_after
    else:
        contact.state, contact.next_attempt_at, contact.done_at = Contact.State.DONE, None, now


def finish_campaigns(now) -> int:
    """A running campaign with nobody left to call, or waiting for a call, has finished."""
    finished = [
        campaign.pk
        for campaign in Campaign.objects.filter(state=Campaign.State.RUNNING).only("pk")
        if not Contact.objects.filter(campaign=campaign, state__in=UNFINISHED).exists()
    ]
    return Campaign.objects.filter(pk__in=finished, state=Campaign.State.RUNNING).update(
        state=Campaign.State.FINISHED, ended_at=now
    )


def dial_due(now) -> int:
    """Start as many dials as the campaigns' budget allows this second, the running campaigns in turn."""
    allowed = _dials_allowed(now)
    if allowed <= 0:
        return 0
    running = [
        campaign
        for campaign in Campaign.objects.filter(state=Campaign.State.RUNNING)
        .select_related("exophone", "flow")
        .order_by(F("last_dial_at").asc(nulls_first=True), "pk")
        if CallingWindow.of(campaign).is_open(now)
    ]
    started = 0
    while allowed > started and running:
        share = math.ceil((allowed - started) / len(running))
        for campaign in list(running):
            made = _start_dials(campaign, min(share, allowed - started), now)
            started += made
            if made < share:
                running.remove(campaign)  # nobody due: the others take its turn
            if started >= allowed:
                break
    return started


def _dials_allowed(now) -> int:
    window = settings.EXOTEL_RATE_LIMIT_WINDOW_SECONDS
    recent = Attempt.objects.filter(created_at__gt=now - timedelta(seconds=window))
    waiting = recent.filter(call__status__in=[Status.PENDING, Status.QUEUED], call__sid__isnull=True).count()
    share = campaign_share()
    evenly = math.ceil(share / window * TICK_SECONDS)
    return min(share - recent.count(), evenly, settings.CAMPAIGN_DIALS_IN_FLIGHT - waiting)


def _start_dials(campaign, count, now) -> int:
    with transaction.atomic():
        # The row lock orders this with a pause or cancel (services.campaign_step): after one, no dial.
        if not Campaign.objects.select_for_update().filter(pk=campaign.pk, state=Campaign.State.RUNNING):
            return 0
        due = Contact.objects.select_for_update(skip_locked=True).filter(campaign=campaign)
        contacts = list(
            due.filter(state=Contact.State.RETRY, next_attempt_at__lte=now).order_by(
                "next_attempt_at", "line"
            )[:count]
        )
        if len(contacts) < count:
            contacts += list(
                due.filter(state=Contact.State.WAITING).order_by("line")[: count - len(contacts)]
            )
        if not contacts:
            return 0
        calls = Call.objects.bulk_create([_flow_call(campaign, contact, now) for contact in contacts])
        Attempt.objects.bulk_create(
            [
                Attempt(
                    contact=contact,
                    number=contact.calls_made + 1,
                    call=call,
                    campaign=campaign,
                    created_at=now,
                )
                for contact, call in zip(contacts, calls, strict=True)
            ]
        )
        for contact, call in zip(contacts, calls, strict=True):
            contact.state, contact.last_call, contact.next_attempt_at = Contact.State.DIALLING, call, None
            contact.attempts += 1
            contact.calls_made += 1
        Contact.objects.bulk_update(
            contacts, ["state", "last_call", "next_attempt_at", "attempts", "calls_made"]
        )
        Campaign.objects.filter(pk=campaign.pk).update(last_dial_at=now)
        call_ids = [call.pk for call in calls]
        transaction.on_commit(lambda: _enqueue_dials(call_ids))
    return len(contacts)


def _flow_call(campaign, contact, now):
    return Call(
        status=Status.PENDING,
        direction=Direction.OUTBOUND_API,
        exophone=campaign.exophone,
        phone_number=campaign.exophone.number,
        flow=campaign.flow,
        # As in any flow call, Exotel rings the customer first (From) and connects them to the flow.
        from_number=contact.number,
        to_number=campaign.exophone.number,
        date_created=now,
        custom_field=contact.custom_field,
        idempotency_key=uuid.uuid5(ATTEMPT_KEYS, f"{contact.pk}:{contact.calls_made + 1}"),
        # Should the dial task be lost, the reconciler enqueues it again, as for click-to-call.
        next_check_at=now + PENDING_CHECK,
    )


def _enqueue_dials(call_ids):
    dial = dial_call.using(priority=CAMPAIGN_DIAL_PRIORITY)
    for call_id in call_ids:
        dial.enqueue(call_id)


def has_work() -> bool:
    """Whether the pump has anything to do: a campaign running, or a campaign call still to settle."""
    return (
        Campaign.objects.filter(state=Campaign.State.RUNNING).exists()
        or Contact.objects.filter(state=Contact.State.DIALLING).exists()
    )
