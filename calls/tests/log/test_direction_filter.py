"""Direction: inbound, outbound from the dashboard, outbound through the API; one or several ticked."""

import pytest

from calls.tests.factories import make_call

from .log_page import selected


@pytest.fixture
def one_call_per_direction(db):
    make_call(sid="inbound", direction="inbound")
    make_call(sid="dashboard", direction="outbound-dial")
    make_call(sid="api", direction="outbound-api")


@pytest.mark.parametrize(
    ("direction", "expected"),
    [("inbound", {"inbound"}), ("outbound-dial", {"dashboard"}), ("outbound-api", {"api"})],
)
def test_one_direction_selects_exactly_its_calls(manager_client, one_call_per_direction, direction, expected):
    assert selected(manager_client, {"direction": direction}) == expected


def test_both_outbound_directions_together(manager_client, one_call_per_direction):
    query = {"direction": ["outbound-dial", "outbound-api"]}
    assert selected(manager_client, query) == {"dashboard", "api"}


def test_all_three_directions_list_every_call(manager_client, one_call_per_direction):
    query = {"direction": ["inbound", "outbound-dial", "outbound-api"]}
    assert selected(manager_client, query) == {"inbound", "dashboard", "api"}
