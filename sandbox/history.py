"""Past calls to seed the bulk API with: every direction and final status, spread over the last six months.

Deterministic for a given seed (Sids, numbers, outcomes); dates are relative to the moment of seeding.
"""

import random
from datetime import timedelta

from sandbox import clock
from sandbox.calls import Call, Timeline, build_timeline, price_for, recording_url
from sandbox.config import SandboxConfig
from sandbox.scenarios import ANSWER

SPAN = timedelta(days=180)
DIRECTIONS = {"outbound-api": 5, "inbound": 3, "outbound-dial": 2}
STATUSES = {"completed": 12, "no-answer": 3, "busy": 2, "failed": 2, "canceled": 1}
CUSTOMERS = 40
AGENTS = 6


def seed_history(count: int, *, seed: int, config: SandboxConfig, now: float) -> list[Call]:
    rng = random.Random(seed)
    customers = [_mobile(rng) for _ in range(CUSTOMERS)]
    agents = list(config.history_agents) or [_mobile(rng) for _ in range(AGENTS)]
    newest = clock.ist(now).replace(microsecond=0) - timedelta(minutes=10)
    calls = []
    for index in range(count):
        created = newest - timedelta(seconds=rng.randrange(int(SPAN.total_seconds())))
        if index % 10 == 9:
            created = calls[-1].created  # same second as the previous call: paging must break the tie by Sid
        direction = _pick(rng, DIRECTIONS)
        status = _pick(rng, STATUSES)
        customer, agent, exophone = rng.choice(customers), rng.choice(agents), rng.choice(config.exophones)
        if direction == "inbound":
            from_number, to_number = customer, exophone
        else:
            from_number, to_number = agent, customer
        timeline = past_timeline(status, rng.randrange(20, 600))
        sid = f"{rng.getrandbits(128):032x}"
        recorded = timeline.answered and rng.random() < 0.7
        calls.append(
            Call(
                sid=sid,
                account_sid=config.sid,
                origin="history",
                direction=direction,
                from_number=from_number,
                to_number=to_number,
                exophone=exophone,
                created=created,
                anchor=0.0,
                timeline=timeline,
                price=price_for(timeline),
                recording_url=recording_url(config.recordings_base, config.sid, sid) if recorded else None,
            )
        )
    return calls


def past_timeline(status: str, duration: int) -> Timeline:
    """A two-leg timeline that ends in `status`, about `duration` seconds long when the call was answered."""
    if status == "completed":
        return build_timeline((ANSWER, ANSWER), talk=max(duration - 11, 1), timeout=30)
    return build_timeline((ANSWER, status), talk=0, timeout=max(min(duration, 60), 5))


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _mobile(rng: random.Random) -> str:
    return f"+91{rng.choice('6789')}{rng.randrange(10**9):09d}"
