"""Realistic calls in bulk, for benchmarks and for trying the log with a million rows."""

import random
import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import AgentProfile
from exonumbers.models import ExoPhone, Flow

from .models import Call, Direction, Status

OUTCOMES = [  # (status, weight, answered by the customer)
    (Status.COMPLETED, 62, True),
    (Status.NO_ANSWER, 18, False),
    (Status.BUSY, 12, False),
    (Status.FAILED, 5, False),
    (Status.CANCELED, 3, False),
]
DIRECTIONS = [(Direction.OUTBOUND_API, 55), (Direction.INBOUND, 35), (Direction.OUTBOUND_DIAL, 10)]
SPAN = timedelta(days=180)


def _pick(rng, table):
    return rng.choices([row[0] for row in table], weights=[row[1] for row in table])[0]


def _customer(rng):
    return f"+91{rng.choice('6789')}{rng.randrange(10**8, 10**9)}"


def build_call(rng, now, agents, exophones, flows):
    status = _pick(rng, OUTCOMES)
    direction = _pick(rng, DIRECTIONS)
    created = now - timedelta(seconds=rng.randrange(int(SPAN.total_seconds())))
    talk = rng.randrange(5, 900) if status == Status.COMPLETED else 0
    ring = rng.randrange(3, 40)
    # Outbound calls belong to an agent; half the inbound ones were answered by one.
    has_agent = agents and (direction != Direction.INBOUND or rng.random() < 0.5)
    agent, agent_phone = rng.choice(agents) if has_agent else (None, "")
    exophone = rng.choice(exophones) if exophones else None
    customer = _customer(rng)
    inbound = direction == Direction.INBOUND
    minutes = -(-talk // 60)
    return Call(
        sid=uuid.UUID(int=rng.getrandbits(128)).hex,
        status=status,
        direction=direction,
        from_number=customer if inbound else (agent_phone or customer),
        to_number=(exophone.number if exophone else customer) if inbound else customer,
        exophone=exophone,
        phone_number=exophone.number if exophone else "",
        flow=rng.choice(flows) if flows and inbound and rng.random() < 0.6 else None,
        agent=agent,
        date_created=created,
        date_updated=created + timedelta(seconds=ring + talk + 2),
        start_time=created,
        end_time=created + timedelta(seconds=ring + talk),
        duration=ring + talk,
        conversation_duration=talk,
        price=Decimal(minutes) * Decimal("0.60"),
        recording_url=f"https://recordings.exotel.com/exotelrecordings/seed/{created:%Y%m%d}.mp3"
        if talk and rng.random() < 0.4
        else "",
        leg1_status=Status.COMPLETED if not inbound or status == Status.COMPLETED else status,
        leg2_status=status,
    )


def seed_calls(*, count, batch_size=5000, seed=0, progress=None):
    """Insert `count` calls in batches; returns how many were made."""
    rng = random.Random(seed)
    now = timezone.now()
    agents = [
        (p.user, p.phone_number) for p in AgentProfile.objects.exclude(phone_number="").select_related("user")
    ]
    exophones = list(ExoPhone.objects.all())
    flows = list(Flow.objects.all())
    made = 0
    while made < count:
        batch = [build_call(rng, now, agents, exophones, flows) for _ in range(min(batch_size, count - made))]
        Call.objects.bulk_create(batch)
        made += len(batch)
        if progress:
            progress(made)
    return made
