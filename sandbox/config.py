"""What one sandbox imitates: the account, its ExoPhones, and how fast and how faithfully calls behave."""

import re
from dataclasses import dataclass

from sandbox.phones import to_e164

DEFAULT_EXOPHONES = ("+918030752400", "+912267891234")
BASE_URL = re.compile(r"https?://[^\s/?#]+(/[^\s?#]*)?")


@dataclass(frozen=True)
class SandboxConfig:
    host: str = "127.0.0.1"
    port: int = 8001
    sid: str = "demo_sandbox"
    api_key: str = "sandbox_api_key"
    api_token: str = "sandbox_api_token"
    exophones: tuple[str, ...] = DEFAULT_EXOPHONES
    # Simulated seconds per real second: 1 is real time, tests use 100 or more.
    speed: float = 1.0
    history: int = 0
    # The account's agents' own phones, which its past outbound calls came from; empty: six made-up mobiles.
    history_agents: tuple[str, ...] = ()
    seed: int = 0
    rate_limit: int = 200
    # Simulated seconds between the end of a call and Duration/Price/EndTime appearing, as on Exotel.
    price_delay: float = 120.0
    # Real seconds, whatever the speed: a client's read timeout must be able to fire first.
    slow_connect_delay: float = 30.0
    # Real seconds we wait for the receiver of a status callback before counting the attempt as failed.
    callback_timeout: float = 15.0
    # Probability (0..1) that a status callback is delivered twice.
    duplicate_callbacks: float = 0.0
    # Hold `answered` events back until the `terminal` event has been delivered.
    reorder_callbacks: bool = False
    log_requests: bool = False
    # Scheme, host and port (and any path prefix) that RecordingUrls start with: this sandbox as its clients
    # reach it. Empty: the server's own URL, with the real port; the server fills it in once it listens.
    recordings_base: str = ""

    def __post_init__(self):
        if not self.exophones:
            raise ValueError("at least one ExoPhone is needed")
        object.__setattr__(self, "exophones", tuple(to_e164(number) for number in self.exophones))
        object.__setattr__(self, "history_agents", tuple(to_e164(number) for number in self.history_agents))
        if self.speed <= 0:
            raise ValueError("speed must be positive")
        if self.rate_limit < 1:
            raise ValueError("rate_limit must be at least 1")
        if not 0 <= self.duplicate_callbacks <= 1:
            raise ValueError("duplicate_callbacks must be between 0 and 1")
        if self.recordings_base and not BASE_URL.fullmatch(self.recordings_base):
            raise ValueError(
                "recordings_base must be an http(s) URL without a query, e.g. http://sandbox:8001"
            )
        object.__setattr__(self, "recordings_base", self.recordings_base.rstrip("/"))
        for name in ("price_delay", "slow_connect_delay", "callback_timeout", "history"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
