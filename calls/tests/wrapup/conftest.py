import pytest
from django.test import Client

from calls.models import Disposition
from calls.tests.factories import T0, make_call


@pytest.fixture
def dispositions(db):
    return {
        name: Disposition.objects.create(name=name, order=order, active=active)
        for name, order, active in [
            ("Resolved", 1, True),
            ("Follow-up needed", 2, True),
            ("Wrong number", 3, True),
            ("Old campaign", 4, False),
        ]
    }


@pytest.fixture
def ended_call(agent):
    return make_call(agent=agent, status="completed", duration=95, conversation_duration=80, date_created=T0)


@pytest.fixture
def live_call(agent):
    return make_call(agent=agent, status="in-progress", sid="live-one")


@pytest.fixture
def others_call(other_agent):
    return make_call(agent=other_agent, status="completed", sid="vikrams")


@pytest.fixture
def meera(manager):
    """The manager in a browser of her own, beside the agent's (agent_client and manager_client are one)."""
    browser = Client()
    browser.force_login(manager)
    return browser
