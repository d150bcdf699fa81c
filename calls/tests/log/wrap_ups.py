"""Wrap-ups and dispositions built in code for the log's and the overview's tests."""

from django.utils import timezone

from calls.models import Disposition, WrapUp


def wrap_up(call, disposition=None, note="", **fields):
    return WrapUp.objects.create(
        call=call, disposition=disposition, note=note, written_at=timezone.now(), **fields
    )


def make_dispositions():
    """Three, in their order; "Spam" inactive (old calls keep it)."""
    return {
        "resolved": Disposition.objects.create(name="Resolved", order=1),
        "follow_up": Disposition.objects.create(name="Follow-up needed", order=2),
        "spam": Disposition.objects.create(name="Spam", order=3, active=False),
    }
