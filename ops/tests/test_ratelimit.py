import pytest

from ops import ratelimit
from ops.models import RateLimitSlot


class FakeSleep:
    def __init__(self):
        self.waits = []

    def __call__(self, seconds):
        self.waits.append(seconds)
        RateLimitSlot.objects.update(
            taken_at=RateLimitSlot.objects.earliest("taken_at").taken_at.replace(year=2000)
        )


@pytest.mark.django_db
def test_it_lets_the_limit_through_then_waits_for_the_oldest_slot():
    sleep = FakeSleep()
    for _ in range(3):
        ratelimit.acquire(limit=3, bucket="t", sleep=sleep)
    assert sleep.waits == []
    ratelimit.acquire(limit=3, bucket="t", sleep=sleep)
    assert len(sleep.waits) == 1
    assert 0 < sleep.waits[0] <= 61  # the default window: Exotel's minute plus a second for the network


@pytest.mark.django_db
def test_it_gives_up_after_max_wait():
    for _ in range(2):
        ratelimit.acquire(limit=2, bucket="t")
    with pytest.raises(ratelimit.RateLimitTimeout):
        ratelimit.acquire(limit=2, bucket="t", max_wait=1)


@pytest.mark.django_db
def test_buckets_are_separate():
    ratelimit.acquire(limit=1, bucket="a")
    ratelimit.acquire(limit=1, bucket="b", max_wait=0)


@pytest.fixture
def redis_limiter(settings):
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    ratelimit._redis_script = None
    client.delete("ratelimit:redis-test")
    yield
    client.delete("ratelimit:redis-test")
    ratelimit._redis_script = None


def test_redis_lets_the_limit_through_then_asks_to_wait(redis_limiter):
    waits = []
    for _ in range(3):
        ratelimit.acquire(limit=3, bucket="redis-test", sleep=waits.append)
    assert waits == []
    with pytest.raises(ratelimit.RateLimitTimeout):
        ratelimit.acquire(limit=3, bucket="redis-test", max_wait=1)
