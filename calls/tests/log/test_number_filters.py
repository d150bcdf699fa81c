"""From, To and ExoPhone: up to five numbers each, in any common Indian form, compared in E.164.

The ExoPhone filter is Exotel's PhoneNumber filter: it matches the number the call came through as Exotel gave
it (Call.phone_number), whether or not that ExoPhone is registered here.
"""

import pytest

from calls.tests.factories import make_call

from .log_page import errors_shown, get, rows, selected

SUPPORT_LINE = "+918030752400"  # the ExoPhone fixture
SALES_LINE = "+918030752499"  # not registered here


@pytest.fixture
def calls(db, exophone):
    make_call(sid="tocustomer", from_number="+919845012301", to_number="+919876543210", exophone=exophone)
    make_call(sid="toother", from_number="+919845012301", to_number="+919876512345", exophone=exophone)
    make_call(
        sid="inbound",
        direction="inbound",
        from_number="+919876543210",
        to_number=SUPPORT_LINE,
        exophone=exophone,
    )
    make_call(sid="viasales", from_number="+919845012302", to_number="+442079460958", phone_number=SALES_LINE)


@pytest.mark.parametrize(
    "typed",
    [
        "+919876543210",
        "+91 98765 43210",
        "+91-98765-43210",
        "098765 43210",
        "09876543210",
        "9876543210",
        "919876543210",
        "0091 98765 43210",
        "+91 (98765) 43210",
    ],
)
def test_every_common_form_of_a_mobile_number_finds_it(manager_client, calls, typed):
    assert selected(manager_client, {"to_number": typed}) == {"tocustomer"}
    assert selected(manager_client, {"from_number": typed}) == {"inbound"}


@pytest.mark.parametrize("typed", ["080 3075 2400", "08030752400", "+91 80 3075 2400", "8030752400"])
def test_a_landline_in_any_form_finds_it(manager_client, calls, typed):
    assert selected(manager_client, {"to_number": typed}) == {"inbound"}


def test_an_international_number_is_found_in_its_own_form(manager_client, calls):
    assert selected(manager_client, {"to_number": "+44 20 7946 0958"}) == {"viasales"}


def test_several_numbers_select_calls_with_any_of_them(manager_client, calls):
    assert selected(manager_client, {"to_number": "098765 43210; 9876512345"}) == {"tocustomer", "toother"}


def test_five_numbers_are_accepted(manager_client, calls):
    five = "9876543210, 9876512345, 9811122233, 9811122234, 9811122235"
    assert selected(manager_client, {"to_number": five}) == {"tocustomer", "toother"}


def test_from_and_to_together_select_calls_matching_both(manager_client, calls):
    query = {"from_number": "9845012301", "to_number": "9876543210, +919876543210, 8030752400"}
    assert selected(manager_client, query) == {"tocustomer"}
    assert selected(manager_client, {"from_number": "9876543210", "to_number": "9876512345"}) == set()


def test_a_number_no_call_has_is_an_empty_table_not_an_error(manager_client, calls):
    assert selected(manager_client, {"to_number": "+91 99999 88888"}) == set()


@pytest.mark.parametrize("typed", ["08030752400", "080 3075 2400", "+91 80 3075 2400"])
def test_the_exophone_in_national_form_finds_the_calls_through_it(manager_client, calls, typed):
    assert selected(manager_client, {"exophone": typed}) == {"tocustomer", "toother", "inbound"}


def test_an_exophone_not_registered_here_still_finds_its_calls(manager_client, calls):
    assert selected(manager_client, {"exophone": "080 3075 2499"}) == {"viasales"}


def test_the_exophone_filter_looks_at_the_exophone_not_at_from_or_to(manager_client, calls):
    assert selected(manager_client, {"exophone": "9876543210"}) == set()


NOT_ALLOWED = "This is not a phone number. Use digits 0-9, spaces and + - ( ) . only."


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"to_number": "98765abc10"}, f"To: 98765abc10: {NOT_ALLOWED}"),  # was read as +919876522210
        ({"to_number": "+91 98765 43210 ext 5"}, f"To: +91 98765 43210 ext 5: {NOT_ALLOWED}"),
        ({"from_number": "tel:+919876543210"}, f"From: tel:+919876543210: {NOT_ALLOWED}"),
        ({"to_number": "9876512345, 98765abc10"}, f"To: 98765abc10: {NOT_ALLOWED}"),
        ({"exophone": "080 3075 2400 #5"}, f"ExoPhone: 080 3075 2400 #5: {NOT_ALLOWED}"),
        ({"to_number": "98765+43210"}, "To: 98765+43210: Put + only at the start, before the country code."),
        ({"to_number": "x" * 5000}, "To: " + "x" * 40 + ": This is too long for one phone number"),
    ],
)
def test_a_number_with_letters_or_signs_is_explained_not_read_as_another(manager_client, calls, query, shown):
    response = get(manager_client, query)
    assert response.status_code == 200
    assert shown in errors_shown(response)
    assert rows(response) == []


def test_semicolons_still_separate_numbers_in_a_list(manager_client, calls):
    assert selected(manager_client, {"to_number": "9876543210;9876512345"}) == {"tocustomer", "toother"}


def test_each_number_filter_says_what_it_accepts(manager_client, calls):
    page = get(manager_client).content.decode()
    assert page.count("Up to 5 numbers, separated by commas: digits 0-9, spaces and + - ( ) . only.") == 3
