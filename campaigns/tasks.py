"""The scheduler (`manage.py crontask`, exactly one) runs the campaigns' pump every second.

In the scheduler itself, not as a task: a pump that waited for a worker could not pace dials to the second,
and a second per task row would fill the task table. A killed scheduler loses nothing: the pump keeps its
state in the database, and the standby scheduler (or a restart) goes on from it.
"""

import logging

from apscheduler.triggers.interval import IntervalTrigger
from crontask import scheduler
from django.db import close_old_connections

from . import pump

log = logging.getLogger(__name__)


def pump_campaigns():
    close_old_connections()
    try:
        if pump.has_work():
            result = pump.pump()
            if result.dialled or result.settled or result.finished:
                log.info(
                    "campaigns: %d dial(s) started, %d call(s) settled, %d campaign(s) finished",
                    result.dialled,
                    result.settled,
                    result.finished,
                )
    finally:
        close_old_connections()


scheduler.add_job(
    pump_campaigns,
    IntervalTrigger(seconds=pump.TICK_SECONDS),
    id="campaigns.pump",
    name="campaigns.pump",
    max_instances=1,
    coalesce=True,
    misfire_grace_time=5,
    replace_existing=True,
)
