import pytest

from calls.log import views


@pytest.fixture(autouse=True)
def count_without_hurry(monkeypatch):
    """The log's count stops after 10 ms (views.COUNT_SECONDS): on a busy test machine that is sometimes too
    little for a few dozen calls, and the page would say "at least" where the tests check the exact count.
    test_count_stops_in_time.py cuts it short on purpose."""
    monkeypatch.setattr(views, "COUNT_SECONDS", 5)
