"""Calls placed through the form reach Exotel (the sandbox, over a real socket) and end in the right state."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from calls.models import Call
from calls.placing.tasks import dial_call
from calls.shared_client import shared_client
from calls.tracking.reconcile import reconcile_calls
from exotel_dashboard.testing import point_app_at, wait_until
from ops.models import SyncRun

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def place(agent, exophone, to, **extra):
    client = Client()
    client.force_login(agent)
    form = client.get("/calls/new/").context["form"]
    data = {"to": to, "exophone": exophone.pk, "idempotency_key": form.initial["idempotency_key"]} | extra
    response = client.post("/calls/new/", data)
    assert response.status_code == 302, response.context["form"].errors
    return Call.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def reconcile(now=None):
    """The reconcile task's run, at `now` if given."""
    run = SyncRun(kind=SyncRun.Kind.RECONCILE)
    return reconcile_calls(client=shared_client(), run=run, redial=dial_call.enqueue, now=now)


def final_call(call):
    def is_final():
        call.refresh_from_db()
        return call.is_final

    wait_until(is_final)
    return call


@pytest.mark.parametrize(
    ("customer", "status", "leg1", "leg2"),
    [
        ("+919876543205", "completed", "completed", "completed"),
        ("+919876543275", "busy", "completed", "busy"),
        ("+919876543285", "no-answer", "completed", "no-answer"),
        ("+919876543292", "failed", "completed", "failed"),
        ("+919876543298", "no-answer", "no-answer", ""),
    ],
)
def test_each_outcome_reaches_its_final_state(app_on_sandbox, agent, exophone, customer, status, leg1, leg2):
    call = final_call(place(agent, exophone, customer))
    assert call.status == status
    assert call.sid
    assert call.leg1_status == leg1
    assert call.leg2_status == leg2
    assert call.events.filter(source="callback", event_type="terminal").exists()


def test_a_completed_call_has_its_talk_time_and_custom_field(app_on_sandbox, agent, exophone):
    call = final_call(place(agent, exophone, "+919876543205", custom_field="ticket-42", record="on"))
    assert call.conversation_duration and call.conversation_duration > 0
    assert call.custom_field == "ticket-42"
    sent = app_on_sandbox.requests()[0]["form"]
    assert sent["StatusCallbackEvents[0]"] == "terminal" and sent["StatusCallbackEvents[1]"] == "answered"
    assert sent["StatusCallbackContentType"] == "application/json"
    assert sent["From"] in ("+919845012301", "09845012301") and sent["Record"] == "true"


def test_a_dnd_number_is_not_placed_with_a_plain_reason(app_on_sandbox, agent, exophone):
    call = place(agent, exophone, "+919876543295")
    call.refresh_from_db()
    assert call.status == "not-placed"
    assert "Do Not Disturb" in call.error_message
    assert "Exotel answered 403: " in call.error_message  # the code and Exotel's words, as on its time line


def test_a_number_exotel_cannot_originate_is_not_placed_and_not_retried(app_on_sandbox, agent, exophone):
    call = place(agent, exophone, "+919876543296")
    call.refresh_from_db()
    assert call.status == "not-placed"
    assert len([r for r in app_on_sandbox.requests() if r["path"].endswith("connect.json")]) == 1


def test_a_read_timeout_leaves_the_call_unknown_and_never_dials_twice(
    sandbox_factory, live_server, settings, agent, exophone
):
    # Real time, so the call is still ringing when our read timeout gives up; the sandbox answers after 2 s.
    app_on_sandbox = point_app_at(sandbox_factory(speed=5), live_server, settings)
    settings.EXOTEL_READ_TIMEOUT = 0.5
    call = place(agent, exophone, "+919876543297")
    call.refresh_from_db()
    assert call.status == "unknown" and call.sid is None
    settings.EXOTEL_READ_TIMEOUT = 10
    app_on_sandbox.wait_for(lambda: [c for c in app_on_sandbox.calls() if c.get("status") == "completed"], 30)
    reconcile(now=call.next_check_at)
    call.refresh_from_db()
    assert call.sid and call.status == "completed"
    assert len([r for r in app_on_sandbox.requests() if r["path"].endswith("connect.json")]) == 1


def test_lost_callbacks_are_recovered_by_reconciliation(app_on_sandbox, agent, exophone):
    call = place(agent, exophone, "+919876543299")
    call.refresh_from_db()
    wait_until(lambda: app_on_sandbox.call(call.sid)["status"] == "completed")
    call.refresh_from_db()
    assert not call.is_final  # its callbacks were lost
    reconcile(now=call.next_check_at)
    call.refresh_from_db()
    assert call.status == "completed"
    assert call.events.filter(source="details").exists()


def test_a_double_submit_makes_one_call(app_on_sandbox, agent, exophone):
    client = Client()
    client.force_login(agent)
    key = client.get("/calls/new/").context["form"].initial["idempotency_key"]
    data = {"to": "+919876543205", "exophone": exophone.pk, "idempotency_key": key}
    first = client.post("/calls/new/", data)
    second = client.post("/calls/new/", data)
    assert first["Location"] == second["Location"]
    assert Call.objects.count() == 1
    assert len([r for r in app_on_sandbox.requests() if r["path"].endswith("connect.json")]) == 1


def test_a_flow_call_connects_the_customer_to_the_flow(app_on_sandbox, agent, exophone, flow):
    client = Client()
    client.force_login(agent)
    key = client.get("/calls/new/flow/").context["form"].initial["idempotency_key"]
    response = client.post(
        "/calls/new/flow/",
        {"to": "+919876543205", "exophone": exophone.pk, "flow": flow.pk, "idempotency_key": key},
    )
    assert response.status_code == 302
    call = Call.objects.get()
    sent = app_on_sandbox.requests()[0]["form"]
    assert sent["Url"].endswith(f"/exoml/start_voice/{flow.app_id}")
    assert "To" not in sent
    assert call.from_number == "+919876543205"
    final_call(call)
    assert call.status == "completed"


def test_refresh_from_exotel_fills_a_call_whose_callbacks_were_lost(app_on_sandbox, agent, exophone):
    call = place(agent, exophone, "+919876543299")
    call.refresh_from_db()
    wait_until(lambda: app_on_sandbox.call(call.sid)["status"] == "completed")
    client = Client()
    client.force_login(agent)
    assert client.get(f"/calls/{call.pk}/refresh/").status_code == 405
    response = client.post(f"/calls/{call.pk}/refresh/", follow=True)
    assert "Exotel says: completed." in response.content.decode()
    call.refresh_from_db()
    assert call.status == "completed"


def connects(sandbox):
    return [r for r in sandbox.requests() if r["path"].endswith("/Calls/connect.json")]


def test_a_call_whose_dial_task_died_is_dialled_once_by_the_reconciler(app_on_sandbox, agent, exophone):
    sandbox = app_on_sandbox
    placed = timezone.now() - timedelta(minutes=3)
    call = Call.objects.create(
        status="pending",
        agent=agent,
        exophone=exophone,
        phone_number=exophone.number,
        from_number=agent.agent_profile.phone_number,
        to_number="+919876543205",
        date_created=placed,
        next_check_at=placed + timedelta(minutes=2),  # as call_place leaves it; no dial task ever ran
    )
    for _ in range(3):  # the reconciler runs every minute; only the first run may dial
        reconcile()
    assert final_call(call).status == "completed"
    assert len(connects(sandbox)) == 1


def test_a_call_nobody_could_dial_for_a_quarter_hour_is_given_up(app_on_sandbox, agent, exophone):
    placed = timezone.now() - timedelta(minutes=16)
    call = Call.objects.create(
        status="pending",
        agent=agent,
        from_number=agent.agent_profile.phone_number,
        to_number="+919876543205",
        exophone=exophone,
        date_created=placed,
        next_check_at=placed + timedelta(minutes=2),
    )
    reconcile()
    call.refresh_from_db()
    assert call.status == "not-placed" and "could not be dialled in time" in call.error_message
    assert connects(app_on_sandbox) == []
