"""Agent (managers and admins only), flow, and whether a recording exists."""

import re

import pytest

from calls.tests.factories import make_call
from exonumbers.models import Flow
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


def options(response, name):
    """The (value, text) of each option of the filter form's select `name`."""
    html = response.content.decode()
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_the_agent_and_flow_lists_name_each_one_and_follow_the_admin_at_once(
    manager_client, agent, other_agent, flow
):
    response = manager_client.get("/calls/")
    assert options(response, "agent") == [
        ("", "---------"),
        ("null", "No agent"),
        (str(agent.pk), "Asha"),
        (str(other_agent.pk), "Vikram"),
    ]
    assert options(response, "flow") == [("", "---------"), (str(flow.pk), "Support IVR (app 245871)")]

    other_agent.last_name = "Nair"
    other_agent.save()
    sales = Flow.objects.create(name="Sales IVR", app_id="245872")
    newcomer = make_person("zoya", Role.AGENT)
    make_person("farah", Role.MANAGER)  # managers are not whom one seeks

    response = manager_client.get("/calls/")
    assert options(response, "agent")[2:] == [
        (str(agent.pk), "Asha"),
        (str(other_agent.pk), "Vikram Nair"),
        (str(newcomer.pk), "Zoya"),
    ]
    assert options(response, "flow")[1:] == [
        (str(sales.pk), "Sales IVR (app 245872)"),
        (str(flow.pk), "Support IVR (app 245871)"),
    ]
