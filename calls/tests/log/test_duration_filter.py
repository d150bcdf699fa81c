"""Duration in whole seconds: ≥, ≤ and = include the value typed and nothing one second off.

A call still ringing has no duration yet. Asked for calls "at most 30 s long", a user does not expect one
whose length nobody knows, so no numeric filter selects it; it is listed only when duration is not filtered.
"""

import pytest

from calls.tests.factories import make_call

from .log_page import get, rows, selected


@pytest.fixture
def calls_of_each_length(db):
    for sid, seconds in [("zero", 0), ("one", 1), ("s29", 29), ("s30", 30), ("s31", 31)]:
        make_call(sid=sid, status="completed", duration=seconds)
    make_call(sid="ringing", status="ringing", duration=None)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("duration__gte=30", {"s30", "s31"}),
        ("duration__lte=30", {"zero", "one", "s29", "s30"}),
        ("duration__eq=30", {"s30"}),
        ("duration__gte=30&duration__lte=30", {"s30"}),
        ("duration__gte=29&duration__lte=31", {"s29", "s30", "s31"}),
        ("duration__eq=30.0", {"s30"}),
    ],
)
def test_the_bounds_include_the_value_and_exclude_one_second_off(
    manager_client, calls_of_each_length, query, expected
):
    assert selected(manager_client, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("duration__eq=0", {"zero"}),
        ("duration__lte=0", {"zero"}),
        ("duration__gte=0", {"zero", "one", "s29", "s30", "s31"}),
    ],
)
def test_a_zero_second_call_is_a_duration_like_any_other(
    manager_client, calls_of_each_length, query, expected
):
    assert selected(manager_client, query) == expected


@pytest.mark.parametrize(
    "query",
    ["duration__gte=0", "duration__lte=100000", "duration__eq=0"],
)
def test_a_call_without_a_duration_is_selected_by_no_numeric_filter(
    manager_client, calls_of_each_length, query
):
    assert "ringing" not in selected(manager_client, query)


def test_a_call_without_a_duration_is_listed_when_duration_is_not_filtered(
    manager_client, calls_of_each_length
):
    assert "ringing" in selected(manager_client, "")


@pytest.mark.parametrize("query", ["duration__gte=-1", "duration__lte=10000000000000000000"])
def test_a_bound_beyond_any_duration_still_leaves_out_calls_without_one(
    manager_client, calls_of_each_length, query
):
    response = get(manager_client, query)
    assert response.status_code == 200
    assert "ringing" not in rows(response)


@pytest.mark.parametrize("query", ["duration__gte=1.5", "duration__eq=1.5"])
def test_a_fraction_of_a_second_never_selects_a_shorter_call(manager_client, calls_of_each_length, query):
    response = get(manager_client, query)
    assert response.status_code == 200
    assert "one" not in rows(response)
