"""DateCreated: the range is typed to the minute (datetime-local) and read in the user's time zone.

Calls are stored in UTC. "Created from" includes the minute typed; "created until" includes the whole minute
typed, because a person who writes "until 10:00" means to see the call at 10:00:30 too.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.models import SavedView
from calls.models import Call
from calls.tests.factories import make_call

from .log_page import KOLKATA, errors_shown, get, selected, use_time_zone

LONDON = ZoneInfo("Europe/London")


def kolkata(*args):
    return datetime(*args, tzinfo=KOLKATA)


@pytest.fixture
def around_midnight(db):
    """Calls either side of midnight in Kolkata: 18:30 UTC."""
    make_call(sid="late19", date_created=kolkata(2026, 11, 19, 23, 59, 59))
    make_call(sid="midnight20", date_created=kolkata(2026, 11, 20, 0, 0, 0))
    make_call(sid="late20", date_created=kolkata(2026, 11, 20, 23, 59, 59, 999999))
    make_call(sid="midnight21", date_created=kolkata(2026, 11, 21, 0, 0, 0))


def test_created_from_midnight_leaves_out_the_second_before(manager_client, around_midnight):
    assert selected(manager_client, "created_from=2026-11-20T00:00") == {"midnight20", "late20", "midnight21"}


def test_created_until_2359_keeps_the_last_second_of_the_day(manager_client, around_midnight):
    assert selected(manager_client, "created_to=2026-11-19T23:59") == {"late19"}
    assert selected(manager_client, "created_to=2026-11-20T23:59") == {"late19", "midnight20", "late20"}


def test_one_day_in_kolkata_is_exactly_the_calls_of_that_day(manager_client, around_midnight):
    query = "created_from=2026-11-20T00:00&created_to=2026-11-20T23:59"
    assert selected(manager_client, query) == {"midnight20", "late20"}


@pytest.fixture
def around_ten(db):
    make_call(sid="s095959", date_created=kolkata(2026, 11, 20, 9, 59, 59))
    make_call(sid="s1000", date_created=kolkata(2026, 11, 20, 10, 0, 0))
    make_call(sid="s100030", date_created=kolkata(2026, 11, 20, 10, 0, 30))
    make_call(sid="s1001", date_created=kolkata(2026, 11, 20, 10, 1, 0))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("created_from=2026-11-20T10:00", {"s1000", "s100030", "s1001"}),
        ("created_from=2026-11-20T10:01", {"s1001"}),
        ("created_to=2026-11-20T10:00", {"s095959", "s1000", "s100030"}),
        ("created_to=2026-11-20T09:59", {"s095959"}),
        ("created_from=2026-11-20T10:00&created_to=2026-11-20T10:00", {"s1000", "s100030"}),
    ],
)
def test_both_ends_include_the_whole_minute_typed(manager_client, around_ten, query, expected):
    assert selected(manager_client, query) == expected


def test_an_until_typed_to_the_second_stops_at_that_second(manager_client, around_ten):
    assert selected(manager_client, "created_to=2026-11-20T10:00:15") == {"s095959", "s1000"}


def test_calls_are_stored_in_utc_and_read_back_in_kolkata(manager_client, db):
    make_call(sid="utc", date_created=datetime(2026, 11, 20, 4, 30, tzinfo=UTC))
    make_call(sid="local", date_created=kolkata(2026, 11, 20, 10, 1))

    stored = Call.objects.get(sid="local").date_created
    assert (stored.tzinfo, stored.hour, stored.minute) == (UTC, 4, 31)
    assert selected(manager_client, "created_from=2026-11-20T10:00&created_to=2026-11-20T10:00") == {"utc"}
    assert selected(manager_client, "created_from=2026-11-20T04:30&created_to=2026-11-20T04:31") == set()


def test_without_a_zone_of_their_own_a_user_gets_the_sites_zone(client, manager, settings, db):
    make_call(sid="utc1000", date_created=datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    settings.TIME_ZONE = "UTC"
    client.force_login(manager)
    assert selected(client, "created_from=2026-11-20T10:00&created_to=2026-11-20T10:00") == {"utc1000"}


def test_an_agent_with_their_own_zone_filters_in_that_zone(agent_client, agent):
    make_call(sid="mine", agent=agent, date_created=kolkata(2026, 11, 20, 10, 0))
    use_time_zone(agent, "Asia/Dubai")  # 08:30 in Dubai when it is 10:00 in Kolkata
    assert selected(agent_client, "created_from=2026-11-20T08:30&created_to=2026-11-20T08:30") == {"mine"}
    assert selected(agent_client, "created_from=2026-11-20T10:00") == set()


@pytest.fixture
def summer_and_winter(db):
    """10:00 in London: 09:00 UTC under British Summer Time, 10:00 UTC in winter."""
    make_call(sid="summer", date_created=datetime(2026, 7, 1, 10, 0, tzinfo=LONDON))
    make_call(sid="winter", date_created=datetime(2026, 1, 15, 10, 0, tzinfo=LONDON))
    make_call(sid="summerutc10", date_created=datetime(2026, 7, 1, 10, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("zone", "query", "expected"),
    [
        ("Europe/London", "created_from=2026-07-01T10:00&created_to=2026-07-01T10:00", {"summer"}),
        ("Europe/London", "created_from=2026-01-15T10:00&created_to=2026-01-15T10:00", {"winter"}),
        ("Europe/London", "created_from=2026-07-01T11:00&created_to=2026-07-01T11:00", {"summerutc10"}),
        ("", "created_from=2026-07-01T10:00&created_to=2026-07-01T10:00", set()),
        ("", "created_from=2026-07-01T14:30&created_to=2026-07-01T14:30", {"summer"}),
        ("", "created_from=2026-01-15T15:30&created_to=2026-01-15T15:30", {"winter"}),
    ],
)
def test_a_manager_in_london_filters_in_london_time_summer_and_winter(
    client, manager, summer_and_winter, zone, query, expected
):
    use_time_zone(manager, zone)
    client.force_login(manager)
    assert selected(client, query) == expected


def test_the_hour_after_the_clocks_go_forward_in_london(client, manager, db):
    make_call(sid="gmt0059", date_created=datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC))  # 00:59:59 GMT
    make_call(sid="bst0200", date_created=datetime(2026, 3, 29, 1, 0, tzinfo=UTC))  # 02:00 BST
    use_time_zone(manager, "Europe/London")
    client.force_login(manager)
    assert selected(client, "created_from=2026-03-29T02:00") == {"bst0200"}
    assert selected(client, "created_to=2026-03-29T00:59") == {"gmt0059"}


@pytest.mark.parametrize(
    "typed",
    [
        "2026-03-29T01:30",
        "2026-10-25T01:30",
    ],  # a time London skips in spring, a time it lives twice in autumn
)
def test_a_london_time_that_does_not_exist_or_exists_twice_is_explained(client, manager, typed):
    make_call(sid="any", date_created=datetime(2026, 3, 29, 12, 0, tzinfo=UTC))
    use_time_zone(manager, "Europe/London")
    client.force_login(manager)
    response = get(client, {"created_from": typed})
    assert response.status_code == 200
    assert "Europe/London" in errors_shown(response)


OUT_OF_RANGE = "Enter a date between 2000-01-01 and 2100-12-31."
# Each a value typed by hand or kept in an old link: refused with words over the form, never a 500.
EDGE_CASES = [
    ({"created_to": "9999-12-31T23:59"}, f"Created until: {OUT_OF_RANGE}"),
    ({"created_from": "9999-12-31T23:59"}, f"Created from: {OUT_OF_RANGE}"),
    ({"created_from": "0001-01-01"}, f"Created from: {OUT_OF_RANGE}"),
    ({"created_to": "0001-01-01T00:00"}, f"Created until: {OUT_OF_RANGE}"),
    ({"created_from": "1999-12-31T23:59"}, f"Created from: {OUT_OF_RANGE}"),
    ({"created_to": "2101-01-01T00:00"}, f"Created until: {OUT_OF_RANGE}"),
    ({"created_from": "+999999-01-01"}, "Created from: Enter a valid date/time."),
    ({"created_from": "٢٠٢٦-11-20T10:00"}, "Created from: Enter a valid date/time."),
    ({"created_to": "2026-11-20T10:00\x00"}, "Created until: Enter a valid date/time."),
    ({"created_to": "2" * 10_000}, "Created until: Enter a valid date/time."),
    ({"created_to": ["a", "b"]}, "Created until: Enter one date, not 2."),
    ({"created_to": ["2026-11-20T10:00", "2026-11-21T10:00"]}, "Created until: Enter one date, not 2."),
    (
        {"created_from": "2026-11-21T00:00", "created_to": "2026-11-20T23:59"},
        "“Created from” is after “Created until”.",
    ),
]


@pytest.mark.parametrize(("query", "message"), EDGE_CASES)
def test_a_date_off_the_calendar_or_not_a_date_is_a_field_error(
    manager_client, around_midnight, query, message
):
    response = get(manager_client, query)
    assert response.status_code == 200
    assert message in errors_shown(response)
    assert 'data-testid="export"' not in response.content.decode()  # an export of it could only be refused


def make_edge_calls(zone):
    make_call(sid="first", date_created=datetime(2000, 1, 1, 0, 0, tzinfo=zone))
    make_call(sid="last", date_created=datetime(2100, 12, 31, 23, 59, 30, tzinfo=zone))


def test_the_first_and_last_minutes_of_the_calendar_select_their_calls(manager_client):
    make_edge_calls(KOLKATA)
    assert selected(manager_client, "created_from=2000-01-01T00:00&created_to=2000-01-01T00:00") == {"first"}
    assert selected(manager_client, "created_from=2100-12-31T23:59&created_to=2100-12-31T23:59") == {"last"}
    assert selected(manager_client, "created_from=2000-01-01T00:00&created_to=2100-12-31T23:59") == {
        "first",
        "last",
    }


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])  # UTC+14 and UTC-11
def test_the_calendars_edges_hold_in_the_zones_furthest_from_utc(client, manager, zone):
    make_edge_calls(ZoneInfo(zone))
    use_time_zone(manager, zone)
    client.force_login(manager)
    assert selected(client, "created_from=2000-01-01T00:00&created_to=2100-12-31T23:59") == {"first", "last"}
    assert selected(client, "created_to=2000-01-01T00:00") == {"first"}
    assert selected(client, "created_from=2100-12-31T23:59") == {"last"}


def test_a_saved_view_off_the_calendar_is_refused_and_an_old_one_opens_with_the_error(
    manager_client, manager
):
    response = manager_client.post(
        "/views/save/", {"name": "Forever", "query": "created_to=9999-12-31T23:59"}
    )
    assert response.status_code == 200
    assert f"Created until: {OUT_OF_RANGE}" in response.content.decode()
    old = SavedView.objects.create(owner=manager, name="Before the bound", query="created_from=0001-01-01")
    opened = manager_client.get(f"/views/{old.pk}/", follow=True)
    assert opened.status_code == 200
    assert f"Created from: {OUT_OF_RANGE}" in errors_shown(opened)
