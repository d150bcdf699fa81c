"""Demo dispositions, and wrap-ups on some of the demo agents' calls once the sync has brought them in."""

from datetime import timedelta

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from calls.models import HAD_CONVERSATION, Call, Disposition, WrapUp, WrapUpVersion, owes_wrap_up

from .services import KEPT_FIELDS

DISPOSITIONS = ["Resolved", "Follow-up needed", "Callback requested", "Wrong number", "Not interested"]
DEMO_AGENTS = ["agent", "agent2"]  # accounts/demo.py's
LEFT_OWED = 2  # each agent's newest ended calls stay without a wrap-up: their home lists them
WRAPPED_PER_AGENT = 8
# (disposition, note, follow up this many days after loading, at 11:00 in the site's zone)
AFTER_A_CONVERSATION = [
    ("Resolved", "Explained the new plan; the customer is happy to stay on it.", None),
    ("Follow-up needed", "Refund approved. Send the confirmation email and call to check it arrived.", 2),
    ("Not interested", "", None),
    ("Wrong number", "Asked for Priya; not one of our customers.", None),
    ("Resolved", "", None),
    ("Callback requested", "Customer was driving; wants a call after 6 pm.", 1),
]
WITHOUT_ONE = ("Callback requested", "No answer; trying again tomorrow morning.", 1)
# After the sync has brought the sandbox's calls in: it starts 5 s after load_demo, then runs each minute.
FIRST_TRY_AFTER = timedelta(seconds=90)
TRIES = 5


def load_demo_dispositions():
    """Once: an admin's renames, deletions, order and retirements stay as they made them."""
    if Disposition.objects.exists():
        return
    for order, name in enumerate(DISPOSITIONS, start=1):
        Disposition.objects.get_or_create(name=name, defaults={"order": order * 10})


@transaction.atomic
def wrap_up_demo_calls(now=None):
    """Wrap-ups on the demo agents' ended calls, once: nothing is written while any wrap-up exists.

    Returns how many were written."""
    if WrapUp.objects.exists():
        return 0
    now = now or timezone.now()
    dispositions = {disposition.name: disposition for disposition in Disposition.objects.all()}
    written = 0
    for username in DEMO_AGENTS:
        owed = Call.objects.filter(owes_wrap_up(), agent__username=username).order_by("-date_created", "-id")
        talked = set(owed.filter(HAD_CONVERSATION).values_list("pk", flat=True))
        edited = False
        for index, call in enumerate(owed.select_related("agent")[LEFT_OWED : LEFT_OWED + WRAPPED_PER_AGENT]):
            sample = (
                AFTER_A_CONVERSATION[index % len(AFTER_A_CONVERSATION)] if call.pk in talked else WITHOUT_ONE
            )
            wrap_up = WrapUp.objects.create(call=call, **contents(sample, dispositions, call, now))
            if sample is AFTER_A_CONVERSATION[1] and not edited:  # so a page shows an earlier version
                edit(wrap_up, AFTER_A_CONVERSATION[0], dispositions, now)
                edited = True
            written += 1
    return written


def contents(sample, dispositions, call, now):
    name, note, follow_up_in_days = sample
    follow_up = None
    if follow_up_in_days is not None:
        day = timezone.localtime(now) + timedelta(days=follow_up_in_days)
        follow_up = day.replace(hour=11, minute=0, second=0, microsecond=0)
    return {
        "disposition": dispositions.get(name),
        "note": note,
        "follow_up_at": follow_up,
        "written_by": call.agent,
        "written_at": (call.end_time or call.date_created) + timedelta(minutes=2),
    }


def edit(wrap_up, sample, dispositions, now):
    WrapUpVersion.objects.create(wrap_up=wrap_up, **{name: getattr(wrap_up, name) for name in KEPT_FIELDS})
    changed = contents(sample, dispositions, wrap_up.call, now)
    changed["note"] = "Called back: sorted out, nothing more to do."
    changed["written_at"] = wrap_up.written_at + timedelta(days=1)
    for name, value in changed.items():
        setattr(wrap_up, name, value)
    wrap_up.version = 2
    wrap_up.save()


@task
def wrap_up_demo_calls_later(tries_left: int = TRIES):
    """Queued by load_demo: once the first syncs have brought the demo calls, wrap some of them up."""
    if wrap_up_demo_calls() or WrapUp.objects.exists() or tries_left <= 1:
        return
    wrap_up_demo_calls_later.using(run_after=timezone.now() + FIRST_TRY_AFTER).enqueue(tries_left - 1)
