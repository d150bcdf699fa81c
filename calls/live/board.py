"""What the wallboard shows: the calls not final, each agent's day, today's figures.

A fixed handful of queries whatever the number of agents or calls (the board is asked every 2 s by every
manager who has it open): the live calls (and their count, only when there are more than fit), the agents,
today's calls grouped by agent, and the missed-call queue's summary.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from calls.models import FINAL_STATUSES, HAD_CONVERSATION, LIVE_STATUSES, Call, MissedCustomer, owes_wrap_up
from calls.status_display import describe
from lib.durations import tick_from
from lib.roles import Role

# More live calls than this is an outage or a stuck import, not a board anyone reads row by row.
NOW_LIMIT = 200

# What a row of "Now" reads (the phase, the legs, the customer), and no more: building fifty whole calls with
# their whole agents was most of the board's time.
SHOWN_FIELDS = (
    *("status", "direction", "sid", "flow", "agent", "exophone", "phone_number", "from_number", "to_number"),
    *("date_created", "status_changed_at", "error_message", "leg1_status", "leg2_status"),
    *("leg1_on_call_duration", "leg2_on_call_duration"),
    *("agent__username", "agent__first_name", "agent__last_name", "exophone__friendly_name", "flow__name"),
)

# When a call ended, as well as we know it: Exotel's end time, else when its status last changed.
ENDED_AT = Coalesce("end_time", "status_changed_at", "date_updated", "date_created")
TODAY_FIGURES = {
    "calls": Count("id"),
    "answered": Count("id", filter=HAD_CONVERSATION),
    # Exotel's talk time (conversation_duration) where it gave one; the sync's bulk list has none, so such a
    # call counts with its whole duration and the board says how many did.
    "talk": Sum(Coalesce("conversation_duration", "duration"), filter=HAD_CONVERSATION),
    "talk_from_duration": Count("id", filter=HAD_CONVERSATION & Q(conversation_duration__isnull=True)),
    "owed": Count("id", filter=owes_wrap_up()),
    "cost": Sum("price"),
    "last_ended": Max(ENDED_AT, filter=Q(status__in=FINAL_STATUSES)),
}


@dataclass(frozen=True)
class Since:
    """A moment the page counts up from: m:ss now, and an ISO time the browser ticks on from."""

    moment: datetime
    now: datetime

    @property
    def seconds(self):
        return max(0, (self.now - self.moment).total_seconds())

    @property
    def iso(self):
        return tick_from(self.moment)


def today_bounds(now):
    """Midnight to midnight of the viewer's today (the current zone: their profile's, else the site's)."""
    zone = timezone.get_current_timezone()
    day = timezone.localtime(now, zone).date()
    start = timezone.make_aware(datetime.combine(day, time.min), zone)
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone)
    return day, start, end


def log_url(day, **filters):
    """The call log showing exactly today's calls matching `filters`."""
    query = {"created_from": f"{day:%Y-%m-%d}T00:00", "created_to": f"{day:%Y-%m-%d}T23:59", **filters}
    return f"{reverse('call-log')}?{urlencode(query)}"


def live_calls(now):
    """The newest NOW_LIMIT calls not final, and how many more there are.

    Shaped for the partial index `call_live`: status IN live statuses ORDER BY -date_created, -id LIMIT n.
    """
    live = Call.objects.filter(status__in=LIVE_STATUSES)
    shown = live.select_related("agent", "exophone", "flow").only(*SHOWN_FIELDS)
    rows = list(shown.order_by("-date_created", "-id")[: NOW_LIMIT + 1])
    more = live.count() - NOW_LIMIT if len(rows) > NOW_LIMIT else 0
    for call in rows[:NOW_LIMIT]:
        with_phase(call, now)
    return rows[:NOW_LIMIT], more


def with_phase(call, now):
    call.phase = describe(call)
    call.in_status = Since(call.status_since, now)
    return call


def agent_name(user):
    return user.get_full_name() or user.get_username()


def agent_rows(now, day, live, per_agent):
    """One row per active agent, by name: on a call (their newest live call), or free since the last ended."""
    agents = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.AGENT.value)
        .order_by("first_name", "last_name", "username")
    )
    on_call = {}
    for call in live:  # newest first: the first one seen is an agent's current call
        on_call.setdefault(call.agent_id, call)
    rows = []
    for agent in agents:
        figures = per_agent.get(agent.pk, {})
        last_ended = figures.get("last_ended")
        rows.append(
            {
                "agent": agent,
                "name": agent_name(agent),
                "call": on_call.get(agent.pk),
                "free_since": Since(last_ended, now) if last_ended else None,
                "calls": figures.get("calls", 0),
                "calls_url": log_url(day, agent=agent.pk),
                "answered": figures.get("answered", 0),
                "talk": figures.get("talk"),
                "talk_from_duration": figures.get("talk_from_duration", 0),
                "owed": figures.get("owed", 0),
            }
        )
    return rows


def today_by_agent(start, end):
    """Today's figures per agent (None: calls without one), in one grouped query."""
    today = Call.objects.filter(date_created__gte=start, date_created__lt=end).order_by()
    return {row["agent"]: row for row in today.values("agent").annotate(**TODAY_FIGURES)}


def totals(per_agent):
    calls = sum(row["calls"] for row in per_agent.values())
    answered = sum(row["answered"] for row in per_agent.values())
    costs = [row["cost"] for row in per_agent.values() if row["cost"] is not None]
    return {
        "calls": calls,
        "answered": answered,
        "answered_rate": answered / calls if calls else None,
        "cost": sum(costs) if costs else None,
    }


def missed_waiting(now):
    """How many customers wait for a call back, and how long they have waited: on average, the longest."""
    waited = ExpressionWrapper(Value(now, output_field=DateTimeField()) - F("first_try_at"), DurationField())
    queue = MissedCustomer.objects.filter(state=MissedCustomer.State.WAITING).order_by()
    figures = queue.aggregate(count=Count("id"), average=Avg(waited), longest=Max(waited))
    for name in ("average", "longest"):
        figures[name] = figures[name].total_seconds() if figures[name] is not None else None
    return figures


def sync_interval_minutes():
    return getattr(settings, "EXOTEL_SYNC_INTERVAL_MINUTES", 1)


def board(now=None):
    """Everything the board fragment shows."""
    now = now or timezone.now()
    day, start, end = today_bounds(now)
    live, more = live_calls(now)
    per_agent = today_by_agent(start, end)
    return {
        "now": now,
        "now_iso": tick_from(now),
        "day": day,
        "live": live,
        "more_live": more,
        "agents": agent_rows(now, day, live, per_agent),
        "today": totals(per_agent) | {"url": log_url(day)},
        "missed": missed_waiting(now),
        "sync_minutes": sync_interval_minutes(),
    }
