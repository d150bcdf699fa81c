import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from ops import ratelimit
from ops.models import RateLimitSlot
from ops.ratelimit import Priority

READ, DIAL = Priority.READ, Priority.DIAL


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


class Window:
    """The shared window of one backend, with slots put in at known ages."""

    def __init__(self, backend, bucket, redis_client=None):
        self.backend, self.bucket, self.redis = backend, bucket, redis_client

    def fill(self, *ages):
        for age in ages:
            if self.redis is None:
                RateLimitSlot.objects.create(
                    bucket=self.bucket, taken_at=timezone.now() - timedelta(seconds=age)
                )
            else:
                seconds, micros = self.redis.time()
                self.redis.zadd(f"ratelimit:{self.bucket}", {uuid.uuid4().hex: seconds + micros / 1e6 - age})

    def take(self, priority, limit=4):
        """True if a slot was taken at once; else the RateLimitTimeout."""
        try:
            ratelimit.acquire(limit=limit, bucket=self.bucket, max_wait=0, priority=priority)
        except ratelimit.RateLimitTimeout as timeout:
            return timeout
        return True


@pytest.fixture(params=["database", "redis"])
def window(request, settings):
    settings.EXOTEL_READ_SHARE = 0.75
    if request.param == "database":
        request.getfixturevalue("db")
        yield Window("database", "shares")
        return
    request.getfixturevalue("redis_limiter")
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    yield Window("redis", "redis-test", client)


def test_reads_take_only_their_share_and_a_dial_the_rest(window):
    assert [window.take(READ) for _ in range(3)] == [True, True, True]
    assert isinstance(window.take(READ), ratelimit.RateLimitTimeout)
    assert window.take(DIAL) is True
    assert isinstance(window.take(DIAL), ratelimit.RateLimitTimeout)


def test_dials_may_fill_the_whole_window_and_then_reads_wait_for_them_too(window):
    assert [window.take(DIAL) for _ in range(4)] == [True] * 4
    assert isinstance(window.take(READ), ratelimit.RateLimitTimeout)


def test_a_read_is_told_to_wait_until_enough_slots_leave_not_just_the_oldest(window):
    window.fill(50, 40, 30, 20)  # seconds ago; the window is 61 s, the limit 4, the reads' share 3
    assert window.take(READ).wait == pytest.approx(21, abs=0.5)  # the second oldest leaves, then 3 are taken
    assert window.take(DIAL).wait == pytest.approx(11, abs=0.5)  # the oldest leaves


def test_a_small_limit_still_lets_one_read_through(window):
    assert window.take(READ, limit=1) is True
    assert isinstance(window.take(DIAL, limit=1), ratelimit.RateLimitTimeout)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("backend", ["database", "redis"])
def test_many_processes_at_once_get_exactly_the_reads_share(backend, settings, request):
    settings.EXOTEL_READ_SHARE = 0.75
    bucket = "shares"
    if backend == "redis":
        request.getfixturevalue("redis_limiter")
        bucket = "redis-test"
    results = []

    def read():
        try:
            results.append(Window(backend, bucket).take(READ, limit=8) is True)
        finally:
            connection.close()

    threads = [threading.Thread(target=read) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [False] * 6 + [True] * 6
