"""The demo has dispositions, and wrap-ups on some of the demo agents' calls once they are synced."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from calls.models import Call, Disposition, WrapUp, WrapUpVersion
from calls.tests.factories import make_call
from calls.wrapup.demo import wrap_up_demo_calls, wrap_up_demo_calls_later


def test_the_demo_has_a_sensible_set_of_dispositions_once(db, settings):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")
    assert list(Disposition.objects.values_list("name", "active")) == [
        ("Resolved", True),
        ("Follow-up needed", True),
        ("Callback requested", True),
        ("Wrong number", True),
        ("Not interested", True),
    ]


def test_it_keeps_what_an_admin_changed(db, settings):
    settings.DEBUG = True
    call_command("load_demo")
    Disposition.objects.filter(name="Resolved").update(name="Sorted")
    Disposition.objects.filter(name="Not interested").delete()
    call_command("load_demo")
    assert set(Disposition.objects.values_list("name", flat=True)) == {
        "Sorted",
        "Follow-up needed",
        "Callback requested",
        "Wrong number",
    }


def synced_calls(count):
    """The demo agents' past calls, as the sync brings them: newest first."""
    now = timezone.now()
    calls = []
    for username in ("agent", "agent2"):
        agent = User.objects.get(username=username)
        for hours in range(count):
            status = "no-answer" if hours % 4 == 3 else "completed"
            calls.append(
                make_call(
                    sid=f"{username}-{hours}",
                    agent=agent,
                    status=status,
                    conversation_duration=0 if status == "no-answer" else 120,
                    date_created=now - timedelta(hours=hours + 1),
                )
            )
    return calls


def test_some_demo_calls_are_wrapped_up_once_the_sync_has_brought_them(db, settings):
    settings.DEBUG = True
    call_command("load_demo")  # before any sync: nothing to wrap up
    assert not WrapUp.objects.exists()
    synced_calls(14)
    call_command("load_demo")
    call_command("load_demo")
    assert WrapUp.objects.count() == 16  # eight for each agent
    for username in ("agent", "agent2"):
        newest = Call.objects.filter(agent__username=username).order_by("-date_created")[:2]
        assert not WrapUp.objects.filter(call__in=newest).exists()  # left for the agent's home to list
    unanswered = WrapUp.objects.filter(call__status="no-answer")
    assert unanswered and {wrap.disposition.name for wrap in unanswered} == {"Callback requested"}
    assert all(wrap.written_by_id == wrap.call.agent_id for wrap in WrapUp.objects.select_related("call"))
    assert WrapUpVersion.objects.count() == 2  # one edited wrap-up each, to show an earlier version
    assert WrapUp.objects.filter(follow_up_at__gt=timezone.now()).exists()


def test_the_queued_task_wraps_up_the_calls_synced_meanwhile(db, settings):
    settings.DEBUG = True
    call_command("load_demo")
    synced_calls(4)
    wrap_up_demo_calls_later.call(1)
    assert WrapUp.objects.count() == 4
    assert wrap_up_demo_calls() == 0
