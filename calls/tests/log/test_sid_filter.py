"""Sid: one or several call Sids, separated by commas, semicolons, spaces or new lines, as pasted."""

import pytest

from calls.tests.factories import make_call

from .log_page import selected

FIRST = "b6cfaf5b0f1a4d0f9c1e2a3b4c5d6e7f"
SECOND = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
THIRD = "ffeeddccbbaa99887766554433221100"


@pytest.fixture
def calls(db):
    for sid in (FIRST, SECOND, THIRD):
        make_call(sid=sid)
    make_call(sid=None, status="not-placed")


def test_one_sid_selects_its_call(manager_client, calls):
    assert selected(manager_client, {"sid": SECOND}) == {SECOND}


@pytest.mark.parametrize(
    "typed",
    [
        f"{FIRST},{THIRD}",
        f"{FIRST}, {THIRD}",
        f"{FIRST};{THIRD}",
        f"{FIRST} {THIRD}",
        f"{FIRST}\n{THIRD}",
        f"  {FIRST},,\r\n{THIRD} ; ",
    ],
)
def test_several_sids_however_separated(manager_client, calls, typed):
    assert selected(manager_client, {"sid": typed}) == {FIRST, THIRD}


def test_a_sid_no_call_has_is_an_empty_table_not_an_error(manager_client, calls):
    assert selected(manager_client, {"sid": "abcdef0123456789abcdef0123456789"}) == set()


def test_unknown_sids_next_to_known_ones_do_not_hide_them(manager_client, calls):
    assert selected(manager_client, {"sid": f"nosuchcall {FIRST} None"}) == {FIRST}


def test_a_call_never_placed_has_no_sid_to_find(manager_client, calls):
    assert None in selected(manager_client, "")
    assert selected(manager_client, {"sid": "None"}) == set()


def test_a_hundred_sids_are_accepted(manager_client, calls):
    hundred = [f"other{i}" for i in range(98)] + [FIRST, SECOND]
    assert selected(manager_client, {"sid": ",".join(hundred)}) == {FIRST, SECOND}
