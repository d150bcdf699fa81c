"""A campaign's figures for its progress page: where its contacts stand, its pace, time left and cost."""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Sum

from .models import Attempt, Campaign, Contact
from .pump import campaign_share
from .window import CallingWindow

State, Outcome = Contact.State, Contact.Outcome
# Where a contact stands: its state until it is done, then its outcome.
UNDONE = (State.WAITING, State.DIALLING, State.RETRY)
OUTCOMES = tuple(outcome for outcome in Outcome if outcome)
# (key, label) in the order the page lists them; each a count of contacts.
ROWS = [(standing.value, standing.label) for standing in (*UNDONE, *OUTCOMES)]


@dataclass
class Progress:
    counts: dict
    total: int
    done: int
    dials_last_minute: int
    share_per_minute: int
    cost: object
    window_open: bool
    next_opening: object
    minutes_left: float | None
    dnd: dict  # contacts by their DND check's answer, when the check ran

    @property
    def dnd_to_check(self):
        return self.dnd.get(Contact.Dnd.UNCHECKED, 0) + self.dnd.get(Contact.Dnd.CHECKING, 0)

    @property
    def minutes_for_each_once(self):
        """Minutes at the campaigns' share for one request per contact: a first dial, or a DND look-up."""
        return math.ceil(self.total / self.share_per_minute)

    @property
    def dnd_minutes_left(self):
        return math.ceil(self.dnd_to_check / self.share_per_minute)

    @property
    def rows(self):
        return [(key, label, self.counts.get(key, 0)) for key, label in ROWS]

    @property
    def percent_done(self):
        return round(100 * self.done / self.total) if self.total else 100


def progress_of(campaign: Campaign, now) -> Progress:
    counts, total, done = {}, 0, 0
    for row in Contact.objects.filter(campaign=campaign).values("state", "outcome").annotate(n=Count("id")):
        total += row["n"]
        if row["state"] == State.DONE:
            done += row["n"]
            counts[row["outcome"]] = counts.get(row["outcome"], 0) + row["n"]
        else:
            counts[row["state"]] = counts.get(row["state"], 0) + row["n"]
    attempts = Attempt.objects.filter(campaign=campaign)
    recent = attempts.filter(created_at__gt=now - timedelta(minutes=1)).count()
    cost = attempts.aggregate(cost=Sum("call__price"))["cost"]
    window = CallingWindow.of(campaign)
    dnd = {}
    if campaign.dnd_check:
        unfinished = Contact.objects.filter(campaign=campaign).exclude(
            state=State.DONE, dnd=Contact.Dnd.UNCHECKED
        )
        dnd = {row["dnd"]: row["n"] for row in unfinished.values("dnd").annotate(n=Count("id"))}
    to_call = counts.get(State.WAITING, 0) + counts.get(State.RETRY, 0)
    minutes_left = to_call / recent if recent and campaign.state == Campaign.State.RUNNING else None
    return Progress(
        counts=counts,
        total=total,
        done=done,
        dials_last_minute=recent,
        share_per_minute=campaign_share(),
        cost=cost,
        window_open=window.is_open(now),
        next_opening=window.next_opening(now),
        minutes_left=minutes_left,
        dnd=dnd,
    )
