"""A synced inbound call says only "completed": its details tell whether anyone talked to the caller."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from calls.check_schedule import next_check_at
from calls.models import MissedCustomer
from calls.services import call_record_observation
from calls.state import Observation
from calls.tests.factories import make_call

pytestmark = pytest.mark.django_db


def synced_inbound(**fields):
    ended = timezone.now() - timedelta(minutes=3)
    inbound = {
        "direction": "inbound",
        "status": "completed",
        "from_number": "+919811100007",
        "to_number": "+918030752400",
        "date_created": ended - timedelta(seconds=40),
        "end_time": ended,
        "duration": 40,
        "price": Decimal("0.50"),
    }
    return make_call(**(inbound | fields))


def test_a_synced_inbound_call_is_asked_about_once_for_its_details():
    call = synced_inbound()
    assert next_check_at(call, timezone.now()) is not None
    call.conversation_duration = 0
    assert next_check_at(call, timezone.now()) is None


def test_an_outbound_call_with_its_price_and_duration_is_not_asked_about_again():
    call = synced_inbound(direction="outbound-api")
    assert next_check_at(call, timezone.now()) is None


def record_details(call, *, talk, agent_leg):
    values = {
        "sid": call.sid,
        "conversation_duration": talk,
        "leg1_status": "completed",
        "leg2_status": agent_leg,
    }
    details = Observation(status="completed", values=values)
    call_record_observation(
        call_id=call.pk, source="details", observation=details, dedupe_key=f"details:{talk}"
    )


def test_details_saying_nobody_talked_put_the_caller_in_the_queue():
    call = synced_inbound()
    record_details(call, talk=0, agent_leg="no-answer")
    row = MissedCustomer.objects.get()
    assert (row.number, row.state, row.last_call_id) == ("+919811100007", "waiting", call.pk)
    call.refresh_from_db()
    assert call.next_check_at is None


def test_details_saying_they_talked_keep_the_caller_out_of_the_queue():
    record_details(synced_inbound(), talk=35, agent_leg="completed")
    assert not MissedCustomer.objects.exists()
