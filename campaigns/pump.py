"""The campaigns' pump, run every second by the scheduler: settle finished calls, then start the next dials.

Each dial is an ordinary flow call, created pending and dialled by the click-to-call task and claim
(`calls/placing/tasks.py::dial_call`), so idempotency, never dialling twice on an unknown outcome, callbacks
and reconciliation hold for it too. The budget: campaigns together start at most CAMPAIGN_SHARE of Exotel's
limit in any window of the limiter (their attempts and DND look-ups are the ledger), evenly over the window,
and at most CAMPAIGN_DIALS_IN_FLIGHT wait for a worker at once, so an agent's click-to-call (a higher task
priority, and the rest of the limit) is never held behind a campaign. Campaigns take turns.
"""

import math
import uuid
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from calls.models import FINAL_STATUSES, Call, Direction, Status
from calls.placing.tasks import BACKGROUND_DIAL_PRIORITY, dial_call
from calls.tracking.reconcile import PENDING_CHECK
from ops.ratelimit import Priority

from .lookups import check_numbers
from .models import Attempt, Campaign, Contact
from .outcomes import verdict_of
from .window import CallingWindow

TICK_SECONDS = 1.0
SETTLE_BATCH = 500
# Seconds a campaign's call may last: a reminder or survey flow takes minutes. It also bounds how long the
# reconciler looks for a call whose worker died between the claim and the request (§6: TimeLimit + 30 min)
# before the contact may be tried again; Exotel's default of 4 hours would hold the contact that long.
CALL_TIME_LIMIT = 3600
CHECK_LOST_AFTER = timedelta(minutes=5)
UNFINISHED = [Contact.State.WAITING, Contact.State.DIALLING, Contact.State.RETRY]
ATTEMPT_KEYS = uuid.UUID("6f1c6a52-6d0c-4a52-9d5e-2d1b1f2a7c3e")


class PumpResult(NamedTuple):
    settled: int
    dialled: int
    finished: int


def pump(now=None) -> PumpResult:
    now = now or timezone.now()
    settled = settle(now)
    sweep_checks(now)
    finished = finish_campaigns(now)
    dialled = dial_due(now)
    return PumpResult(settled, dialled, finished)


def campaign_share() -> int:
    """Dials all campaigns together may start in one window of the limiter."""
    return max(1, int(settings.EXOTEL_RATE_LIMIT_PER_MINUTE * settings.CAMPAIGN_SHARE))


def settle(now) -> int:
    """Give every contact whose call has ended its outcome: done, a retry later, or back in line."""
    with transaction.atomic():
        # The campaign's row too: a cancel or pause waits for this settle, or this one for it, so a contact
        # of a campaign just cancelled is never given a retry.
        contacts = list(
            Contact.objects.select_for_update(skip_locked=True, of=("self", "campaign"))
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
        # From the call's end, as the form says: a pump that was down retries at once what is overdue.
        contact.next_attempt_at = (call.end_time or now) + campaign.retry_after
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
    """Start as many requests (dials, and DND look-ups) as the campaigns' budget allows this second, the
    campaigns in turn: each running campaign's dials, each checking campaign's look-ups."""
    allowed = _requests_allowed(now)
    if allowed <= 0:
        return 0
    # Running campaigns dial (and may check); a draft may run its DND check before Start.
    drafts_checking = Q(state=Campaign.State.DRAFT, dnd_check=Campaign.DndCheck.RUNNING)
    campaigns = (
        Campaign.objects.filter(Q(state=Campaign.State.RUNNING) | drafts_checking)
        .select_related("exophone", "flow")
        # The fewest dials in the limiter's window first: the one that got the odd dial last second waits.
        .annotate(recent=Coalesce(Subquery(_dials_since(now)), 0))
        .order_by("recent", F("last_dial_at").asc(nulls_first=True), "pk")
    )
    turns = []
    for campaign in campaigns:
        if campaign.dnd_check == Campaign.DndCheck.RUNNING:
            turns.append((_start_checks, campaign))
        if campaign.state == Campaign.State.RUNNING and CallingWindow.of(campaign).is_open(now):
            turns.append((_start_dials, campaign))
    started = 0
    while allowed > started and turns:
        share = math.ceil((allowed - started) / len(turns))
        for turn in list(turns):
            start, campaign = turn
            made = start(campaign, min(share, allowed - started), now)
            started += made
            if made < share:
                turns.remove(turn)  # nothing due: the others take its turn
            if started >= allowed:
                break
    return started


def _window_start(now):
    """Where the ledger's window begins: the limiter's window back from now, less half a tick. A dial leaves
    the ledger at the first tick a window after it, however late or early each tick's clock was read: else
    a tick read a few ms early kept it a whole second longer (bench/campaign.py: 62 s a window, 96.7 %)."""
    return now - timedelta(seconds=settings.EXOTEL_RATE_LIMIT_WINDOW_SECONDS - TICK_SECONDS / 2)


def _dials_since(now):
    since = _window_start(now)
    return (
        Attempt.objects.filter(campaign=OuterRef("pk"), created_at__gt=since)
        .order_by()
        .values("campaign")
        .annotate(n=Count("pk"))
        .values("n")
    )


def _requests_allowed(now) -> int:
    """The campaigns' budget this second: their share of the limiter's window, less the dials and look-ups
    already in it (the ledger), spread evenly over the window, with few waiting for a worker at once."""
    since = _window_start(now)
    dials = Attempt.objects.filter(created_at__gt=since)
    lookups = Contact.objects.filter(dnd_asked_at__gt=since)
    # Every dial still waiting for a worker, however long ago it was queued: with the workers down, the
    # queue must not grow by a window's share each minute.
    waiting = (
        Contact.objects.filter(
            state=Contact.State.DIALLING,
            last_call__status__in=[Status.PENDING, Status.QUEUED],
            last_call__sid__isnull=True,
        ).count()
        + lookups.filter(dnd=Contact.Dnd.CHECKING).count()
    )
    share = campaign_share()
    evenly = math.ceil(share / settings.EXOTEL_RATE_LIMIT_WINDOW_SECONDS * TICK_SECONDS)
    return min(share - dials.count() - lookups.count(), evenly, settings.CAMPAIGN_DIALS_IN_FLIGHT - waiting)


def _start_checks(campaign, count, now) -> int:
    """Mark the next unchecked numbers as being checked and hand them to a worker (tasks.check_numbers)."""
    with transaction.atomic():
        contacts = list(
            Contact.objects.select_for_update(skip_locked=True)
            .filter(campaign=campaign, dnd=Contact.Dnd.UNCHECKED)
            .exclude(state=Contact.State.DONE)
            .order_by("line")
            .values_list("pk", flat=True)[:count]
        )
        if not contacts:
            return 0
        Contact.objects.filter(pk__in=contacts).update(dnd=Contact.Dnd.CHECKING, dnd_asked_at=now)
        Campaign.objects.filter(pk=campaign.pk).update(last_dial_at=now)
        transaction.on_commit(
            lambda: check_numbers.using(priority=BACKGROUND_DIAL_PRIORITY).enqueue(contacts)
        )
    return len(contacts)


def sweep_checks(now) -> int:
    """A look-up whose worker died gets asked again; a check with no number left to ask is done."""
    lost = Contact.objects.filter(dnd=Contact.Dnd.CHECKING, dnd_asked_at__lt=now - CHECK_LOST_AFTER).update(
        dnd=Contact.Dnd.UNCHECKED
    )
    for campaign in Campaign.objects.filter(dnd_check=Campaign.DndCheck.RUNNING).only("pk"):
        unchecked = Contact.objects.filter(
            campaign=campaign, dnd__in=[Contact.Dnd.UNCHECKED, Contact.Dnd.CHECKING]
        ).exclude(state=Contact.State.DONE)
        if not unchecked.exists():
            Campaign.objects.filter(pk=campaign.pk).update(dnd_check=Campaign.DndCheck.DONE)
    return lost


def _start_dials(campaign, count, now) -> int:
    with transaction.atomic():
        # The row lock orders this with a pause or cancel (services.campaign_step): after one, no dial.
        if not Campaign.objects.select_for_update().filter(pk=campaign.pk, state=Campaign.State.RUNNING):
            return 0
        due = Contact.objects.select_for_update(skip_locked=True).filter(campaign=campaign)
        if campaign.dnd_check == Campaign.DndCheck.RUNNING:  # registered numbers are never dialled
            due = due.filter(dnd__in=[Contact.Dnd.CLEAR, Contact.Dnd.UNKNOWN])
        else:
            due = due.exclude(dnd=Contact.Dnd.CHECKING)
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
        request_options={"time_limit": CALL_TIME_LIMIT},
        idempotency_key=uuid.uuid5(ATTEMPT_KEYS, f"{contact.pk}:{contact.calls_made + 1}"),
        # Should the dial task be lost, the reconciler enqueues it again, as for click-to-call.
        next_check_at=now + PENDING_CHECK,
    )


def _enqueue_dials(call_ids):
    dial = dial_call.using(priority=BACKGROUND_DIAL_PRIORITY)
    for call_id in call_ids:
        dial.enqueue(call_id, Priority.CAMPAIGN)


def has_work() -> bool:
    """Whether the pump has anything to do: a campaign running or checking, or a call still to settle."""
    return (
        Campaign.objects.filter(
            Q(state=Campaign.State.RUNNING) | Q(dnd_check=Campaign.DndCheck.RUNNING)
        ).exists()
        or Contact.objects.filter(state=Contact.State.DIALLING).exists()
    )
