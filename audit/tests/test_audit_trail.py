"""The audit trail: who placed, played, exported and changed what; managers read it, nobody edits it."""

import uuid

import pytest

from audit.models import AuditEntry
from calls.tests.factories import make_call
from exonumbers.models import ExoPhone


def entries():
    return list(
        AuditEntry.objects.order_by("id").values_list("actor_name", "action", "target_type", "target_id")
    )


def test_placing_a_call_is_recorded(client, agent, exophone):
    client.force_login(agent)
    response = client.post(
        "/calls/new/", {"to": "+919876543205", "exophone": exophone.pk, "idempotency_key": str(uuid.uuid4())}
    )
    call_id = response.url.rstrip("/").rsplit("/", 1)[1]
    assert entries() == [("asha", "call-placed", "call", call_id)]
    assert AuditEntry.objects.get().ip_address == "127.0.0.1"


def test_a_form_posted_twice_is_recorded_once(client, agent, exophone):
    client.force_login(agent)
    form = {"to": "+919876543205", "exophone": exophone.pk, "idempotency_key": str(uuid.uuid4())}
    first, second = client.post("/calls/new/", form), client.post("/calls/new/", form)
    assert first.url == second.url
    call_id = first.url.rstrip("/").rsplit("/", 1)[1]
    assert entries() == [("asha", "call-placed", "call", call_id)]


def test_an_export_is_recorded_with_its_filters(client, manager):
    client.force_login(manager)
    response = client.get("/calls/export.csv?status=completed&status=busy&duration__gte=30&to_number=")
    b"".join(response.streaming_content)
    entry = AuditEntry.objects.get()
    assert (entry.actor_name, entry.action) == ("meera", "calls-exported")
    assert entry.details == {"filters": {"status": ["completed", "busy"], "duration__gte": "30"}}


def test_a_refused_export_is_not_recorded(client, manager):
    client.force_login(manager)
    assert client.get("/calls/export.csv?duration__gte=abc").status_code == 400
    assert not AuditEntry.objects.exists()


def test_admin_changes_to_exophones_flows_and_people_are_recorded(client, admin, exophone, flow, agent):
    client.force_login(admin)
    client.post(
        f"/admin/numbers/exophone/{exophone.pk}/change/",
        {
            "number": exophone.number,
            "friendly_name": "Bengaluru sales",
            "region": "Karnataka",
            "is_active": "on",
        },
    )
    client.post(f"/admin/numbers/flow/{flow.pk}/delete/", {"post": "yes"})
    client.post(
        f"/admin/auth/user/{agent.pk}/password/",
        {
            "password1": "a-new-long-password-42",
            "password2": "a-new-long-password-42",
            "usable_password": "true",
        },
    )
    assert entries() == [
        ("arjun", "changed", "ExoPhone", str(exophone.pk)),
        ("arjun", "deleted", "flow", str(flow.pk)),
        ("arjun", "changed", "user", str(agent.pk)),
    ]
    assert "Friendly name" in AuditEntry.objects.earliest("id").details["change"]
    assert ExoPhone.objects.get().friendly_name == "Bengaluru sales"


def test_managers_read_the_trail_and_agents_may_not(client, manager, agent):
    make_call(sid="x", agent=agent)
    AuditEntry.objects.create(
        actor=agent, actor_name="asha", action="call-placed", target_type="call", target="x"
    )
    client.force_login(manager)
    page = client.get("/audit/?action=call-placed&actor=asha").content.decode()
    assert "Placed a call" in page and "asha" in page
    client.force_login(agent)
    assert client.get("/audit/").status_code == 403


def test_a_search_that_finds_nothing_says_so(client, manager):
    client.force_login(manager)
    assert "No entries match these filters." in client.get("/audit/?actor=nobody").content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("action=teleport", "Select a valid choice"),
        ("day_from=2026-13-45", "Enter a valid date"),
        ("sort=password", "Cannot sort by"),
        ("page=-1", "does not exist"),
    ],
)
def test_bad_filters_on_the_trail_are_explained(client, manager, query, message):
    client.force_login(manager)
    response = client.get(f"/audit/?{query}")
    assert response.status_code == 200 and message in response.content.decode()


def test_nobody_edits_or_deletes_the_trail_in_the_admin(client, admin, agent):
    entry = AuditEntry.objects.create(
        actor=agent, actor_name="asha", action="call-placed", target_type="call"
    )
    client.force_login(admin)
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    assert AuditEntry.objects.count() == 1


def test_the_entry_outlives_the_person(client, manager, agent):
    AuditEntry.objects.create(actor=agent, actor_name="asha", action="call-placed", target_type="call")
    agent.delete()
    entry = AuditEntry.objects.get()
    assert entry.actor is None and entry.actor_name == "asha"
