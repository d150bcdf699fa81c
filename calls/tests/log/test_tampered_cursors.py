"""A cursor the log did not make, or made for another sort: the first page, with words, never a 500."""

from datetime import timedelta

import pytest
from django.core import signing

from calls.log.cursors import SIGNER, Cursor, cursor_text
from calls.log.sorts import LogSort
from calls.models import Call
from calls.tests.factories import T0, make_call

from .log_page import errors_shown, get, rows

BROKEN = "This page's link is not one the log made: here is the first page."


@pytest.fixture
def calls(db):
    for n in range(6):
        make_call(sid=f"c{n}", duration=10 * n, date_created=T0 - timedelta(minutes=n))


def real_cursor(sort="-date_created"):
    """A cursor as the log makes it, after c2."""
    c2 = Call.objects.get(sid="c2")
    return cursor_text(Cursor(LogSort(sort), LogSort(sort).place_of(c2), backwards=False))


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "",
        "x" * 5000,
        "WyJhIl0\x00:abc",
        "Wy\u00e9:\u2603",
        "signature changed",
        "place changed",
        SIGNER.sign_object(["-date_created", "a", None, 10**30, 3]),  # a moment no calendar has
        SIGNER.sign_object(["-date_created", "sideways", None, 0, 3]),
        SIGNER.sign_object(["-date_created", "a", None, 0, -1]),
        SIGNER.sign_object(["-date_created", "a", None, 0, True]),
        SIGNER.sign_object(["-date_created", "a", None, 0]),
        SIGNER.sign_object({"sort": "-date_created"}),
        SIGNER.sign_object("-date_created"),
        SIGNER.sign_object(["-date_created", "a", None, 0, 3], compress=True) + "=",
        signing.Signer(salt="another.purpose").sign_object(["-date_created", "a", None, 0, 3]),
    ],
)
def test_a_cursor_the_log_did_not_make_shows_the_first_page_and_says_so(manager_client, calls, cursor):
    if cursor == "signature changed":
        cursor = real_cursor()[:-3] + "abc"
    elif cursor == "place changed":
        cursor = real_cursor().replace("Wy", "Xy", 1)
    response = get(manager_client, {"cursor": cursor})
    assert response.status_code == 200
    assert BROKEN in errors_shown(response) if cursor else errors_shown(response) == ""
    assert rows(response) == ["c0", "c1", "c2", "c3", "c4", "c5"]


@pytest.mark.parametrize(
    ("sort", "value"),
    [
        ("duration", "ten"),
        ("duration", -5),
        ("duration", 2**40),
        ("price", "NaN"),
        ("price", "1e999"),
        ("price", 3),
    ],
)
def test_a_signed_cursor_with_a_value_the_sort_cannot_hold_is_refused(manager_client, calls, sort, value):
    cursor = SIGNER.sign_object([sort, "a", value, 0, 3])
    response = get(manager_client, {"cursor": cursor, "sort": sort})
    assert response.status_code == 200
    assert BROKEN in errors_shown(response)


def test_a_repeated_cursor_is_refused(manager_client, calls):
    cursor = real_cursor()
    response = manager_client.get(f"/calls/?cursor={cursor}&cursor={cursor}")
    assert BROKEN in errors_shown(response)
    assert rows(response)[0] == "c0"


def test_a_cursor_for_another_sort_shows_the_first_page_of_this_sort(manager_client, calls):
    response = get(manager_client, {"cursor": real_cursor("-price"), "sort": "duration"})
    assert response.status_code == 200
    assert "That link was for another sort: here is the first page, shortest first." in errors_shown(response)
    assert rows(response) == ["c0", "c1", "c2", "c3", "c4", "c5"]


def test_a_bad_sort_beside_a_cursor_is_explained_once_the_cursor_goes_too(manager_client, calls):
    response = get(manager_client, {"cursor": real_cursor(), "sort": "password"})
    shown = errors_shown(response)
    assert "Cannot sort by 'password'" in shown and "link" not in shown
    assert rows(response)[0] == "c0"


def test_a_cursor_from_the_log_reads_on_from_its_call(manager_client, calls):
    response = get(manager_client, {"cursor": real_cursor()})
    assert errors_shown(response) == ""
    assert rows(response) == ["c3", "c4", "c5"]
