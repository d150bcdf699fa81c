"""A call and its life: a timeline of steps computed once, read at any moment.

Every call's fate is known when it is created (see `scenarios`), so its state at a given time is a pure
function of how many simulated seconds have passed since it started. `anchor` is the real moment of simulated
second 0; calls from the past (history, injected finished calls) have an anchor long ago and so are over.
"""

import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from types import MappingProxyType

from sandbox.scenarios import ANSWER, NO_ANSWER

FINAL_STATUSES = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
LIVE_STATUSES = ("queued", "ringing", "in-progress")
DIRECTIONS = ("inbound", "outbound-dial", "outbound-api")

RING_DELAY = 1  # the request reaches the operator and the first phone starts ringing
ANSWER_DELAYS = (4, 6)  # how long each party's phone rings before they pick up
GIVE_UP_DELAYS = {"busy": 3, "failed": 2, "canceled": 5}  # no-answer rings for the whole TimeOut
PRICE_PER_STARTED_MINUTE = Decimal("0.500")  # per answered leg
# Exotel serves recordings at https://recordings.exotel.com/exotelrecordings/<account>/<call>.mp3; the sandbox
# serves them itself under the same path (see `recordings`), so RecordingUrls start with its own base URL.
RECORDINGS_PATH = "/exotelrecordings"


@dataclass(frozen=True)
class Step:
    offset: int  # simulated seconds after the call was created
    status: str
    legs: tuple[str | None, str | None]  # None: that leg has not been dialled
    event: str | None = None  # "answered" or "terminal": a status callback is due


@dataclass(frozen=True)
class Timeline:
    steps: tuple[Step, ...]
    on_call: tuple[int, int]  # seconds each leg was connected
    conversation: int  # seconds both parties were connected

    @property
    def end(self) -> int:
        return self.steps[-1].offset

    @property
    def final_status(self) -> str:
        return self.steps[-1].status

    @property
    def answered(self) -> bool:
        return self.final_status == "completed"


def build_timeline(fates: tuple[str, ...], *, talk: int, timeout: int) -> Timeline:
    """Dial each party in turn; stop at the first who doesn't answer, or talk once all have."""
    legs: list[str | None] = ["ringing", None]
    steps = [Step(0, "queued", (None, None)), Step(RING_DELAY, "ringing", tuple(legs))]
    clock = RING_DELAY
    answered_at = []
    final = "completed"
    for index, fate in enumerate(fates):
        if fate != ANSWER:
            clock += timeout if fate == NO_ANSWER else GIVE_UP_DELAYS[fate]
            legs[index] = final = fate
            break
        clock += ANSWER_DELAYS[index]
        answered_at.append(clock)
        legs[index] = "in-progress"
        if index + 1 < len(fates):
            legs[index + 1] = "ringing"
        steps.append(Step(clock, "in-progress", tuple(legs), event="answered"))
    else:
        clock += talk
    hung_up = tuple("completed" if status == "in-progress" else status for status in legs)
    steps.append(Step(clock, final, hung_up, event="terminal"))
    on_call = [clock - moment for moment in answered_at] + [0, 0]
    conversation = talk if final == "completed" else 0
    return Timeline(tuple(steps), (on_call[0], on_call[1]), conversation)


def price_for(timeline: Timeline) -> Decimal:
    minutes = sum(math.ceil(seconds / 60) for seconds in timeline.on_call)
    return (PRICE_PER_STARTED_MINUTE * minutes).quantize(Decimal("0.001"))


def new_sid() -> str:
    return secrets.token_hex(16)


def recording_url(base: str, account_sid: str, call_sid: str) -> str:
    """Where a call's recording is served; `base` is the sandbox as clients reach it (http://127.0.0.1:8001)."""
    return f"{base}{RECORDINGS_PATH}/{account_sid}/{call_sid}.mp3"


@dataclass(frozen=True)
class Callback:
    url: str
    events: tuple[str, ...] = ()  # empty: only the four legacy fields, once the call ends
    content_type: str = "multipart/form-data"
    lost: bool = False


@dataclass(frozen=True)
class Call:
    sid: str
    account_sid: str
    origin: str  # "connect", "flow", "history" or "injected"
    direction: str
    from_number: str  # E.164
    to_number: str
    exophone: str
    created: datetime
    anchor: float
    timeline: Timeline
    price: Decimal
    speed: float = 1.0
    settle_after: float = 0  # simulated seconds from the end until Duration, Price and EndTime appear
    recording_url: str | None = None
    custom_field: str | None = None
    callback: Callback | None = None
    params: Mapping[str, str | list[str]] = field(default_factory=lambda: MappingProxyType({}))

    def elapsed(self, now: float) -> float:
        return max(0.0, (now - self.anchor) * self.speed)

    def step(self, now: float) -> Step:
        elapsed = self.elapsed(now)
        return [step for step in self.timeline.steps if step.offset <= elapsed][-1]

    def is_over(self, now: float) -> bool:
        return self.elapsed(now) >= self.timeline.end

    def is_settled(self, now: float) -> bool:
        return self.elapsed(now) >= self.timeline.end + self.settle_after

    def moment(self, offset: float) -> datetime:
        """The simulated wall-clock time of a step: call times stay consistent with Duration at any speed."""
        return self.created + timedelta(seconds=offset)

    def due(self, offset: float) -> float:
        """The real moment a step happens."""
        return self.anchor + offset / self.speed

    @property
    def sort_key(self) -> tuple[datetime, str]:
        return (self.created, self.sid)
