import uuid

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.dateformat import format as date_format

from exonumbers.models import ExoPhone, Flow
from lib.phone import PhoneNumberField
from lib.roles import Role, role_of

HTTP_URL = URLValidator(schemes=["http", "https"], message="Enter an http:// or https:// address.")
MAX_TIME_LIMIT = 14400  # four hours, Exotel's cap
MAX_TIME_OUT = 60  # seconds each leg rings; Exotel's documented maximum (TRAI)


class CallerIdField(forms.ModelChoiceField):
    """The ExoPhones on offer. One that Exotel refused is not offered; a post that names it says why."""

    asker_is_admin = False

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as not_offered:
            try:
                refused = ExoPhone.objects.exclude(refused_at=None).get(pk=value)
            except (ValueError, TypeError, ExoPhone.DoesNotExist):
                raise not_offered from None
            raise forms.ValidationError(self.refusal(refused), code="refused") from None

    def refusal(self, exophone):
        when = date_format(timezone.localtime(exophone.refused_at), "j M Y, H:i")
        reason = exophone.refused_reason.rstrip(".")
        then = "Re-enable it in the admin once Exotel accepts it." if self.asker_is_admin else "Ask an admin."
        return f"Exotel refused this ExoPhone on {when}: {reason}. {then}"


class PlaceCallForm(forms.Form):
    """What every call needs: the customer, the caller ID they will see, and a token that makes it once."""

    to = PhoneNumberField(label="Customer number", example="+91 98765 43210 or 098765 43210")
    exophone = CallerIdField(
        label="Caller ID",
        queryset=ExoPhone.objects.active(),
        empty_label=None,
        error_messages={"invalid_choice": "This caller ID is not active any more; pick another."},
    )
    time_limit = forms.IntegerField(
        label="Time limit (seconds)",
        required=False,
        min_value=1,
        max_value=MAX_TIME_LIMIT,
        help_text="The call is cut after this; at most 14400 (4 hours).",
    )
    time_out = forms.IntegerField(
        label="Ring time (seconds)",
        required=False,
        min_value=1,
        max_value=MAX_TIME_OUT,
        help_text="How long each phone rings; at most 60.",
    )
    custom_field = forms.CharField(
        label="Custom field",
        required=False,
        max_length=128,
        help_text="Comes back with the call, e.g. a ticket number.",
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    rings_agent_first = True

    def __init__(self, *args, agent, **kwargs):
        super().__init__(*args, **kwargs)
        self.agent = agent
        profile = getattr(agent, "agent_profile", None)
        self.agent_phone = profile.phone_number if profile else ""
        self.asker_is_admin = self.fields["exophone"].asker_is_admin = role_of(agent) == Role.ADMIN
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())
            if profile and profile.default_exophone_id:
                self.initial.setdefault("exophone", profile.default_exophone_id)

    def clean_to(self):
        number = self.cleaned_data["to"]
        if number == self.agent_phone:
            raise forms.ValidationError("This is your own phone; enter the customer's number.")
        if ExoPhone.objects.filter(number=number).exists():
            raise forms.ValidationError("This is one of our ExoPhones; calling it would loop back to us.")
        return number

    def clean(self):
        cleaned = super().clean()
        if self.rings_agent_first and not self.agent_phone:
            who = (
                f"add it to your user ({self.agent.get_username()}) in the admin, under Users"
                if self.asker_is_admin
                else "ask an admin to add it"
            )
            raise forms.ValidationError(f"Your profile has no phone number for Exotel to ring first: {who}.")
        return cleaned

    def options(self):
        data = self.cleaned_data
        return {name: data[name] for name in ("time_limit", "time_out") if data.get(name) is not None}


class ClickToCallForm(PlaceCallForm):
    record = forms.BooleanField(label="Record the call", required=False)
    recording_channels = forms.ChoiceField(
        label="Recording channels", required=False, choices=[("single", "Single"), ("dual", "Dual")]
    )
    recording_format = forms.ChoiceField(
        label="Recording format", required=False, choices=[("mp3", "MP3"), ("mp3-hq", "MP3 high quality")]
    )
    wait_url = forms.CharField(
        label="Wait music URL",
        required=False,
        max_length=500,
        validators=[HTTP_URL],
        help_text="A WAV file the agent hears while the customer's phone rings.",
    )
    start_playback_to = forms.ChoiceField(
        label="Play before connecting to",
        required=False,
        choices=[("", "Nobody"), ("Callee", "The customer"), ("Both", "Both")],
    )
    start_playback_value = forms.CharField(
        label="Playback URL", required=False, max_length=500, validators=[HTTP_URL]
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start_playback_to") and not cleaned.get("start_playback_value"):
            self.add_error("start_playback_value", "Give the WAV file to play.")
        return cleaned

    def options(self):
        data = self.cleaned_data
        options = super().options()
        if data.get("record"):
            options |= {
                "record": True,
                "recording_channels": data.get("recording_channels") or "single",
                "recording_format": data.get("recording_format") or "mp3",
            }
        if data.get("wait_url"):
            options["wait_url"] = data["wait_url"]
        if data.get("start_playback_to"):
            options |= {
                "start_playback_to": data["start_playback_to"],
                "start_playback_value": data["start_playback_value"],
            }
        return options


class FlowCallForm(PlaceCallForm):
    rings_agent_first = False  # Exotel rings the customer and connects them to the flow
    flow = forms.ModelChoiceField(
        queryset=Flow.objects.active(),
        empty_label=None,
        error_messages={"invalid_choice": "This flow is not active any more; pick another."},
    )
