"""Admins keep the dispositions in the admin; a call's wrap-up shows there read-only."""

from django.utils import timezone

from audit.models import Action, AuditEntry
from calls.models import Disposition, WrapUp, WrapUpVersion


def test_an_admin_adds_a_disposition(client, admin):
    client.force_login(admin)
    response = client.post(
        "/admin/calls/disposition/add/", {"name": "Escalated", "order": "15", "active": "on"}
    )
    assert response.status_code == 302
    disposition = Disposition.objects.get(name="Escalated")
    assert (disposition.order, disposition.active) == (15, True)
    assert AuditEntry.objects.filter(action=Action.ADDED, target="Escalated").exists()


def test_a_name_is_needed_and_taken_once(client, admin, dispositions):
    client.force_login(admin)
    for name, error in [("", "This field is required."), ("Resolved", "already exists")]:
        response = client.post("/admin/calls/disposition/add/", {"name": name, "order": "1"})
        assert response.status_code == 200
        assert error in response.content.decode()
    assert Disposition.objects.count() == len(dispositions)


def test_an_admin_reorders_and_retires_dispositions_from_the_list(client, admin, dispositions):
    client.force_login(admin)
    listed = list(Disposition.objects.order_by("order", "name"))
    data = {
        "form-TOTAL_FORMS": str(len(listed)),
        "form-INITIAL_FORMS": str(len(listed)),
        "_save": "Save",
    }
    for index, disposition in enumerate(listed):
        data[f"form-{index}-id"] = str(disposition.pk)
        data[f"form-{index}-order"] = str(disposition.order)
        if disposition.active:
            data[f"form-{index}-active"] = "on"
    wrong = listed.index(dispositions["Wrong number"])
    data[f"form-{wrong}-order"] = "0"
    resolved = listed.index(dispositions["Resolved"])
    del data[f"form-{resolved}-active"]
    response = client.post("/admin/calls/disposition/", data)
    assert response.status_code == 302
    assert Disposition.objects.get(name="Wrong number").order == 0
    assert not Disposition.objects.get(name="Resolved").active
    assert Disposition.objects.values_list("name", flat=True).first() == "Wrong number"


def test_a_disposition_on_a_call_cannot_be_deleted_only_retired(
    client, admin, agent, ended_call, dispositions
):
    client.force_login(admin)
    used = dispositions["Resolved"]
    WrapUp.objects.create(call=ended_call, disposition=used, written_by=agent, written_at=timezone.now())
    response = client.post(f"/admin/calls/disposition/{used.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.content.decode()
    assert Disposition.objects.filter(pk=used.pk).exists()


def test_agents_and_managers_do_not_get_into_the_dispositions(client, agent, manager):
    for person in (agent, manager):
        client.force_login(person)
        response = client.get("/admin/calls/disposition/")
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_calls_admin_shows_its_wrap_up_and_earlier_versions_read_only(
    client, admin, agent, manager, ended_call, dispositions
):
    wrap_up = WrapUp.objects.create(
        call=ended_call,
        disposition=dispositions["Resolved"],
        note="Refund sent",
        written_by=manager,
        written_at=timezone.now(),
        version=2,
    )
    WrapUpVersion.objects.create(
        wrap_up=wrap_up,
        disposition=dispositions["Follow-up needed"],
        note="Wants a refund",
        written_by=agent,
        written_at=timezone.now(),
        version=1,
    )
    client.force_login(admin)
    html = client.get(f"/admin/calls/call/{ended_call.pk}/change/").content.decode()
    assert "Refund sent" in html
    assert "Version 1 by asha" in html and "Follow-up needed · Wants a refund" in html
    assert 'name="wrap_up-0-note"' not in html  # read-only: no field to type in
