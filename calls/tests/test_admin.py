from django.utils import timezone

from calls.models import Call, CallEvent


def make_call(**fields):
    defaults = {"from_number": "+919845012301", "to_number": "+919876543210", "date_created": timezone.now()}
    return Call.objects.create(**(defaults | fields))


def test_admins_read_calls_and_events_but_cannot_change_them(client, admin):
    call = make_call(sid="a" * 32, status="completed")
    CallEvent.objects.create(
        call=call, source="callback", event_type="terminal", dedupe_key="k1", raw_body="{}"
    )
    client.force_login(admin)
    assert client.get("/admin/calls/call/").status_code == 200
    page = client.get(f"/admin/calls/call/{call.pk}/change/")
    assert page.status_code == 200
    assert b"terminal" in page.content
    assert b'name="_save"' not in page.content
    assert client.get("/admin/calls/call/add/").status_code == 403
    assert client.post(f"/admin/calls/call/{call.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Call.objects.filter(pk=call.pk).exists()
    assert client.get("/admin/calls/callevent/").status_code == 200
