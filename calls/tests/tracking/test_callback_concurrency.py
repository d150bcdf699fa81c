"""Fifty deliveries for one call at once over real sockets: one event row per distinct event."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from calls.models import CallEvent
from calls.tests.factories import SID, make_call
from calls.tracking.tokens import callback_url

from .test_callback_view import answered, terminal

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_fifty_concurrent_callbacks_end_in_the_right_state(live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    call = make_call(status="queued")
    url = callback_url(call.pk)
    distinct = [answered(), answered(leg2="in-progress"), terminal()]
    deliveries = [distinct[i % 3] for i in range(50)]  # each event many times, in every order

    def deliver(body):
        return requests.post(url, data=body, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(deliver, deliveries))

    assert codes == [200] * 50
    call.refresh_from_db()
    assert call.status == "completed"
    assert call.leg1_status == call.leg2_status == "completed"
    assert call.conversation_duration == 42
    assert CallEvent.objects.filter(call=call).count() == 3
    assert call.sid == SID
