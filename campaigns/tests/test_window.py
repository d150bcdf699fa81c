"""The calling window: nothing is dialled outside its days and hours, in its zone, clock changes included."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from campaigns.window import CallingWindow

KOLKATA = ZoneInfo("Asia/Kolkata")
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
EVERY_DAY = tuple(range(7))
WEEKDAYS = (0, 1, 2, 3, 4)
TRAI = CallingWindow(EVERY_DAY, time(9, 0), time(21, 0), "Asia/Kolkata")
SECOND = timedelta(seconds=1)


def at(zone, *parts):
    return datetime(*parts, tzinfo=zone)


@pytest.mark.parametrize(
    ("local", "open_"),
    [
        ((8, 59, 59), False),
        ((9, 0, 0), True),
        ((14, 0, 0), True),
        ((20, 59, 59), True),
        ((21, 0, 0), False),
        ((0, 0, 0), False),
        ((23, 59, 59), False),
    ],
)
def test_the_trai_hours_in_kolkata_at_their_edges(local, open_):
    moment = at(KOLKATA, 2026, 12, 4, *local)
    assert TRAI.is_open(moment) is open_
    assert TRAI.is_open(moment.astimezone(UTC)) is open_  # the pump asks in UTC


def test_09_00_in_kolkata_is_03_30_utc():
    assert not TRAI.is_open(datetime(2026, 12, 4, 3, 29, 59, tzinfo=UTC))
    assert TRAI.is_open(datetime(2026, 12, 4, 3, 30, tzinfo=UTC))
    assert TRAI.is_open(datetime(2026, 12, 4, 15, 29, 59, tzinfo=UTC))
    assert not TRAI.is_open(datetime(2026, 12, 4, 15, 30, tzinfo=UTC))


def test_only_the_chosen_days_in_the_zones_own_calendar():
    window = CallingWindow(WEEKDAYS, time(9, 0), time(21, 0), "Asia/Kolkata")
    friday, saturday, sunday, monday = (at(KOLKATA, 2026, 12, day, 10, 0) for day in (4, 5, 6, 7))
    assert window.is_open(friday) and window.is_open(monday)
    assert not window.is_open(saturday) and not window.is_open(sunday)
    # Monday 02:00 in Kolkata is still Sunday in UTC: the zone's day decides, so 09:00 Monday is open.
    assert window.is_open(at(KOLKATA, 2026, 12, 7, 9, 0).astimezone(UTC))
    assert not window.is_open(at(KOLKATA, 2026, 12, 5, 9, 0).astimezone(UTC))


def test_no_day_chosen_never_opens():
    window = CallingWindow((), time(9, 0), time(21, 0), "Asia/Kolkata")
    moment = at(KOLKATA, 2026, 12, 4, 12, 0)
    assert not window.is_open(moment)
    assert window.next_opening(moment) is None


def test_next_opening_is_now_while_open_and_the_start_the_same_day_before_it():
    open_moment = at(KOLKATA, 2026, 12, 4, 12, 0).astimezone(UTC)
    assert TRAI.next_opening(open_moment) == open_moment
    early = at(KOLKATA, 2026, 12, 4, 8, 59, 59).astimezone(UTC)
    assert TRAI.next_opening(early) == at(KOLKATA, 2026, 12, 4, 9, 0)


def test_after_the_end_the_next_opening_is_tomorrow_at_the_start():
    late = at(KOLKATA, 2026, 12, 4, 21, 0).astimezone(UTC)
    assert TRAI.next_opening(late) == at(KOLKATA, 2026, 12, 5, 9, 0)


def test_next_opening_across_a_weekend():
    window = CallingWindow(WEEKDAYS, time(9, 0), time(21, 0), "Asia/Kolkata")
    friday_evening = at(KOLKATA, 2026, 12, 4, 21, 0).astimezone(UTC)
    saturday_noon = at(KOLKATA, 2026, 12, 5, 12, 0).astimezone(UTC)
    monday_nine = at(KOLKATA, 2026, 12, 7, 9, 0)
    assert window.next_opening(friday_evening) == monday_nine
    assert window.next_opening(saturday_noon) == monday_nine
    assert window.next_opening(friday_evening) == datetime(2026, 12, 7, 3, 30, tzinfo=UTC)


def test_a_single_day_a_week_opens_the_next_week_once_today_has_closed():
    friday_only = CallingWindow((4,), time(9, 0), time(21, 0), "Asia/Kolkata")
    after = at(KOLKATA, 2026, 12, 4, 21, 0).astimezone(UTC)
    assert friday_only.next_opening(after) == at(KOLKATA, 2026, 12, 11, 9, 0)


def test_closes_at_the_end_of_today_in_the_zone():
    moment = at(KOLKATA, 2026, 12, 4, 20, 59, 59).astimezone(UTC)
    assert TRAI.closes_at(moment) == at(KOLKATA, 2026, 12, 4, 21, 0)
    assert TRAI.closes_at(at(KOLKATA, 2026, 12, 4, 21, 0)) is None


@pytest.mark.parametrize(
    ("zone", "day"),
    [(LONDON, (2026, 3, 27)), (LONDON, (2026, 3, 30)), (NEW_YORK, (2026, 3, 6)), (NEW_YORK, (2026, 3, 9))],
)
def test_the_edges_are_the_local_clock_on_both_sides_of_summer_time(zone, day):
    window = CallingWindow(EVERY_DAY, time(9, 0), time(21, 0), zone.key)
    assert not window.is_open(at(zone, *day, 8, 59, 59).astimezone(UTC))
    assert window.is_open(at(zone, *day, 9, 0).astimezone(UTC))
    assert window.is_open(at(zone, *day, 20, 59, 59).astimezone(UTC))
    assert not window.is_open(at(zone, *day, 21, 0).astimezone(UTC))


def test_london_09_00_is_09_00_utc_in_winter_and_08_00_utc_in_summer():
    window = CallingWindow(EVERY_DAY, time(9, 0), time(21, 0), "Europe/London")
    assert window.next_opening(datetime(2026, 3, 28, 0, 0, tzinfo=UTC)) == datetime(
        2026, 3, 28, 9, 0, tzinfo=UTC
    )
    # The clocks go forward at 01:00 UTC on Sunday 29 March: from then on, 09:00 is 08:00 UTC.
    assert window.next_opening(datetime(2026, 3, 29, 0, 0, tzinfo=UTC)) == datetime(
        2026, 3, 29, 8, 0, tzinfo=UTC
    )
    assert window.next_opening(datetime(2026, 10, 25, 0, 0, tzinfo=UTC)) == (
        datetime(2026, 10, 25, 9, 0, tzinfo=UTC)
    )


@pytest.mark.parametrize(
    ("zone", "start", "before_change", "change"),
    [
        # London skips 01:00-02:00 on 29 March 2026; New York 02:00-03:00 on 8 March 2026.
        (
            "Europe/London",
            time(1, 30),
            datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
            datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
        ),
        (
            "America/New_York",
            time(2, 30),
            datetime(2026, 3, 8, 5, 0, tzinfo=UTC),
            datetime(2026, 3, 8, 7, 0, tzinfo=UTC),
        ),
    ],
)
def test_a_start_inside_the_skipped_hour_opens_when_the_clocks_jump_past_it(
    zone, start, before_change, change
):
    window = CallingWindow(EVERY_DAY, start, time(21, 0), zone)
    assert not window.is_open(change - SECOND)
    assert window.is_open(change)
    # The page's "waits until" is the moment the pump starts dialling, not half an hour later.
    assert window.next_opening(before_change) == change


def test_a_start_inside_the_repeated_hour_opens_at_its_first_occurrence():
    # London repeats 01:00-02:00 on 25 October 2026: 01:30 BST comes first, at 00:30 UTC.
    window = CallingWindow(EVERY_DAY, time(1, 30), time(21, 0), "Europe/London")
    assert window.next_opening(datetime(2026, 10, 25, 0, 0, tzinfo=UTC)) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    assert not window.is_open(datetime(2026, 10, 25, 0, 29, 59, tzinfo=UTC))


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "Europe/London", "America/New_York"])
def test_next_opening_is_always_the_first_open_second(zone):
    """Hour by hour over the spring change and a weekend: the opening given is open, the second before not."""
    window = CallingWindow((0, 2, 4, 6), time(2, 30), time(21, 0), zone)
    moment = datetime(2026, 3, 6, 0, 0, tzinfo=UTC)
    while moment < datetime(2026, 4, 1, tzinfo=UTC):
        opening = window.next_opening(moment)
        assert opening is not None and opening >= moment and window.is_open(opening), moment
        if opening > moment:
            assert not window.is_open(opening - SECOND), (moment, opening)
        moment += timedelta(hours=1)


def test_describe_says_the_days_hours_and_zone():
    assert TRAI.describe() == "Every day, 09:00 to 21:00 Asia/Kolkata"
    assert CallingWindow(WEEKDAYS, time(9), time(18), "Asia/Kolkata").describe() == (
        "Monday to Friday, 09:00 to 18:00 Asia/Kolkata"
    )
    assert CallingWindow((5, 0), time(10), time(12), "Europe/London").describe() == (
        "Mon, Sat, 10:00 to 12:00 Europe/London"
    )
