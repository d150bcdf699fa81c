"""Every bad value gets words on the page (the filter-errors block), with a 200: never a 500, never an empty
table that looks like "no calls"."""

from datetime import timedelta

import pytest

from calls.tests.factories import T0, make_call

from .log_page import errors_shown, get, listed, rows

SIX_NUMBERS = "9876543210, 9876543211, 9876543212, 9876543213, 9876543214, 9876543215"


@pytest.fixture
def calls(agent):
    make_call(sid="newer", agent=agent, duration=10, date_created=T0)
    make_call(sid="older", agent=agent, duration=20, date_created=T0 - timedelta(hours=1))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("duration__gte=abc", "Duration ≥ (s): Enter a whole number."),
        ("duration__gte=1e999", "Duration ≥ (s): Enter a whole number."),
        ("duration__gte=1.5", "Duration ≥ (s): Enter a whole number."),
        ("duration__gte=-1", "Duration ≥ (s): Ensure this value is greater than or equal to 0."),
        ("duration__lte=10000000000000000000", "Duration ≤ (s): Ensure this value is less than or equal to"),
        ("price__eq=0.60001", "Price =: Ensure that there are no more than 4 decimal places."),
        ("price__lte=1e999", "Price ≤: Ensure this value is less than or equal to 1e+50."),
        ("price__lte=NaN", "Price ≤: Enter a number."),
        ("price__gte=Infinity", "Price ≥: Enter a number."),
        ("price__eq=1,5", "Price =: Enter a number."),
        ("created_from=2024-13-45", "Created from: Enter a valid date/time."),
        ("created_to=garbage", "Created until: Enter a valid date/time."),
        ("created_to=2026-11-20T24:00", "Created until: Enter a valid date/time."),
        ({"to_number": SIX_NUMBERS}, "To: At most 5 numbers, as in Exotel's call list."),
        ({"from_number": SIX_NUMBERS}, "From: At most 5 numbers"),
        ({"exophone": SIX_NUMBERS}, "ExoPhone: At most 5 numbers"),
        ("to_number=12345", "To: 12345: This number does not exist; check the digits and the STD code."),
        ("from_number=abc", "From: abc: This is not a phone number."),
        ("exophone=%D9%A0%D9%A8%D9%A0", "ExoPhone: ٠٨٠: Use the digits 0-9 only."),
        ("sid=abc$def", "Sid: Not a call Sid: abc$def"),
        ("sid=" + "a" * 65, "Sid: Not a call Sid"),
        ({"sid": ",".join(f"s{i}" for i in range(101))}, "Sid: At most 100 Sids."),
        ("number_ends=12ab", "Number ends with: Digits 0-9 only"),
        ("number_ends=12", "Number ends with: At least three digits."),
        ("number_ends=%EF%BC%91%EF%BC%92%EF%BC%93", "Number ends with: Digits 0-9 only"),  # full-width digits
        (
            "status=teleported",
            "Status: Select a valid choice. teleported is not one of the available choices.",
        ),
        (
            "direction=sideways",
            "Direction: Select a valid choice. sideways is not one of the available choices.",
        ),
        ("agent=999999", "Agent: Select a valid choice."),
        ("agent=abc", "Agent: Select a valid choice."),
        ("flow=abc", "Flow: Select a valid choice."),
        ("flow=999999", "Flow: Select a valid choice."),
    ],
)
def test_a_bad_filter_is_explained_instead_of_listing_calls(manager_client, calls, query, message):
    response = get(manager_client, query)
    assert response.status_code == 200
    assert message in errors_shown(response)
    assert rows(response) == []


def test_every_bad_filter_is_explained_at_once(manager_client, calls):
    shown = errors_shown(
        get(manager_client, "duration__gte=abc&number_ends=12&status=teleported&sort=password")
    )
    for field in ("Duration ≥ (s):", "Number ends with:", "Status:", "Cannot sort by"):
        assert field in shown


def test_what_was_typed_is_shown_escaped(manager_client, calls):
    html = get(manager_client, {"sid": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in html
    assert "Not a call Sid: &lt;script&gt;" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("sort=password", "Cannot sort by 'password': choose date, duration or price."),
        ("sort=-unknown", "Cannot sort by '-unknown': choose date, duration or price."),
        ("sort=agent", "Cannot sort by 'agent'"),
        ("sort=-", "Cannot sort by '-'"),
        ("page=-1", "Page '-1' does not exist: pages are numbered from 1."),
        ("page=0", "Page '0' does not exist: pages are numbered from 1."),
        ("page=abc", "Page 'abc' does not exist: pages are numbered from 1."),
        ("page=1.5", "Page '1.5' does not exist"),
    ],
)
def test_a_bad_sort_or_page_is_explained_over_the_first_page(manager_client, calls, query, message):
    response = get(manager_client, query)
    assert response.status_code == 200
    assert message in errors_shown(response)
    assert rows(response) == ["newer", "older"]


@pytest.mark.parametrize("page", ["2", "999999"])
def test_a_page_past_the_end_is_explained_or_shows_the_last_page(manager_client, calls, page):
    response = get(manager_client, {"page": page})
    assert response.status_code == 200
    assert errors_shown(response) or rows(response) == ["newer", "older"]


@pytest.mark.parametrize("page", ["²", "99999999999999999999"])
def test_a_page_number_no_one_could_mean_is_explained(manager_client, calls, page):
    response = get(manager_client, {"page": page})
    assert response.status_code == 200
    assert errors_shown(response)


def test_a_doubled_minus_in_the_sort_is_explained(manager_client, calls):
    response = get(manager_client, "sort=--duration")
    assert response.status_code == 200
    assert "Cannot sort by" in errors_shown(response)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "created_from=2026-11-21T00:00&created_to=2026-11-20T00:00",
            "“Created from” is after “Created until”.",
        ),
        ("duration__gte=31&duration__lte=29", "The shortest duration is longer than the longest."),
        ("price__gte=2&price__lte=1", "The lowest price is above the highest."),
    ],
)
def test_a_range_that_can_select_nothing_is_explained(manager_client, calls, query, message):
    response = get(manager_client, query)
    assert response.status_code == 200
    assert message in errors_shown(response)


def test_an_empty_status_in_a_hand_made_link_means_any_status(manager_client, calls):
    assert listed(manager_client, "status=&direction=") == ["newer", "older"]
