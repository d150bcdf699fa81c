"""The scheduler's ticks are never exactly a second apart: the pump's pace must not depend on it."""

import random
from datetime import timedelta

import pytest

from campaigns.pump import pump
from campaigns.tests.test_pump import NOW, SECOND, dials, make_campaign, worker_takes_pending_calls

pytestmark = pytest.mark.django_db
JITTER = 0.2  # seconds either way: two ticks' clocks differ by less than half a tick


def test_ticks_read_early_or_late_still_use_the_whole_share_and_never_more(exophone, flow, settings):
    """160 dials a limiter window (61 s) when the ticks are exact; a tick's clock read a little early or late
    must neither cost a second a window (bench/campaign.py saw 62 s) nor let more than 160 out in a minute."""
    window = int(settings.EXOTEL_RATE_LIMIT_WINDOW_SECONDS)
    campaign = make_campaign(exophone, flow, contacts=600)
    jitter = random.Random(19)
    moments = []
    for tick in range(3 * window + 1):
        moment = NOW + tick * SECOND + timedelta(seconds=jitter.uniform(-JITTER, JITTER))
        moments += [moment] * pump(moment).dialled
        worker_takes_pending_calls()
    assert dials(campaign) == 3 * 160 + 3  # three whole windows, and the first tick of the fourth
    assert all(
        sum(start <= moment < start + timedelta(seconds=60) for moment in moments) <= 160 for start in moments
    )
