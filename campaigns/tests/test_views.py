"""The campaigns pages as a manager uses them: create from a CSV, the preview, start, pause, resume, cancel,
the progress fragment, the report and its export; what is audited, and what a wrong form or step answers."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from calls.tests.factories import make_call
from campaigns.models import Attempt, Campaign, Contact, RefusedRow

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"
LIST = (
    BOM + b"number,name,custom_field\r\n9876543210,Asha Rao,INV-1\r\n12345,Short,\r\n09876543210,Again,\r\n"
)


def upload(content=LIST, name="reminders.csv"):
    file = io.BytesIO(content)
    file.name = name
    return file


def form(exophone, flow, **changes):
    data = {
        "name": "Payment reminders",
        "exophone": exophone.pk,
        "flow": flow.pk,
        "contacts": upload(),
        "window_days": ["0", "1", "2", "3", "4"],
        "window_start": "09:00",
        "window_end": "21:00",
        "window_zone": "Asia/Kolkata",
        "max_attempts": "3",
        "retry_minutes": "30",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def create(client, exophone, flow, **changes):
    response = client.post(reverse("campaign-new"), form(exophone, flow, **changes))
    assert response.status_code == 302, response.context["form"].errors
    return Campaign.objects.get(), response


def audits(action):
    return list(AuditEntry.objects.filter(action=action).values_list("target_id", "actor_name", "details"))


def act(client, campaign, step):
    return client.post(reverse("campaign-action", args=[campaign.pk, step]), follow=True)


# Create and preview -------------------------------------------------------------------------------------


def test_a_manager_creates_a_draft_and_sees_the_preview(manager_client, manager, exophone, flow):
    campaign, response = create(manager_client, exophone, flow)
    assert response["Location"] == reverse("campaign-detail", args=[campaign.pk])
    assert campaign.state == "draft" and campaign.created_by == manager
    assert (campaign.window_days, campaign.max_attempts, campaign.retry_after) == (
        [0, 1, 2, 3, 4],
        3,
        timedelta(minutes=30),
    )
    assert list(campaign.contacts.values_list("line", "number", "name", "custom_field")) == [
        (2, "+919876543210", "Asha Rao", "INV-1")
    ]
    page = manager_client.get(response["Location"]).content.decode()
    assert (
        '<strong data-testid="valid-count">1</strong> contact to call, from 3 rows of reminders.csv' in page
    )
    assert '<strong data-testid="refused-count">2</strong> rows will not be dialled' in page
    assert "The same number as line 2." in page and "This number does not exist" in page
    assert "Monday to Friday, 09:00 to 21:00 Asia/Kolkata" in page
    assert audits("campaign-created") == [
        (str(campaign.pk), "meera", {"contacts": 1, "refused rows": 2, "file": "reminders.csv"})
    ]
    assert not Attempt.objects.exists()  # nothing is dialled before Start


def test_the_form_offers_the_trai_hours_in_kolkata_every_day(manager_client):
    form = manager_client.get(reverse("campaign-new")).context["form"]
    assert form["window_start"].value().strftime("%H:%M") == "09:00"
    assert form["window_end"].value().strftime("%H:%M") == "21:00"
    assert form["window_zone"].value() == "Asia/Kolkata"
    assert form["window_days"].value() == [0, 1, 2, 3, 4, 5, 6]
    assert (form["max_attempts"].value(), form["retry_minutes"].value()) == (3, 30)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"contacts": None}, "contacts", "This field is required."),
        ({"contacts": upload(b"phone,name\n9876543210,A\n")}, "contacts", "no column is called number"),
        ({"contacts": upload("number\n9876543210,José\n".encode("latin-1"))}, "contacts", "not UTF-8"),
        ({"contacts": upload(b"")}, "contacts", "The submitted file is empty."),
        ({"contacts": upload(b"number\n")}, "contacts", "a header row but no contacts"),
        ({"window_end": "08:00"}, "window_end", "End the calling hours after they start"),
        ({"window_end": "09:00"}, "window_end", "End the calling hours after they start"),
        ({"window_days": None}, "window_days", "Choose at least one day."),
        ({"window_days": ["7"]}, "window_days", "Select a valid choice."),
        ({"window_zone": "Mars/Olympus"}, "window_zone", "Select a valid choice."),
        ({"max_attempts": "0"}, "max_attempts", "greater than or equal to 1"),
        ({"max_attempts": "11"}, "max_attempts", "less than or equal to 10"),
        ({"retry_minutes": "0"}, "retry_minutes", "greater than or equal to 1"),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_a_wrong_form_answers_400_with_the_fields_error_and_saves_nothing(
    manager_client, exophone, flow, changes, field, words
):
    response = manager_client.post(reverse("campaign-new"), form(exophone, flow, **changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and words in " ".join(errors[field]), errors
    assert "Nothing was saved" in response.content.decode()
    assert not Campaign.objects.exists() and not Contact.objects.exists() and not RefusedRow.objects.exists()
    assert not AuditEntry.objects.filter(action="campaign-created").exists()


def test_an_exophone_exotel_refused_is_refused_with_why(manager_client, exophone, flow):
    exophone.refused_at = timezone.now()
    exophone.refused_reason = "CallerId is not an ExoPhone of the account"
    exophone.save()
    response = manager_client.post(reverse("campaign-new"), form(exophone, flow))
    assert response.status_code == 400
    message = " ".join(response.context["form"].errors["exophone"])
    assert (
        message.startswith("Exotel refused this ExoPhone on") and "not an ExoPhone of the account" in message
    )
    assert not Campaign.objects.exists()


def test_an_inactive_flow_is_refused(manager_client, exophone, flow):
    flow.is_active = False
    flow.save()
    response = manager_client.post(reverse("campaign-new"), form(exophone, flow))
    assert response.status_code == 400
    assert response.context["form"].errors["flow"] == ["This flow is not active any more; pick another."]


def test_agents_phones_and_our_exophones_are_refused_rows_of_the_preview(
    manager_client, agent, exophone, flow
):
    content = f"number\n{agent.agent_profile.phone_number}\n{exophone.number}\n9876543210\n".encode()
    campaign, _ = create(manager_client, exophone, flow, contacts=upload(content))
    assert list(campaign.refused_rows.values_list("line", "reason")) == [
        (2, "An agent's phone (Asha)."),
        (3, "One of our ExoPhones (Bengaluru support)."),
    ]


# Steps ----------------------------------------------------------------------------------------------------


def test_start_pause_resume_cancel_each_audited(manager_client, exophone, flow):
    campaign, _ = create(manager_client, exophone, flow)
    for step, state in [
        ("start", "running"),
        ("pause", "paused"),
        ("resume", "running"),
        ("cancel", "cancelled"),
    ]:
        response = act(manager_client, campaign, step)
        assert response.status_code == 200
        campaign.refresh_from_db()
        assert campaign.state == state
        assert f"Payment reminders: {campaign.get_state_display().lower()}." in response.content.decode()
    for action in ("campaign-started", "campaign-paused", "campaign-resumed"):
        assert audits(action) == [(str(campaign.pk), "meera", {})]
    assert audits("campaign-cancelled") == [(str(campaign.pk), "meera", {"contacts cancelled": 1})]
    assert campaign.started_at and campaign.ended_at
    assert list(campaign.contacts.values_list("state", "outcome")) == [("done", "cancelled")]


@pytest.mark.parametrize(
    ("state", "step", "words"),
    [
        ("draft", "pause", "The campaign is not started: it cannot pause now."),
        ("draft", "resume", "The campaign is not started: it cannot resume now."),
        ("running", "start", "The campaign is running: it cannot start now."),
        ("finished", "cancel", "The campaign is finished: it cannot cancel now."),
        ("cancelled", "resume", "The campaign is cancelled: it cannot resume now."),
    ],
)
def test_a_step_that_does_not_apply_says_so_and_changes_nothing(
    manager_client, exophone, flow, state, step, words
):
    campaign, _ = create(manager_client, exophone, flow)
    Campaign.objects.filter(pk=campaign.pk).update(state=state)
    response = act(manager_client, campaign, step)
    assert response.status_code == 200
    assert words in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.state == state
    assert not AuditEntry.objects.exclude(action="campaign-created").exists()


def test_an_unknown_step_or_campaign_is_not_found(manager_client, exophone, flow):
    campaign, _ = create(manager_client, exophone, flow)
    assert manager_client.post(reverse("campaign-action", args=[campaign.pk, "explode"])).status_code == 404
    assert manager_client.post(reverse("campaign-action", args=[campaign.pk + 1, "start"])).status_code == 404
    assert manager_client.get(reverse("campaign-detail", args=[campaign.pk + 1])).status_code == 404
    campaign.refresh_from_db()
    assert campaign.state == "draft"


def test_a_step_is_a_post_only(manager_client, exophone, flow):
    campaign, _ = create(manager_client, exophone, flow)
    assert manager_client.get(reverse("campaign-action", args=[campaign.pk, "start"])).status_code == 405
    campaign.refresh_from_db()
    assert campaign.state == "draft"


def test_agents_cannot_create_or_start(agent_client, manager, exophone, flow):
    response = agent_client.post(reverse("campaign-new"), form(exophone, flow))
    assert response.status_code == 403 and not Campaign.objects.exists()
    campaign = Campaign.objects.create(
        name="x",
        exophone=exophone,
        flow=flow,
        window_days=[0],
        window_start="09:00",
        window_end="21:00",
        window_zone="Asia/Kolkata",
        retry_after=timedelta(minutes=30),
    )
    assert agent_client.post(reverse("campaign-action", args=[campaign.pk, "start"])).status_code == 403
    campaign.refresh_from_db()
    assert campaign.state == "draft"


# Progress, report, export ---------------------------------------------------------------------------------


@pytest.fixture
def reported(manager_client, exophone, flow):
    """A running campaign: one contact reached, one busy for good, one waiting for a retry, one waiting."""
    # As Excel saves a name typed as a formula: quoted, its quotes doubled.
    content = (
        b'number,name\n9876543210,Asha\n9876543211,"=HYPERLINK(""http://evil.example"",""x"")"\n'
        b"9876543212,Ravi\n9876543213,Meera\n"
    )
    campaign, _ = create(manager_client, exophone, flow, contacts=upload(content))
    act(manager_client, campaign, "start")
    contacts = list(campaign.contacts.order_by("line"))
    rows = [
        (contacts[0], "completed", Contact.State.DONE, Contact.Outcome.REACHED, "1.50"),
        (contacts[1], "busy", Contact.State.DONE, Contact.Outcome.BUSY, "0"),
        (contacts[2], "no-answer", Contact.State.RETRY, Contact.Outcome.NO_ANSWER, "0"),
    ]
    for contact, status, state, outcome, price in rows:
        call = make_call(sid=None, status=status, from_number=contact.number, flow=flow, price=price)
        Attempt.objects.create(
            contact=contact, number=1, call=call, campaign=campaign, created_at=timezone.now()
        )
        contact.state, contact.outcome, contact.last_call, contact.attempts = state, outcome, call, 1
        contact.save()
    return campaign


def test_the_progress_fragment_counts_where_contacts_stand(manager_client, reported):
    response = manager_client.get(reverse("campaign-progress", args=[reported.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    for key, count in [
        ("waiting", 1),
        ("retry", 1),
        ("reached", 1),
        ("busy", 1),
        ("dialling", 0),
        ("dnd", 0),
    ]:
        assert f'data-testid="count-{key}">{count}</td>' in page, key
    assert "2 of 4 contacts done (50%)" in page
    assert 'data-testid="dials-per-minute">3</dd>' in page
    assert "₹1.50" in page
    assert 'hx-trigger="every 2s"' in page  # running: it updates itself


def test_the_progress_fragment_stops_polling_once_finished(manager_client, reported):
    Campaign.objects.filter(pk=reported.pk).update(state="finished")
    page = manager_client.get(reverse("campaign-progress", args=[reported.pk])).content.decode()
    assert "hx-trigger" not in page and "Finished" in page


@pytest.mark.parametrize(
    ("shown", "lines"),
    [("", [2, 3, 4, 5]), ("reached", [2]), ("busy", [3]), ("retry", [4]), ("waiting", [5]), ("dnd", [])],
)
def test_the_report_shows_each_contact_by_its_outcome(manager_client, reported, shown, lines):
    response = manager_client.get(reverse("campaign-report", args=[reported.pk]), {"outcome": shown})
    assert response.status_code == 200
    assert [row.record.line for row in response.context["table"].page.object_list] == lines


def test_an_unknown_report_filter_shows_every_contact(manager_client, reported):
    response = manager_client.get(reverse("campaign-report", args=[reported.pk]), {"outcome": "nonsense"})
    assert response.status_code == 200 and response.context["shown"] == ""
    assert len(response.context["table"].page.object_list) == 4


def test_the_report_links_each_contacts_last_call(manager_client, reported):
    page = manager_client.get(reverse("campaign-report", args=[reported.pk])).content.decode()
    call = reported.contacts.get(line=2).last_call
    assert f'<a href="{reverse("call-detail", args=[call.pk])}">Completed</a>' in page
    assert "Retry scheduled (last: no answer)" in page


def test_the_export_guards_formulas_and_is_audited(manager_client, reported):
    response = manager_client.get(reverse("campaign-export", args=[reported.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith(f'attachment; filename="campaign-{reported.pk}-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:6] == ["Line", "Number", "Name", "Custom field", "Outcome", "Attempts"]
    by_line = {row[0]: row for row in rows[1:]}
    assert by_line["3"][2] == '\'=HYPERLINK("http://evil.example","x")'  # text, not a formula
    assert by_line["3"][1] == "+919876543211"  # a phone number keeps its +
    assert by_line["2"][4:7] == ["Reached", "1", "Completed"]
    assert by_line["2"][7].endswith(reverse("call-detail", args=[reported.contacts.get(line=2).last_call_id]))
    assert by_line["5"][4:8] == ["Waiting", "0", "", ""]
    assert audits("campaign-exported") == [(str(reported.pk), "meera", {})]


def test_the_list_shows_each_campaign_even_when_its_creator_is_gone(manager_client, reported, manager):
    Campaign.objects.filter(pk=reported.pk).update(created_by=None)
    response = manager_client.get(reverse("campaigns"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Payment reminders" in page and "by Meera" not in page


def test_the_detail_of_a_running_campaign_outside_its_hours_says_when_it_resumes(manager_client, reported):
    Campaign.objects.filter(pk=reported.pk).update(window_days=[])
    page = manager_client.get(reverse("campaign-detail", args=[reported.pk])).content.decode()
    assert 'data-testid="window-closed"' in page


def test_an_agent_with_a_very_long_name_is_still_a_refused_row_not_an_error(
    manager_client, agent, exophone, flow
):
    agent.first_name, agent.last_name = "A" * 150, "B" * 150
    agent.save()
    content = f"number\n{agent.agent_profile.phone_number}\n9876543210\n".encode()
    campaign, _ = create(manager_client, exophone, flow, contacts=upload(content))
    (reason,) = campaign.refused_rows.values_list("reason", flat=True)
    assert reason.startswith("An agent's phone (AAAA") and len(reason) <= 200
