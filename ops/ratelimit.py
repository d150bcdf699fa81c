"""The rate limiter every process shares, so all of us together stay within Exotel's limit per minute.

A sliding-window log: a slot is taken only when fewer than `limit` were taken in the last `window` seconds,
so no 60-second window ever holds more. Dials come first: a read (refresh, look-up, reconcile, sync) takes a
slot only while fewer than its share of the limit (EXOTEL_READ_SHARE, 195 of 200) are taken, so however many
reads wait, the rest of the window stays free for dials; a dial may take any slot, so while dials are busy
reads back off, and a dial beyond the reserve waits only for the oldest slot to leave the window.
Database-backed by default; Redis when REDIS_URL is set; both decide in one atomic step, by the same rule.
"""

import enum
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import RateLimitLock, RateLimitSlot

BUCKET = "exotel"


class Priority(enum.StrEnum):
    DIAL = "dial"  # may use the whole limit
    READ = "read"  # may use only EXOTEL_READ_SHARE of it
    CAMPAIGN = "campaign"  # a campaign's dial: as a read here, so the slots reads leave stay for agents


class RateLimitTimeout(Exception):
    """No slot came free within the time the caller was willing to wait."""

    def __init__(self, wait):
        super().__init__(f"no slot free for {wait:.1f}s")
        self.wait = wait  # seconds until one would


def usable_slots(limit, priority):
    """How many slots of the window a request of this priority may see taken, its own included."""
    if priority == Priority.DIAL:
        return limit
    return max(1, int(limit * settings.EXOTEL_READ_SHARE + 1e-9))  # 200 x 0.975 is 195, not 194.99…


def _try_database(bucket, usable, window):
    """Take a slot and return 0, or return the seconds until one of the `usable` frees up."""
    with transaction.atomic():
        RateLimitLock.objects.get_or_create(bucket=bucket)
        RateLimitLock.objects.select_for_update().get(bucket=bucket)
        now = timezone.now()
        RateLimitSlot.objects.filter(bucket=bucket, taken_at__lte=now - timedelta(seconds=window)).delete()
        taken = list(
            RateLimitSlot.objects.filter(bucket=bucket)
            .order_by("taken_at")
            .values_list("taken_at", flat=True)
        )
        if len(taken) < usable:
            RateLimitSlot.objects.create(bucket=bucket, taken_at=now)
            return 0.0
        # Fewer than `usable` are taken once this one, and all older, have left the window.
        freeing = taken[len(taken) - usable]
        return max((freeing + timedelta(seconds=window) - now).total_seconds(), 0.001)


REDIS_SCRIPT = """
local key, member = KEYS[1], ARGV[4]
local now, window, usable = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local taken = redis.call('ZCARD', key)
if taken < usable then
  redis.call('ZADD', key, now, member)
  redis.call('EXPIRE', key, math.ceil(window) + 1)
  return '0'
end
local freeing = redis.call('ZRANGE', key, taken - usable, taken - usable, 'WITHSCORES')
return tostring(tonumber(freeing[2]) + window - now)
"""
_redis_script = None


def _try_redis(bucket, usable, window):
    global _redis_script
    if _redis_script is None:
        import redis

        _redis_script = redis.Redis.from_url(settings.REDIS_URL).register_script(REDIS_SCRIPT)
    # The server's clock, so every host agrees on "now".
    client = _redis_script.registered_client
    seconds, micros = client.time()
    now = seconds + micros / 1e6
    wait = float(_redis_script(keys=[f"ratelimit:{bucket}"], args=[now, window, usable, uuid.uuid4().hex]))
    return max(wait, 0.001) if wait else 0.0


def acquire(
    *, limit=None, window=None, bucket=BUCKET, max_wait=None, priority=Priority.DIAL, sleep=time.sleep
):
    """Block until this process may send one request to Exotel. Raises RateLimitTimeout after max_wait."""
    limit = limit or settings.EXOTEL_RATE_LIMIT_PER_MINUTE
    window = window or settings.EXOTEL_RATE_LIMIT_WINDOW_SECONDS
    usable = usable_slots(limit, priority)
    attempt = _try_redis if settings.REDIS_URL else _try_database
    deadline = None if max_wait is None else time.monotonic() + max_wait
    while True:
        wait = attempt(bucket, usable, window)
        if not wait:
            return
        if deadline is not None and time.monotonic() + wait > deadline:
            raise RateLimitTimeout(wait)
        sleep(wait)
