"""GET Numbers/<number>: circle, operator, type and DND, the same every time for the same number."""

import pytest

from sandbox.metadata import CIRCLES, MOBILE_OPERATORS
from sandbox.tests.helpers import get, rest_exception, xml

FIELDS = ["PhoneNumber", "Circle", "CircleName", "Type", "Operator", "OperatorName", "DND"]


def test_it_describes_a_mobile_number_in_json(sandbox):
    response = get(sandbox, "Numbers/09812345642.json")

    assert response.status_code == 200
    number = response.json()["Numbers"]
    assert list(number) == FIELDS
    assert number["PhoneNumber"] == "09812345642"
    assert number["Type"] == "Mobile"
    assert number["Circle"] in CIRCLES and number["CircleName"] == CIRCLES[number["Circle"]]
    assert (
        number["Operator"] in MOBILE_OPERATORS
        and number["OperatorName"] == MOBILE_OPERATORS[number["Operator"]]
    )
    assert number["DND"] == "No"


def test_it_describes_a_number_in_xml_by_default(sandbox):
    numbers = xml(get(sandbox, "Numbers/09812345642")).find("Numbers")

    assert [element.tag for element in numbers] == FIELDS
    assert numbers.findtext("PhoneNumber") == "09812345642"


def test_it_gives_the_same_answer_for_every_form_of_a_number(sandbox):
    answers = [
        get(sandbox, f"Numbers/{form}.json").json() for form in ("09812345642", "9812345642", "+919812345642")
    ]

    assert answers[0] == answers[1] == answers[2]


def test_it_says_dnd_yes_for_numbers_ending_in_95(sandbox):
    assert get(sandbox, "Numbers/09812345695.json").json()["Numbers"]["DND"] == "Yes"


@pytest.mark.parametrize(
    "number, circle, operator",
    [
        ("08030752400", "KA", "B"),
        ("02267891234", "MU", "MT"),
        ("01123456789", "DL", "MT"),
        ("04023456789", "AP", "B"),
    ],
)
def test_a_landline_gets_the_circle_of_its_std_code(sandbox, number, circle, operator):
    answer = get(sandbox, f"Numbers/{number}.json").json()["Numbers"]

    assert (answer["Type"], answer["Circle"], answer["Operator"]) == ("Landline", circle, operator)


def test_different_mobiles_land_in_different_circles(sandbox):
    circles = {get(sandbox, f"Numbers/098{n}345642.json").json()["Numbers"]["Circle"] for n in range(10, 30)}

    assert len(circles) > 5


@pytest.mark.parametrize("number", ["12345", "abcdefghij", "+14155550123", "00000000000"])
def test_it_refuses_something_that_is_not_an_indian_number(sandbox, number):
    response = get(sandbox, f"Numbers/{number}.json")

    assert response.status_code == 400
    assert rest_exception(response)[1].startswith("Invalid phone number")
