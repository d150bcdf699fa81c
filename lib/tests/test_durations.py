import pytest

from lib.durations import clock, wait


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (None, "—"),
        (0, "0:00"),
        (9, "0:09"),
        (59.6, "1:00"),
        (93, "1:33"),
        (3599, "59:59"),
        (3600, "1:00:00"),
        (86399, "23:59:59"),
        (100 * 3600, "100:00:00"),
    ],
)
def test_a_duration_reads_as_a_clock(seconds, shown):
    assert clock(seconds) == shown


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (None, "—"),
        (125, "2:05"),
        (5 * 3600 + 7, "5:00:07"),
        (86400, "1 d 0 h"),
        (7 * 86400 + 9 * 3600 + 59, "7 d 9 h"),
    ],
)
def test_a_wait_past_a_day_reads_in_days_and_hours(seconds, shown):
    assert wait(seconds) == shown
