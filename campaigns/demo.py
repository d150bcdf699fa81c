"""A draft campaign for the demo: a short list whose numbers end in the sandbox's outcomes
(sandbox/scenarios.py), so starting it shows every kind of contact: reached, busy, no answer, failed, DND."""

from datetime import time, timedelta

from django.contrib.auth import get_user_model

from exonumbers.models import ExoPhone, Flow

from .models import Campaign, Contact, RefusedRow
from .window import DEFAULT_DAYS

NAME = "Demo: payment reminders"
# Last two digits: 00-69 answer (talk 10 s + 3 s a digit), 70-79 busy, 80-89 no answer, 90-94 failed, 95 DND,
# 96 Exotel could not originate (tried again).
ENDINGS = [
    "00",
    "02",
    "03",
    "05",
    "07",
    "09",
    "11",
    "13",
    "14",
    "15",
    "72",
    "75",
    "83",
    "86",
    "91",
    "95",
    "96",
]
REFUSED = [("12345", "This number does not exist; check the digits and the STD code."), ("", "No number.")]


def load_demo_campaign():
    """Idempotent: the draft is made once; a started one is left as it is."""
    exophone, flow = ExoPhone.objects.active().first(), Flow.objects.active().first()
    if exophone is None or flow is None or Campaign.objects.filter(name=NAME).exists():
        return None
    campaign = Campaign.objects.create(
        name=NAME,
        exophone=exophone,
        flow=flow,
        window_days=list(DEFAULT_DAYS),
        window_start=time(0, 0),  # the demo runs at any hour; a real campaign keeps TRAI's 09:00-21:00
        window_end=time(23, 59),
        window_zone="Asia/Kolkata",
        max_attempts=2,
        retry_after=timedelta(minutes=2),
        file_name="reminders.csv",
        rows_read=len(ENDINGS) + len(REFUSED),
        created_by=get_user_model().objects.filter(username="manager").first(),
    )
    Contact.objects.bulk_create(
        Contact(campaign=campaign, line=line, number=f"+9198450100{ending}", name=f"Customer {line - 1}")
        for line, ending in enumerate(ENDINGS, start=2)
    )
    RefusedRow.objects.bulk_create(
        RefusedRow(campaign=campaign, line=len(ENDINGS) + line, value=value, reason=reason)
        for line, (value, reason) in enumerate(REFUSED, start=2)
    )
    return campaign
