"""Past calls to seed the bulk API with: every direction and final status, spread over the last six months.

Each call is made from its index alone (and the seed), newest first, so a history of a million calls costs
nothing until a page of it is asked for, and the same seed always gives the same calls. Dates are relative to
the moment of seeding.
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
# A Sid starts with this minus its index in eight hex digits: newest first is also greatest Sid first, so two
# calls of the same second sort as their indexes do, and a Sid names its index.
NEWEST_RANK = 0xFFFFFFFF


class History:
    """`count` past calls, newest first: history[0] is the newest. Every tenth shares the second of the one
    before it, so paging must break the tie by Sid."""

    def __init__(self, count: int, *, seed: int, config: SandboxConfig, now: float):
        if count > NEWEST_RANK:
            raise ValueError(f"a history holds at most {NEWEST_RANK} calls")
        rng = random.Random(seed)
        self.count = count
        self.seed = seed
        self.config = config
        self.customers = [_mobile(rng) for _ in range(CUSTOMERS)]
        self.agents = list(config.history_agents) or [_mobile(rng) for _ in range(AGENTS)]
        self.newest = clock.ist(now).replace(microsecond=0) - timedelta(minutes=10)
        self.seconds_apart = SPAN.total_seconds() / max(count, 1)

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int) -> Call:
        if not 0 <= index < self.count:
            raise IndexError(index)
        return self._call(index)

    def age(self, index: int) -> int:
        """Whole seconds between the newest call and this one: never less than the call before it's."""
        shares_second = index % 10 == 9
        return int((index - 1 if shares_second else index) * self.seconds_apart)

    def find(self, sid: str) -> Call | None:
        try:
            index = NEWEST_RANK - int(sid[:8], 16)
        except ValueError:
            return None
        if len(sid) != 32 or not 0 <= index < self.count:
            return None
        call = self._call(index)
        return call if call.sid == sid else None

    def _call(self, index: int) -> Call:
        config = self.config
        rng = random.Random(f"{self.seed}:{index}")
        direction = _pick(rng, DIRECTIONS)
        status = _pick(rng, STATUSES)
        customer, agent, exophone = (
            rng.choice(self.customers),
            rng.choice(self.agents),
            rng.choice(config.exophones),
        )
        if direction == "inbound":
            from_number, to_number = customer, exophone
        else:
            from_number, to_number = agent, customer
        timeline = past_timeline(status, rng.randrange(20, 600))
        sid = f"{NEWEST_RANK - index:08x}{rng.getrandbits(96):024x}"
        recorded = timeline.answered and rng.random() < 0.7
        return Call(
            sid=sid,
            account_sid=config.sid,
            origin="history",
            direction=direction,
            from_number=from_number,
            to_number=to_number,
            exophone=exophone,
            created=self.newest - timedelta(seconds=self.age(index)),
            anchor=0.0,
            timeline=timeline,
            price=price_for(timeline),
            recording_url=recording_url(config.recordings_base, config.sid, sid) if recorded else None,
        )


def past_timeline(status: str, duration: int) -> Timeline:
    """A two-leg timeline that ends in `status`, about `duration` seconds long when the call was answered."""
    if status == "completed":
        return build_timeline((ANSWER, ANSWER), talk=max(duration - 11, 1), timeout=30)
    return build_timeline((ANSWER, status), talk=0, timeout=max(min(duration, 60), 5))


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _mobile(rng: random.Random) -> str:
    return f"+91{rng.choice('6789')}{rng.randrange(10**9):09d}"
