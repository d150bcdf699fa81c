"""Calls with one customer, ended through the one write path (call_record_observation), as Exotel would."""

import itertools
from datetime import timedelta

from calls.models import MissedCustomer
from calls.services import call_record_observation
from calls.state import Observation
from calls.tests.factories import T0, make_call

CUSTOMER = "+919811100001"
EXOPHONE = "+918030752400"
_sids = itertools.count(1)


def at(minutes):
    return T0 + timedelta(minutes=minutes)


def record(call, status, *, key=None, **values):
    observation = Observation(status=status, values=values)
    return call_record_observation(
        call_id=call.pk,
        source="bulk",
        observation=observation,
        dedupe_key=key or f"bulk:{call.sid}:{observation.fingerprint()}",
    )


def inbound(minutes, status, *, number=CUSTOMER, exophone=None, **values):
    """An inbound call from the customer, created `minutes` after T0, ending as `status`."""
    call = make_call(
        sid=f"in{next(_sids):030}",
        direction="inbound",
        from_number=number,
        to_number=EXOPHONE,
        date_created=at(minutes),
        status="ringing",
        exophone=exophone,
    )
    record(call, status, **values)
    call.refresh_from_db()
    return call


def outbound(minutes, status, *, agent=None, number=CUSTOMER, **values):
    """A click-to-call from an agent to the customer."""
    call = make_call(
        sid=f"out{next(_sids):029}",
        direction="outbound-api",
        from_number="+919845012301",
        to_number=number,
        date_created=at(minutes),
        status="in-progress",
        agent=agent,
    )
    record(call, status, **values)
    call.refresh_from_db()
    return call


def waiting(number=CUSTOMER):
    return MissedCustomer.objects.filter(number=number, state=MissedCustomer.State.WAITING).first()
