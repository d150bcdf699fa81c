import pytest
from django.core.exceptions import ValidationError

from exotel.values import parse_number
from lib.phone import InvalidNumber, PhoneNumberField, national, to_e164, to_e164_or_none, validate_e164


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


ONLY_THESE = r"Use digits 0-9, spaces and \+ - \( \) \. only\."


@pytest.mark.parametrize(
    "written",
    [
        "98765abc95",  # keypad letters: phonenumbers would dial +919876522295
        "9876543295;9876543296",  # phonenumbers keeps the first and drops the second
        "+91 98765 43295 ext 5",
        "9876543295#5",
        "tel:+919876543295",
        "1800-FLOWERS",
        "98765\x0043295",
        "98765/43295",
    ],
)
def test_letters_and_other_signs_are_refused_with_what_is_allowed(written):
    with pytest.raises(InvalidNumber, match=ONLY_THESE):
        to_e164(written)


@pytest.mark.parametrize(
    "written",
    [
        "98765 43295",
        "(098) 765-43295",
        "+91.98765.43295",
        "(+91) 98765 43295",
        "+91 (0) 98765 43295",
        "0091 98765 43295",
        "+91\u00a098765\u00a043295",  # a no-break space, as pasted from a web page
    ],
)
def test_digits_with_spaces_and_the_allowed_punctuation_are_read(written):
    assert to_e164(written) == "+919876543295"


@pytest.mark.parametrize("written", ["98765+43295", "++919876543295", "9876543295+"])
def test_a_plus_goes_only_before_the_country_code(written):
    with pytest.raises(InvalidNumber, match="only at the start"):
        to_e164(written)


@pytest.mark.parametrize(
    "written",
    [
        "९८७६५४३२९५",  # Devanagari
        "\uff19\uff18\uff17\uff16\uff15\uff14\uff13\uff12\uff19\uff15",  # full-width
        "+91 ٩٨٧٦٥٤٣٢٩٥",  # Arabic-Indic
    ],
)
def test_digits_of_other_scripts_are_refused(written):
    with pytest.raises(InvalidNumber, match="Use the digits 0-9 only"):
        to_e164(written)


@pytest.mark.parametrize("written", ["9" * 33, "+91 98765 43295" * 1000])
def test_a_very_long_string_is_refused_before_it_is_parsed(written):
    with pytest.raises(InvalidNumber, match="too long"):
        to_e164(written)


def test_several_numbers_in_digits_only_are_refused_not_cut_to_one():
    with pytest.raises(InvalidNumber):
        to_e164("9876543295 9876543296")


def test_a_number_from_exotel_is_never_read_as_another_number():
    assert to_e164_or_none("98765abc95") is None
    assert parse_number('"98765abc95"') is None
    assert parse_number('"09876543295"') == "+919876543295"


def test_the_model_validator_refuses_letters():
    with pytest.raises(ValidationError, match="digits 0-9"):
        validate_e164("+9198765abc95")


def test_a_number_input_says_what_it_accepts_and_cleans_to_e164():
    field = PhoneNumberField(required=False, help_text_lead="Exotel rings this phone first.")
    assert field.help_text == (
        "Exotel rings this phone first. Digits 0-9, spaces and + - ( ) . only, e.g. +91 98765 43210."
    )
    assert field.clean("(098) 765-43295") == "+919876543295"
    assert field.clean("") == ""
    with pytest.raises(ValidationError, match=ONLY_THESE):
        field.clean("98765abc95")
