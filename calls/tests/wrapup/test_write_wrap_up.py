"""Writing and editing a call's wrap-up from its page: who and when kept, earlier versions kept, audited."""

import re
from datetime import timedelta
from html import unescape
from importlib import import_module
from zoneinfo import ZoneInfo

from django.apps import apps as django_apps
from django.utils import timezone

from audit.models import Action, AuditEntry
from calls.models import Call, WrapUp, WrapUpVersion

KOLKATA = ZoneInfo("Asia/Kolkata")


def wrap_up_url(call):
    return f"/calls/{call.pk}/wrap-up/"


def post(client, call, follow=False, **fields):
    data = {"disposition": "", "note": "", "follow_up_at": "", "version": "0"} | fields
    return client.post(wrap_up_url(call), data, follow=follow)


def section(html, testid):
    match = re.search(
        rf'<[^>]+data-testid="{testid}"[^>]*>(.*?)</(p|div|details|section|span|strong)>', html, re.S
    )
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", match.group(1)))).strip() if match else None


def test_an_agent_wraps_up_their_ended_call_and_sees_who_and_when(
    agent_client, agent, ended_call, dispositions
):
    follow_up = (timezone.now() + timedelta(days=2)).astimezone(KOLKATA).replace(second=0, microsecond=0)
    response = post(
        agent_client,
        ended_call,
        follow=True,
        disposition=dispositions["Follow-up needed"].pk,
        note="Customer wants the refund\r\nby Friday.",
        follow_up_at=follow_up.strftime("%Y-%m-%dT%H:%M"),
    )
    assert response.redirect_chain == [(f"/calls/{ended_call.pk}/", 302)]
    html = response.content.decode()
    assert "Wrap-up saved." in html
    wrap_up = WrapUp.objects.get(call=ended_call)
    assert wrap_up.note == "Customer wants the refund\nby Friday."  # a line break is one character, as typed
    assert wrap_up.follow_up_at == follow_up
    assert (wrap_up.written_by, wrap_up.version) == (agent, 1)
    assert section(html, "wrap-up-disposition") == "Follow-up needed"
    assert section(html, "wrap-up-follow-up") == f"Follow up {follow_up:%-d %b %Y, %H:%M}"
    written = timezone.localtime(wrap_up.written_at, KOLKATA)
    assert section(html, "wrap-up-by") == f"Wrap-up by Asha, {written:%-d %b %H:%M}"
    assert "Customer wants the refund<br>by Friday." in html
    entry = AuditEntry.objects.get(action=Action.WRAP_UP_WRITTEN)
    assert (entry.actor, entry.details["call"], entry.details["disposition"]) == (
        agent,
        ended_call.pk,
        "Follow-up needed",
    )


def test_a_note_alone_or_a_disposition_alone_is_enough(agent_client, ended_call, live_call, dispositions):
    assert post(agent_client, ended_call, disposition=dispositions["Resolved"].pk).status_code == 302
    assert post(agent_client, live_call, note="Asked about the invoice").status_code == 302
    assert WrapUp.objects.get(call=ended_call).note == ""
    assert WrapUp.objects.get(call=live_call).disposition is None


def test_an_edit_keeps_the_earlier_version_and_is_audited(
    agent_client, meera, agent, manager, ended_call, dispositions
):
    post(agent_client, ended_call, disposition=dispositions["Follow-up needed"].pk, note="Call back Friday")
    response = post(
        meera,
        ended_call,
        follow=True,
        version="1",
        disposition=dispositions["Resolved"].pk,
        note="Refund sent.",
    )
    assert "Wrap-up saved. The earlier version is kept." in response.content.decode()
    wrap_up = WrapUp.objects.get(call=ended_call)
    assert (wrap_up.version, wrap_up.written_by, wrap_up.disposition.name) == (2, manager, "Resolved")
    earlier = WrapUpVersion.objects.get(wrap_up=wrap_up)
    assert (earlier.version, earlier.written_by, earlier.note) == (1, agent, "Call back Friday")
    assert earlier.disposition.name == "Follow-up needed"
    entry = AuditEntry.objects.get(action=Action.WRAP_UP_EDITED)
    assert (entry.actor, entry.details["version"]) == (manager, 2)

    html = response.content.decode()
    assert section(html, "wrap-up-by").startswith("Wrap-up by Meera, ")
    assert section(html, "wrap-up-by").endswith("· version 2")
    versions = re.search(r'data-testid="wrap-up-versions">(.*?)</details>', html, re.S).group(1)
    assert "Earlier versions (1)" in versions
    assert "Version 1 by Asha" in versions
    assert "Follow-up needed" in versions and "Call back Friday" in versions


def test_saving_what_is_already_saved_keeps_no_version(agent_client, ended_call, dispositions):
    post(agent_client, ended_call, disposition=dispositions["Resolved"].pk, note="Done")
    response = post(
        agent_client,
        ended_call,
        follow=True,
        version="1",
        disposition=dispositions["Resolved"].pk,
        note="Done",
    )
    assert "nothing changed" in response.content.decode()
    assert WrapUp.objects.get(call=ended_call).version == 1
    assert not WrapUpVersion.objects.exists()
    assert AuditEntry.objects.filter(action=Action.WRAP_UP_WRITTEN).count() == 1
    assert not AuditEntry.objects.filter(action=Action.WRAP_UP_EDITED).exists()


def test_the_page_shows_a_follow_up_whose_time_has_passed(agent_client, agent, ended_call, dispositions):
    an_hour_ago = (timezone.now() - timedelta(hours=1)).replace(second=0, microsecond=0)
    WrapUp.objects.create(
        call=ended_call, note="Call back", follow_up_at=an_hour_ago, written_by=agent, written_at=an_hour_ago
    )
    html = agent_client.get(f"/calls/{ended_call.pk}/").content.decode()
    assert section(html, "follow-up-passed") == "time passed"
    # An edit of the note may keep that time as it is; only a new time must be ahead.
    kept = timezone.localtime(an_hour_ago, KOLKATA).strftime("%Y-%m-%dT%H:%M")
    assert (
        post(agent_client, ended_call, version="1", note="Called back", follow_up_at=kept).status_code == 302
    )
    assert WrapUp.objects.get().follow_up_at == an_hour_ago


def test_an_inactive_disposition_stays_on_the_call_that_has_it_and_may_be_kept(
    agent_client, agent, ended_call, dispositions
):
    old = dispositions["Old campaign"]
    WrapUp.objects.create(call=ended_call, disposition=old, written_by=agent, written_at=timezone.now())
    html = agent_client.get(f"/calls/{ended_call.pk}/").content.decode()
    assert section(html, "wrap-up-disposition") == "Old campaign"
    assert f'<option value="{old.pk}" selected>Old campaign (no longer offered)</option>' in html
    response = post(agent_client, ended_call, version="1", disposition=old.pk, note="Added a note")
    assert response.status_code == 302
    assert WrapUp.objects.get().note == "Added a note"


def test_the_form_offers_active_dispositions_in_their_order(agent_client, ended_call, dispositions):
    dispositions["Resolved"].order = 9
    dispositions["Resolved"].save()
    html = agent_client.get(f"/calls/{ended_call.pk}/").content.decode()
    select = re.search(r'<select name="disposition".*?</select>', html, re.S).group(0)
    assert re.findall(r">([^<]+)</option>", select) == ["—", "Follow-up needed", "Wrong number", "Resolved"]


def test_a_call_says_it_has_a_wrap_up_from_the_first_one_written(agent_client, ended_call, others_call):
    """The log's wrap-up filters walk only the calls that say so (call_wrapped_up_newest)."""
    assert not Call.objects.get(pk=ended_call.pk).has_wrap_up
    post(agent_client, ended_call, note="First")
    post(agent_client, ended_call, note="Second", version="1")
    assert WrapUp.objects.get(call=ended_call).version == 2
    assert Call.objects.get(pk=ended_call.pk).has_wrap_up
    assert not Call.objects.get(pk=others_call.pk).has_wrap_up


def test_the_migration_marks_the_calls_wrapped_up_before_it(ended_call, others_call, live_call):
    WrapUp.objects.create(call=ended_call, note="Before the flag", written_at=timezone.now())
    Call.objects.update(has_wrap_up=False)  # as every call was when the column came
    mark_wrapped_up = import_module("calls.migrations.0013_call_has_wrap_up").mark_wrapped_up
    mark_wrapped_up(django_apps, None)
    assert set(Call.objects.filter(has_wrap_up=True).values_list("pk", flat=True)) == {ended_call.pk}
