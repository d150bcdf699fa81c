"""The customer's last calls, in any direction: on a call's page and beside the number typed to call them."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.db import connection
from django.urls import reverse
from django.utils.text import Truncator

from lib.roles import is_manager

from .models import Call

HISTORY_LENGTH = 10
NOTE_START = 80  # characters of the wrap-up note, enough to recall the call


@dataclass(frozen=True)
class PastCall:
    when: datetime
    direction: str
    status: str
    agent: str
    disposition: str
    note_start: str
    page_url: str  # empty where the viewer may not open the call (an agent, another agent's call)
    recording_url: str


@dataclass(frozen=True)
class CustomerHistory:
    number: str
    calls: list[PastCall]
    log_url: str
    log_shows_own_calls_only: bool
    beside_a_call: bool  # on a call's page: no other call means this one is the first


def customer_history_for(user, number, *, leaving_out=None):
    """The last calls with `number` (E.164) on either side, newest first, as `user` may see them.

    One query (three joins), whatever the number: the newest few from each of the number-newest indexes.
    None when there is no number to look for.
    """
    if not number:
        return None
    sees_every_call = is_manager(user)
    calls = list(last_calls_with(number, leaving_out=leaving_out))
    return CustomerHistory(
        number=number,
        calls=[_past_call(call, opens=sees_every_call or call.agent_id == user.pk) for call in calls],
        log_url=f"{reverse('call-log')}?{urlencode({'number_ends': number.removeprefix('+')})}",
        log_shows_own_calls_only=not sees_every_call,
        beside_a_call=leaving_out is not None,
    )


def last_calls_with(number, *, leaving_out=None):
    newest_from = _newest(from_number=number, leaving_out=leaving_out)
    newest_to = _newest(to_number=number, leaving_out=leaving_out)
    if not connection.features.supports_slicing_ordering_in_compound:
        # SQLite refuses LIMIT inside a UNION: each limited list goes in as "id IN (…)", still from its index.
        newest_from = Call.objects.filter(pk__in=newest_from).values("pk")
        newest_to = Call.objects.filter(pk__in=newest_to).values("pk")
    # A number busy in 200,000 calls (an ExoPhone, an agent's phone) reads ten index entries a side, not all
    # of them as "from = n OR to = n" would. IN drops a call with the number on both sides appearing twice.
    return (
        Call.objects.filter(pk__in=newest_from.union(newest_to, all=True))
        .select_related("agent", "wrap_up__disposition")
        .order_by("-date_created", "-id")[:HISTORY_LENGTH]
    )


def _newest(*, leaving_out, **number):
    calls = Call.objects.filter(**number)
    if leaving_out is not None:
        calls = calls.exclude(pk=leaving_out.pk)
    return calls.order_by("-date_created", "-id").values("pk")[:HISTORY_LENGTH]


def _past_call(call, *, opens):
    wrap_up = getattr(call, "wrap_up", None)  # None: nobody wrapped the call up
    note = " ".join(wrap_up.note.split()) if wrap_up else ""
    return PastCall(
        when=call.date_created,
        direction=call.get_direction_display(),
        status=call.get_status_display(),
        agent=(call.agent.get_full_name() or call.agent.get_username()) if call.agent else "",
        disposition=str(wrap_up.disposition) if wrap_up and wrap_up.disposition else "",
        note_start=Truncator(note).chars(NOTE_START),
        page_url=reverse("call-detail", args=[call.pk]) if opens else "",
        recording_url=reverse("call-recording", args=[call.pk]) if opens and call.recording_url else "",
    )
