"""A campaign's dial waits behind agents' dials in the task queue, also when it is queued again for later."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from calls.models import Call, Status
from calls.placing.tasks import BACKGROUND_DIAL_PRIORITY, dial_call
from campaigns.models import Campaign, Contact
from campaigns.pump import CALL_TIME_LIMIT, pump
from ops.ratelimit import Priority, acquire

NOW = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)  # 11:30 in Kolkata


def running_campaign(exophone, flow):
    campaign = Campaign.objects.create(
        name="Reminders",
        exophone=exophone,
        flow=flow,
        state=Campaign.State.RUNNING,
        window_days=list(range(7)),
        window_start=time(9),
        window_end=time(21),
        window_zone="Asia/Kolkata",
        retry_after=timedelta(minutes=30),
    )
    Contact.objects.create(campaign=campaign, line=2, number="+919812300001")
    return campaign


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_pump_queues_a_campaign_dial_behind_agents_and_it_stays_there_when_queued_again(
    exophone, flow, settings
):
    running_campaign(exophone, flow)
    with override_settings(TASKS=django_settings.DATABASE_TASKS):
        pump(NOW)
        queued = DBTaskResult.objects.get(task_path="calls.placing.tasks.dial_call")
        call = Call.objects.get()
        assert queued.priority == BACKGROUND_DIAL_PRIORITY < dial_call.priority
        assert queued.args_kwargs["args"] == [call.pk, Priority.CAMPAIGN]
        assert call.request_options == {"time_limit": CALL_TIME_LIMIT}  # found or given up within 1.5 hours

        settings.EXOTEL_RATE_LIMIT_PER_MINUTE = 2  # a campaign may see one slot taken: a read holds it
        acquire(priority=Priority.READ)
        dial_call.call(call.pk, Priority.CAMPAIGN)
        again = DBTaskResult.objects.exclude(pk=queued.pk).get()
    assert Call.objects.get().status == Status.PENDING  # released: no slot within 20 s
    assert again.priority == BACKGROUND_DIAL_PRIORITY
    assert again.args_kwargs["args"] == [call.pk, Priority.CAMPAIGN]
    assert again.run_after is not None
