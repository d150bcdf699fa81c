"""Calls built in code for tests."""

from datetime import UTC, datetime

from django.utils import timezone

from calls.models import Call

T0 = datetime(2026, 11, 20, 4, 30, tzinfo=UTC)  # 10:00 in Kolkata
SID = "b6cfaf5b0f1a4d0f9c1e2a3b4c5d6e7f"


def make_call(**fields):
    defaults = {
        "from_number": "+919845012301",
        "to_number": "+919876543210",
        "phone_number": "+918030752400",
        "date_created": timezone.now(),
        "status": "in-progress",
        "sid": SID,
    }
    return Call.objects.create(**(defaults | fields))
