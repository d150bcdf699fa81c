from datetime import UTC, datetime

import pytest

NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)  # 12:00 in Kolkata, the site's zone
MIDNIGHT = datetime(2026, 11, 19, 18, 30, tzinfo=UTC)  # the start of 20 November in Kolkata


@pytest.fixture
def frozen(monkeypatch):
    """The clock stands at NOW for the app and the test alike."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    return NOW
