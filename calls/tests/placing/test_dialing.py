"""Dialing when Exotel cannot be reached: the client sends the connect again, then the call is not placed."""

import pytest
from django.conf import settings

from calls.placing.dialing import dial
from calls.tests.factories import make_call
from exotel.client import ExotelClient

pytestmark = pytest.mark.django_db


def test_a_call_exotel_never_heard_of_is_not_placed_after_a_few_tries(closed_port, exophone, agent):
    call = make_call(status="pending", sid=None, agent=agent, exophone=exophone)
    waits = []
    client = ExotelClient(closed_port, settings.EXOTEL_SID, "key", "token", sleep=waits.append)
    dial(call.pk, client=client)
    call.refresh_from_db()
    assert call.status == "not-placed"
    assert call.error_message.startswith("We could not reach Exotel; the call was not placed.")
    assert waits == [1.0, 2.0, 4.0]
    assert call.dial_attempts == 1
