"""Number ends with: the last three or more digits of the From or the To number, as read out."""

import pytest

from calls.tests.factories import make_call

from .log_page import selected


@pytest.fixture
def calls(db):
    make_call(sid="mine", from_number="+919845012301", to_number="+919876543210")
    make_call(sid="inbound", direction="inbound", from_number="+919811122233", to_number="+918030752400")
    make_call(sid="lookalike", from_number="+919876543211", to_number="+919845012399")


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        ("3210", {"mine"}),  # the end of To
        ("2301", {"mine"}),  # the end of From
        ("2233", {"inbound"}),
        ("2400", {"inbound"}),
        ("210", {"mine"}),  # three digits are enough
        ("211", {"lookalike"}),
        ("9876543210", {"mine"}),  # the whole national number
        ("919876543210", {"mine"}),  # with the country code
    ],
)
def test_the_last_digits_of_from_or_to_select_the_call(manager_client, calls, digits, expected):
    assert selected(manager_client, {"number_ends": digits}) == expected


def test_every_call_whose_from_or_to_ends_so_is_selected(manager_client, calls):
    make_call(sid="callback", from_number="+919876512301", to_number="+919845099999")
    assert selected(manager_client, {"number_ends": "301"}) == {"mine", "callback"}


@pytest.mark.parametrize("digits", ["7654", "98765", "91987"])
def test_digits_from_the_middle_or_the_start_select_nothing(manager_client, calls, digits):
    assert selected(manager_client, {"number_ends": digits}) == set()


def test_the_exophone_is_not_searched(manager_client, calls):
    make_call(
        sid="viasales", from_number="+919845012301", to_number="+919876512345", phone_number="+918030759876"
    )
    assert selected(manager_client, {"number_ends": "9876"}) == set()


def test_more_digits_than_any_number_has_select_nothing_without_error(manager_client, calls):
    assert selected(manager_client, {"number_ends": "0000919876543210"}) == set()


def test_spaces_around_the_digits_are_ignored(manager_client, calls):
    assert selected(manager_client, {"number_ends": " 3210 "}) == {"mine"}
