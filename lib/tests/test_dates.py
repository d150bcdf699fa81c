"""The date and date-time fields every form and filter uses: Exotel's calendar, 2000-01-01 to 2100-12-31."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.http import QueryDict
from django.utils import timezone

from lib.dates import DateField, DateTimeField

OUT_OF_RANGE = "Enter a date between 2000-01-01 and 2100-12-31."
KOLKATA = ZoneInfo("Asia/Kolkata")


class Dates(forms.Form):
    day = DateField(required=False)
    moment = DateTimeField(required=False)


def errors(query):
    form = Dates(QueryDict(query))
    form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def cleaned(query):
    form = Dates(QueryDict(query))
    assert form.is_valid(), form.errors
    return form.cleaned_data


@pytest.mark.parametrize(
    "typed",
    ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"],
)
def test_a_day_outside_exotels_calendar_is_refused_with_the_range(typed):
    assert errors(f"day={typed}&moment={typed}T23:59") == {"day": [OUT_OF_RANGE], "moment": [OUT_OF_RANGE]}


def test_the_first_and_last_days_of_the_calendar_are_taken():
    with timezone.override(KOLKATA):
        first = cleaned("day=2000-01-01&moment=2000-01-01T00:00")
        last = cleaned("day=2100-12-31&moment=2100-12-31T23:59")
    assert first == {"day": date(2000, 1, 1), "moment": datetime(2000, 1, 1, tzinfo=KOLKATA)}
    assert last == {"day": date(2100, 12, 31), "moment": datetime(2100, 12, 31, 23, 59, tzinfo=KOLKATA)}


def test_the_range_holds_the_date_as_typed_whatever_offset_comes_with_it():
    assert errors("moment=2100-12-31T23:59-12:00") == {}
    assert errors("moment=1999-12-31T23:59-12:00") == {"moment": [OUT_OF_RANGE]}
    assert errors("moment=9999-12-31T23:59:59.999999-12:00") == {"moment": [OUT_OF_RANGE]}


@pytest.mark.parametrize(
    "typed",
    [
        "+999999-01-01",
        "٢٠٢٦-11-20",  # Arabic-Indic digits: int() would read them as 2026
        "\uff12\uff10\uff12\uff16-11-20",  # full-width digits
        "2026-11-20\x00",
        "2026-11-20T10:00\x00",  # datetime.fromisoformat() reads it as 10:00
        "2026-11-20T10:00\n",
        "\x00",
        "2" * 10_000,
        "2026-11-20" + " " * 100,
    ],
)
def test_what_is_not_a_plain_date_is_refused_as_invalid(typed):
    form = Dates({"day": typed, "moment": typed})
    assert not form.is_valid()
    assert form.errors == {"day": ["Enter a valid date."], "moment": ["Enter a valid date/time."]}


def test_a_date_given_twice_is_refused_rather_than_one_picked_silently():
    assert errors("day=2026-01-01&day=2026-02-01") == {"day": ["Enter one date, not 2."]}
    assert errors("moment=a&moment=b&moment=c") == {"moment": ["Enter one date, not 3."]}


def test_the_same_date_twice_or_beside_an_empty_one_is_that_date():
    assert cleaned("day=2026-01-01&day=2026-01-01")["day"] == date(2026, 1, 1)
    assert cleaned("day=&day=2026-01-01")["day"] == date(2026, 1, 1)


def test_the_inputs_offer_only_the_calendar_and_show_a_refused_pair_as_empty():
    form = Dates(QueryDict("day=2026-01-01&day=2026-02-01&moment=2026-11-20T10:00"))
    assert str(form["day"]).startswith('<input type="date" name="day" min="2000-01-01" max="2100-12-31" ')
    assert "value=" not in str(form["day"])
    assert 'type="datetime-local"' in str(form["moment"])
    assert 'min="2000-01-01T00:00" max="2100-12-31T23:59"' in str(form["moment"])
    assert 'value="2026-11-20T10:00"' in str(form["moment"])
