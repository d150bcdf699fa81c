"""The managers' overview: what happened in a period, each figure tied to the call-log query that lists it."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from calls.models import Direction, Disposition, Status
from exonumbers.models import ExoPhone

ANSWERED = Q(status=Status.COMPLETED)
NOT_ANSWERED = [value for value in Status.values if value != Status.COMPLETED]
FIGURES = {
    "calls": Count("id"),
    "answered": Count("id", filter=ANSWERED),
    "talk": Avg("conversation_duration", filter=ANSWERED),
    "cost": Sum("price"),
}
# The call log's disposition filter takes these besides dispositions' ids (calls/log/filters.py; a sibling,
# so not imported; calls/tests/overview/test_dispositions.py follows every link).
NO_WRAP_UP, NO_DISPOSITION = "none", "unset"
# How many answered calls the period's average talk time is over. Exotel says how long the parties talked in
# callbacks and call details, not in its bulk list: calls only imported by the sync have no talk time.
TALKED = Count("conversation_duration", filter=ANSWERED)
# The headline: how long answered calls lasted, which Exotel gives for every call, imported ones too.
ANSWERED_LENGTH = Avg("duration", filter=ANSWERED)


@dataclass(frozen=True)
class Period:
    """Whole days, first to last inclusive, in the current (the user's) time zone."""

    first: date
    last: date
    campaign_id: int | None = None  # only this campaign's calls, and so the links to the log

    @property
    def days(self):
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def bounds(self):
        zone = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.combine(self.first, time.min), zone)
        end = timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min), zone)
        return start, end

    def log_url(self, first=None, last=None, **filters):
        """The call list showing exactly the calls of this period (or of one day) that match `filters`."""
        query = {
            "created_from": f"{first or self.first:%Y-%m-%d}T00:00",
            "created_to": f"{last or self.last:%Y-%m-%d}T23:59",  # the filter takes the whole last minute
            **({"campaign": self.campaign_id} if self.campaign_id else {}),
            **filters,
        }
        return f"{reverse('call-log')}?{urlencode(query, doseq=True)}"


def _rates(row):
    row["answered_rate"] = row["answered"] / row["calls"] if row["calls"] else None
    return row


def overview(calls, period):
    """Six queries over the period's calls (totals, per day, outcomes, per agent, per ExoPhone, dispositions
    per agent) and one of the dispositions."""
    start, end = period.bounds()
    calls = calls.filter(date_created__gte=start, date_created__lt=end).order_by()
    return {
        "period": period,
        "totals": _rates(calls.aggregate(**FIGURES, talked=TALKED, answered_length=ANSWERED_LENGTH)),
        "per_day": _per_day(calls, period),
        "outcomes": _outcomes(calls, period),
        "agents": _per_agent(calls, period),
        "exophones": _per_exophone(calls, period),
        "dispositions": _dispositions_per_agent(calls, period),
    }


def _per_day(calls, period):
    day = TruncDate("date_created", tzinfo=timezone.get_current_timezone())
    counted = {
        row["day"]: row for row in calls.annotate(day=day).values("day").annotate(**FIGURES).order_by("day")
    }
    days = []
    for when in period.days:
        row = counted.get(when, {"calls": 0, "answered": 0, "talk": None, "cost": None})
        days.append(
            _rates(row)
            | {
                "day": when,
                "url": period.log_url(when, when),
                "answered_url": period.log_url(when, when, status=Status.COMPLETED),
                "not_answered_url": period.log_url(when, when, status=NOT_ANSWERED),
            }
        )
    return days


def _outcomes(calls, period):
    counts = {
        (row["status"], row["direction"]): row["n"]
        for row in calls.values("status", "direction").annotate(n=Count("id"))
    }
    statuses = [status for status in Status if any(key[0] == status for key in counts)]
    return {
        "directions": list(Direction),
        "rows": [
            {
                "status": status,
                "url": period.log_url(status=status),
                "total": sum(counts.get((status, direction), 0) for direction in Direction),
                "cells": [
                    {
                        "count": counts.get((status, direction), 0),
                        "url": period.log_url(status=status, direction=direction),
                    }
                    for direction in Direction
                ],
            }
            for status in statuses
        ],
        "direction_totals": [
            {
                "count": sum(n for (_, d), n in counts.items() if d == direction),
                "url": period.log_url(direction=direction),
            }
            for direction in Direction
        ],
    }


def _per_agent(calls, period):
    rows = calls.values("agent", "agent__username", "agent__first_name", "agent__last_name").annotate(
        **FIGURES
    )
    agents = []
    for row in rows.order_by("-calls", "agent__username"):
        agents.append(
            _linked(_rates(row), period, agent=_agent_key(row["agent"]))
            | {"name": _full_name(row), "detail": ""}
        )
    return agents


def _dispositions_per_agent(calls, period):
    """A row per agent, a column per disposition (in their order), then wrap-ups without one and calls without
    a wrap-up; each figure links to the log filtered to exactly its calls. One grouped query."""
    counts, names = {}, {}
    rows = calls.values(
        "agent", "agent__username", "agent__first_name", "agent__last_name", "wrap_up__disposition"
    ).annotate(calls=Count("id"), wrapped=Count("wrap_up"))
    for row in rows:
        agent = row["agent"]
        names[agent] = _full_name(row)
        disposition = row["wrap_up__disposition"]
        if disposition is None:  # no wrap-up, or a wrap-up without a disposition
            counts[agent, NO_DISPOSITION] = row["wrapped"]
            counts[agent, NO_WRAP_UP] = row["calls"] - row["wrapped"]
        else:
            counts[agent, str(disposition)] = row["calls"]
    used = {key for (_, key), n in counts.items() if n}
    columns = [
        (str(pk), name)
        for pk, name, active in Disposition.objects.values_list("pk", "name", "active")
        if active or str(pk) in used
    ]
    if NO_DISPOSITION in used:
        columns.append((NO_DISPOSITION, "No disposition"))
    columns.append((NO_WRAP_UP, "No wrap-up"))
    return {
        "columns": [name for _, name in columns],
        "rows": [
            {
                "name": name,
                "cells": [
                    {
                        "count": counts.get((agent, key), 0),
                        "url": period.log_url(agent=_agent_key(agent), disposition=key),
                    }
                    for key, _ in columns
                ],
            }
            for agent, name in sorted(names.items(), key=lambda item: (item[0] is None, item[1].lower()))
        ],
    }


def _full_name(row):
    full_name = " ".join(part for part in (row["agent__first_name"], row["agent__last_name"]) if part)
    return full_name or row["agent__username"] or "No agent"


def _agent_key(agent):
    return agent if agent is not None else "null"  # the agent filter's "No agent" choice


def _per_exophone(calls, period):
    names = dict(ExoPhone.objects.values_list("number", "friendly_name"))
    rows = calls.values("phone_number").annotate(**FIGURES).order_by("-calls", "phone_number")
    return [
        _linked(_rates(row), period, exophone=row["phone_number"])
        | {"name": names.get(row["phone_number"], "")}
        for row in rows
        if row[
            "phone_number"
        ]  # the ExoPhone filter cannot ask for "none"; such calls are rare and counted above
    ]


def _linked(row, period, **filters):
    return row | {
        "url": period.log_url(**filters),
        "answered_url": period.log_url(status=Status.COMPLETED, **filters),
    }
