"""Agent (managers and admins only), flow, and whether a recording exists."""

import pytest

from calls.tests.factories import make_call
from exotel_dashboard.testing import make_person
from lib.roles import Role

from .log_page import selected


@pytest.fixture
def calls(agent, other_agent, flow):
    make_call(sid="asharecorded", agent=agent, recording_url="https://recordings.exotel.com/a.mp3")
    make_call(sid="ashaivr", agent=agent, flow=flow)
    make_call(sid="vikram", agent=other_agent, recording_url="https://recordings.exotel.com/v.mp3")
    make_call(sid="nobody", agent=None, direction="inbound", flow=flow)


def test_the_agent_filter_selects_that_agents_calls(manager_client, calls, agent, other_agent):
    assert selected(manager_client, {"agent": agent.pk}) == {"asharecorded", "ashaivr"}
    assert selected(manager_client, {"agent": other_agent.pk}) == {"vikram"}


def test_no_agent_selects_the_calls_nobody_placed(manager_client, calls):
    assert selected(manager_client, {"agent": "null"}) == {"nobody"}


def test_an_agent_without_calls_is_an_empty_table(manager_client, calls):
    quiet = make_person("nisha", Role.AGENT)
    assert selected(manager_client, {"agent": quiet.pk}) == set()


def test_admins_filter_by_agent_too(client, admin, calls, other_agent):
    client.force_login(admin)
    assert selected(client, {"agent": other_agent.pk}) == {"vikram"}


def test_the_flow_filter_selects_the_calls_through_that_flow(manager_client, calls, flow):
    assert selected(manager_client, {"flow": flow.pk}) == {"ashaivr", "nobody"}


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("true", {"asharecorded", "vikram"}),
        ("false", {"ashaivr", "nobody"}),
        ("", {"asharecorded", "ashaivr", "vikram", "nobody"}),
    ],
)
def test_the_recording_filter(manager_client, calls, choice, expected):
    assert selected(manager_client, {"has_recording": choice}) == expected


def test_a_recording_choice_the_form_does_not_offer_reads_as_any(manager_client, calls):
    # django-filter's NullBooleanField reads anything but true/false as "no choice"; the form is a select.
    assert selected(manager_client, {"has_recording": "maybe"}) == {
        "asharecorded",
        "ashaivr",
        "vikram",
        "nobody",
    }
