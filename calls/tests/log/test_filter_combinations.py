"""Filters AND together: one call meets every condition, and each other call misses exactly one."""

from datetime import datetime
from decimal import Decimal

import pytest

from calls.tests.factories import make_call

from .log_page import KOLKATA, selected

EVERYTHING = {
    "status": ["completed", "busy"],
    "direction": ["outbound-dial", "outbound-api"],
    "created_from": "2026-11-20T09:00",
    "created_to": "2026-11-20T18:00",
    "duration__gte": "30",
    "duration__lte": "120",
}


def at(hour, minute=0, second=0):
    return datetime(2026, 11, 20, hour, minute, second, tzinfo=KOLKATA)


@pytest.fixture
def calls(agent, other_agent):
    matching = {"agent": agent, "status": "completed", "direction": "outbound-dial", "date_created": at(12)}
    make_call(sid="match", duration=60, **matching)
    make_call(sid="matchedges", **(matching | {"status": "busy", "duration": 30, "date_created": at(9)}))
    make_call(
        sid="matchlate",
        **(matching | {"direction": "outbound-api", "duration": 120, "date_created": at(18, 0, 59)}),
    )
    make_call(sid="wrongstatus", duration=60, **(matching | {"status": "no-answer"}))
    make_call(sid="wrongdirection", duration=60, **(matching | {"direction": "inbound"}))
    make_call(sid="tooearly", duration=60, **(matching | {"date_created": at(8, 59, 59)}))
    make_call(sid="toolate", duration=60, **(matching | {"date_created": at(18, 1)}))
    make_call(sid="tooshort", duration=29, **matching)
    make_call(sid="toolong", duration=121, **matching)
    make_call(sid="noduration", duration=None, **(matching | {"status": "in-progress"}))
    make_call(sid="othersagent", duration=60, **(matching | {"agent": other_agent}))


def test_status_direction_date_range_and_duration_all_apply(manager_client, calls):
    assert selected(manager_client, EVERYTHING) == {"match", "matchedges", "matchlate", "othersagent"}


def test_an_agent_gets_the_same_and_only_their_own(agent_client, calls):
    assert selected(agent_client, EVERYTHING) == {"match", "matchedges", "matchlate"}


def test_with_the_agent_filter_too(manager_client, calls, other_agent):
    assert selected(manager_client, EVERYTHING | {"agent": other_agent.pk}) == {"othersagent"}


def test_numbers_sids_and_price_narrow_it_further(manager_client, db):
    make_call(sid="target", to_number="+919876543210", price=Decimal("1.20"), status="completed")
    make_call(sid="otherto", to_number="+919876512345", price=Decimal("1.20"), status="completed")
    make_call(sid="otherprice", to_number="+919876543210", price=Decimal("1.21"), status="completed")
    make_call(sid="otherstatus", to_number="+919876543210", price=Decimal("1.20"), status="busy")
    query = {
        "to_number": "098765 43210",
        "number_ends": "3210",
        "price__eq": "1.2",
        "status": "completed",
        "sid": "target otherto otherprice otherstatus",
    }
    assert selected(manager_client, query) == {"target"}
