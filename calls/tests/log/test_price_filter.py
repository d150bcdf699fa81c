"""Price: ≥, ≤ and = include the value typed and exclude the smallest step off (prices keep four decimals).

0.6, 0.60 and 0.6000 are one price, however the call stored it or the user typed it. A call Exotel has not
priced yet is selected by no price filter.
"""

from decimal import Decimal

import pytest

from calls.tests.factories import make_call

from .log_page import selected


@pytest.fixture
def priced_calls(db):
    for sid, price in [
        ("free", "0"),
        ("under", "0.5999"),
        ("sixty", "0.6"),
        ("over", "0.6001"),
        ("onetwenty", "1.20"),
        ("three", "3"),
    ]:
        make_call(sid=sid, status="completed", price=Decimal(price))
    make_call(sid="unpriced", status="completed", price=None)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("price__gte=0.6", {"sixty", "over", "onetwenty", "three"}),
        ("price__lte=0.6", {"free", "under", "sixty"}),
        ("price__eq=0.6", {"sixty"}),
        ("price__gte=0.6&price__lte=1.2", {"sixty", "over", "onetwenty"}),
        ("price__gte=0.6001&price__lte=1.1999", {"over"}),
    ],
)
def test_the_bounds_include_the_value_and_exclude_the_next_step(
    manager_client, priced_calls, query, expected
):
    assert selected(manager_client, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("price__eq=0.6", {"sixty"}),
        ("price__eq=0.60", {"sixty"}),
        ("price__eq=0.6000", {"sixty"}),
        ("price__eq=1.2", {"onetwenty"}),
        ("price__eq=1.20", {"onetwenty"}),
        ("price__eq=3", {"three"}),
        ("price__eq=3.00", {"three"}),
        ("price__lte=1.20", {"free", "under", "sixty", "over", "onetwenty"}),
    ],
)
def test_trailing_zeros_do_not_change_a_price(manager_client, priced_calls, query, expected):
    assert selected(manager_client, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [("price__eq=0", {"free"}), ("price__lte=0", {"free"}), ("price__eq=0.00", {"free"})],
)
def test_a_free_call_has_a_price_of_zero(manager_client, priced_calls, query, expected):
    assert selected(manager_client, query) == expected


@pytest.mark.parametrize("query", ["price__gte=0", "price__lte=1000", "price__eq=0"])
def test_a_call_not_priced_yet_is_selected_by_no_price_filter(manager_client, priced_calls, query):
    assert "unpriced" not in selected(manager_client, query)
    assert "unpriced" in selected(manager_client, "")
