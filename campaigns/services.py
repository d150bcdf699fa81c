"""Create a campaign from an uploaded list, and move it through its states; each step is audited."""

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import AgentProfile
from audit.models import Action
from audit.services import audit_object
from calls.models import Status
from calls.placing.dialing import withdraw
from exonumbers.models import ExoPhone
from lib.copy_rows import copy_rows

from .contacts_csv import read_contacts
from .models import Campaign, Contact, RefusedRow

BATCH = 5000


class NotNow(Exception):
    """The campaign is not in a state this step applies to; the message says what it is."""


def numbers_never_dialled():
    """Our ExoPhones and the agents' phones, by number, with the name a refusal gives."""
    exophones = {phone.number: phone.friendly_name for phone in ExoPhone.objects.all()}
    agents = {
        profile.phone_number: profile.user.get_full_name() or profile.user.get_username()
        for profile in AgentProfile.objects.exclude(phone_number="").select_related("user")
    }
    return exophones, agents


def parse_upload(data: bytes):
    exophones, agents = numbers_never_dialled()
    return read_contacts(data, exophones=exophones, agent_phones=agents)


def campaign_create(*, request, settings_form, parsed, file_name) -> Campaign:
    """A draft campaign holding the list's contacts and refused rows: nothing is dialled before Start."""
    with transaction.atomic():
        campaign = settings_form.save(commit=False)
        campaign.created_by = request.user
        campaign.file_name = file_name[:255]
        campaign.rows_read = parsed.rows
        campaign.save()
        _create_contacts(campaign, parsed.contacts)
        RefusedRow.objects.bulk_create(
            (
                RefusedRow(campaign=campaign, line=line, value=value, reason=reason)
                for line, value, reason in parsed.refused
            ),
            batch_size=BATCH,
        )
        audit_object(
            request=request,
            action=Action.CAMPAIGN_CREATED,
            obj=campaign,
            details={
                "contacts": len(parsed.contacts),
                "refused rows": len(parsed.refused),
                "file": file_name,
            },
        )
    return campaign


def _create_contacts(campaign, contacts):
    """The list's contacts. On PostgreSQL by COPY: 100,000 INSERTed rows took longer than the parse."""
    if connection.vendor != "postgresql":
        Contact.objects.bulk_create(
            (
                Contact(campaign=campaign, line=line, number=number, name=name, custom_field=custom)
                for line, number, name, custom in contacts
            ),
            batch_size=BATCH,
        )
        return
    given = [Contact._meta.get_field(name) for name in ("campaign", "line", "number", "name", "custom_field")]
    defaults = [
        field for field in Contact._meta.concrete_fields if not field.primary_key and field not in given
    ]
    # Each other column's default as the model gives it; a choice (a str subclass) as plain text.
    rest = [field.get_default() for field in defaults]
    rest = [str(value) if isinstance(value, str) else value for value in rest]
    copy_rows(
        Contact,
        [*given, *defaults],
        ((campaign.pk, line, number, name, custom, *rest) for line, number, name, custom in contacts),
    )


STEPS = {
    # action: (from states, to state, audit action)
    "start": ({Campaign.State.DRAFT}, Campaign.State.RUNNING, Action.CAMPAIGN_STARTED),
    "pause": ({Campaign.State.RUNNING}, Campaign.State.PAUSED, Action.CAMPAIGN_PAUSED),
    "resume": ({Campaign.State.PAUSED}, Campaign.State.RUNNING, Action.CAMPAIGN_RESUMED),
    "cancel": (
        {Campaign.State.DRAFT, Campaign.State.RUNNING, Campaign.State.PAUSED},
        Campaign.State.CANCELLED,
        Action.CAMPAIGN_CANCELLED,
    ),
    # The DND check leaves the state as it is; it runs while the campaign is not paused.
    "check-dnd": (
        {Campaign.State.DRAFT, Campaign.State.RUNNING, Campaign.State.PAUSED},
        None,
        Action.CAMPAIGN_DND_CHECKED,
    ),
}


def _withdraw_undialled(campaign, step, now):
    """A pause or cancel also stops the dials the pump handed over that no worker has taken yet: those calls
    never go out, and their contacts wait (pause) or end cancelled (cancel), the attempt not counted."""
    dialling = Contact.objects.select_for_update().filter(
        campaign=campaign, state=Contact.State.DIALLING, last_call__status=Status.PENDING
    )
    contacts = {contact.last_call_id: contact for contact in dialling}
    verb = "paused" if step == "pause" else "cancelled"
    reason = f"Not dialled: the campaign was {verb} before a worker took this call."
    withdrawn = withdraw(list(contacts), reason)
    for call_id in withdrawn:
        contact = contacts[call_id]
        contact.attempts -= 1
        if step == "pause":
            contact.state = Contact.State.WAITING
        else:
            contact.state, contact.outcome = Contact.State.DONE, Contact.Outcome.CANCELLED
            contact.done_at = now
        contact.save(update_fields=["attempts", "state", "outcome", "done_at"])


def campaign_step(*, request, campaign_id, step) -> Campaign:
    """Start, pause, resume or cancel. The campaign's row lock orders it with the pump's dials: once this
    commits, the pump starts no dial for a campaign that is not running."""
    from_states, to_state, action = STEPS[step]
    now = timezone.now()
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.state not in from_states:
            state = campaign.get_state_display().lower()
            raise NotNow(f"The campaign is {state}: it cannot {step.replace('-', ' ')} now.")
        if step == "check-dnd" and campaign.dnd_check:
            raise NotNow(f"The DND check is {campaign.get_dnd_check_display().lower()} already.")
        campaign.state = to_state or campaign.state
        fields = ["state"]
        if step == "check-dnd":
            campaign.dnd_check = Campaign.DndCheck.RUNNING
            fields.append("dnd_check")
        if step == "start":
            campaign.started_at = now
            fields.append("started_at")
        if step == "resume":
            campaign.stop_reason = ""
            fields.append("stop_reason")
        cancelled = 0
        if step in {"pause", "cancel"}:
            _withdraw_undialled(campaign, step, now)
        if step == "cancel":
            campaign.ended_at = now
            fields.append("ended_at")
            cancelled = (
                Contact.objects.filter(campaign=campaign)
                .filter(state__in=[Contact.State.WAITING, Contact.State.RETRY])
                .update(
                    state=Contact.State.DONE,
                    outcome=Contact.Outcome.CANCELLED,
                    next_attempt_at=None,
                    done_at=now,
                )
            )
        campaign.save(update_fields=fields)
        details = {"contacts cancelled": cancelled} if step == "cancel" else {}
        audit_object(request=request, action=action, obj=campaign, details=details)
    return campaign
