from datetime import timedelta
from zoneinfo import available_timezones

from django import forms

from calls.placing.forms import CallerIdField
from exonumbers.models import ExoPhone, Flow

from .contacts_csv import MAX_FILE_BYTES, UnreadableList
from .models import MAX_CONTACTS, Campaign
from .services import parse_upload
from .window import DEFAULT_DAYS, DEFAULT_END, DEFAULT_START

ZONES = sorted(available_timezones() - {"localtime", "Factory"})
MAX_ATTEMPTS = 10
MAX_RETRY_MINUTES = 7 * 24 * 60


class TimeInput(forms.TimeInput):
    input_type = "time"


class CampaignForm(forms.ModelForm):
    exophone = CallerIdField(
        label="Caller ID",
        queryset=ExoPhone.objects.active(),
        empty_label=None,
        error_messages={"invalid_choice": "This caller ID is not active any more; pick another."},
    )
    flow = forms.ModelChoiceField(
        label="Flow",
        queryset=Flow.objects.active(),
        empty_label=None,
        help_text="Exotel connects each customer who answers to this flow.",
        error_messages={"invalid_choice": "This flow is not active any more; pick another."},
    )
    contacts = forms.FileField(
        label="Contacts (CSV)",
        help_text=(
            f"A number column (required), name and custom_field (optional), with or without a header row; "
            f"UTF-8, as Excel (CSV UTF-8) and Google Sheets save it; up to {MAX_CONTACTS:,} rows."
        ),
    )
    window_days = forms.TypedMultipleChoiceField(
        label="Calling days",
        choices=list(
            enumerate(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"))
        ),
        coerce=int,
        initial=list(DEFAULT_DAYS),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one day."},
    )
    window_start = forms.TimeField(
        label="Calling from", initial=DEFAULT_START, widget=TimeInput(format="%H:%M")
    )
    window_end = forms.TimeField(
        label="Calling until",
        initial=DEFAULT_END,
        widget=TimeInput(format="%H:%M"),
        help_text=(
            "TRAI allows promotional calls from 09:00 to 21:00. Nothing is dialled at or after this time."
        ),
    )
    window_zone = forms.ChoiceField(label="Time zone of these hours", choices=[(z, z) for z in ZONES])
    max_attempts = forms.IntegerField(
        label="Attempts per contact",
        initial=3,
        min_value=1,
        max_value=MAX_ATTEMPTS,
        help_text="Another attempt only after busy, no answer or failed; never after an answer or DND.",
    )
    retry_minutes = forms.IntegerField(
        label="Minutes before the next attempt", initial=30, min_value=1, max_value=MAX_RETRY_MINUTES
    )

    class Meta:
        model = Campaign
        fields = ["name", "exophone", "flow", "window_days", "window_start", "window_end", "window_zone"]
        labels = {"name": "Name"}
        help_texts = {"name": "e.g. Payment reminders, December"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window_zone"].initial = "Asia/Kolkata"
        self.parsed = None

    def clean_contacts(self):
        upload = self.cleaned_data["contacts"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
        try:
            self.parsed = parse_upload(upload.read())
        except UnreadableList as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("window_start"), cleaned.get("window_end")
        if start and end and end <= start:
            self.add_error("window_end", "End the calling hours after they start, on the same day.")
        return cleaned

    def save(self, commit=True):
        campaign = super().save(commit=False)
        campaign.window_days = sorted(set(self.cleaned_data["window_days"]))
        campaign.max_attempts = self.cleaned_data["max_attempts"]
        campaign.retry_after = timedelta(minutes=self.cleaned_data["retry_minutes"])
        if commit:
            campaign.save()
        return campaign
