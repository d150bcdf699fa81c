"""Numbers and counts are plain digits 0-9, as Exotel reads them: other scripts' digits, which str.isdigit()
also says yes to, are refused with a 400, never read as digits nor answered with a 500."""

import pytest

from sandbox.errors import ApiError
from sandbox.tests.helpers import connect, get, rest_exception

DEVANAGARI = "+91९८१२३४५६४२"  # +919812345642, its digits Devanagari


def test_a_number_in_devanagari_digits_is_not_a_number(sandbox):
    response = get(sandbox, f"Numbers/{DEVANAGARI}.json")

    assert response.status_code == 400
    assert rest_exception(response)[1].startswith("Invalid phone number")


def test_a_call_to_devanagari_digits_is_refused(sandbox):
    calls = sandbox.calls()

    response = connect(sandbox, To=DEVANAGARI)

    assert response.status_code == 400
    assert sandbox.calls() == calls


@pytest.mark.parametrize(
    "value",
    ["²", "\u0661\u0660", "9" * 5000, "+10"],
    ids=["superscript", "arabic-indic", "5000 digits", "sign"],
)
def test_counts_are_plain_digits(sandbox, value):
    answers = {
        "PageSize": get(sandbox, "Calls.json", PageSize=value),
        "RecordingUrlValidity": get(sandbox, "Calls.json", RecordingUrlValidity=value),
        "TimeLimit": connect(sandbox, TimeLimit=value),
        "TimeOut": connect(sandbox, TimeOut=value),
    }

    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(answers, 400)


def test_an_injected_calls_duration_is_plain_digits(sandbox):
    with pytest.raises(ApiError, match="Duration must be a whole number"):
        sandbox.inject_call(From="09812345601", Duration="²")
