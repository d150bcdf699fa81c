import pytest

from lib.phone import InvalidNumber, national, to_e164


@pytest.mark.parametrize(
    "written",
    [
        "+91 98765 43210",
        "+919876543210",
        "098765 43210",
        "09876543210",
        "9876543210",
        "98765-43210",
        " 9876543210 ",
    ],
)
def test_it_reads_every_common_indian_form_of_a_mobile(written):
    assert to_e164(written) == "+919876543210"


def test_it_reads_a_landline_with_its_std_code():
    assert to_e164("080 3075 2400") == "+918030752400"
    assert to_e164("022-6789-1234") == "+912267891234"


@pytest.mark.parametrize(
    "written", ["", "   ", "null", "abc", "12345", "+91 55555 55555", "+91 98765", "0000000000"]
)
def test_it_refuses_what_is_not_a_number(written):
    with pytest.raises(InvalidNumber):
        to_e164(written)


def test_it_refuses_non_ascii_digits():
    with pytest.raises(InvalidNumber, match="0-9"):
        to_e164("९८७६५४३२१०")


def test_it_writes_exotels_national_form():
    assert national("+919876543210") == "09876543210"
    assert national("+918030752400") == "08030752400"
