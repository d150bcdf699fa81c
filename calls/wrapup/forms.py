from django import forms
from django.db.models import Q
from django.utils import timezone

from calls.models import NOTE_MAX_LENGTH, Disposition
from lib.dates import DateTimeField

NOTE_TOO_LONG = "A note holds at most 2,000 characters; this one has %(show_value)d."
NOT_OFFERED = "This disposition is not offered any more; pick another."


class NoteField(forms.CharField):
    """A browser counts a line break as one character against `maxlength` but posts it as two (CR LF):
    counted as the browser counts, a note the textarea took is never too long here."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class DispositionField(forms.ModelChoiceField):
    def label_from_instance(self, disposition):
        return disposition.name if disposition.active else f"{disposition.name} (no longer offered)"


class WrapUpForm(forms.Form):
    """What was agreed on a call. `version` is the wrap-up's version the writer saw: 0 when there was none."""

    disposition = DispositionField(
        queryset=Disposition.objects.none(),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": NOT_OFFERED},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = NoteField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        error_messages={"max_length": NOTE_TOO_LONG},
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 4, "data-counts-down": ""}),
    )
    follow_up_at = DateTimeField(
        label="Follow up at",
        required=False,
        help_text="Optional: when to get back to the customer, in your time zone.",
        widget=DateTimeField.widget(attrs={"class": "form-control"}),
    )
    version = forms.IntegerField(min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput)

    def __init__(self, *args, current=None, **kwargs):
        self.current = current
        if current is not None:
            kwargs.setdefault(
                "initial",
                {
                    "disposition": current.disposition_id,
                    "note": current.note,
                    "follow_up_at": current.follow_up_at,
                    "version": current.version,
                },
            )
        else:
            kwargs.setdefault("initial", {"version": 0})
        super().__init__(*args, **kwargs)
        # An inactive disposition stays on the calls that have it, and may be kept when the note is edited.
        offered = Q(active=True)
        if current is not None and current.disposition_id:
            offered |= Q(pk=current.disposition_id)
        self.fields["disposition"].queryset = Disposition.objects.filter(offered)

    def clean_follow_up_at(self):
        moment = self.cleaned_data["follow_up_at"]
        unchanged = self.current is not None and moment == self.current.follow_up_at
        this_minute = timezone.now().replace(second=0, microsecond=0)
        if moment is not None and not unchanged and moment < this_minute:
            now = timezone.localtime().strftime("%d %b %H:%M").lstrip("0")
            raise forms.ValidationError(
                f"This time has passed (it is now {now}): pick a later one, or leave it empty.", code="past"
            )
        return moment

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("disposition") and not cleaned.get("note"):
            raise forms.ValidationError("Choose a disposition or write a note (or both).", code="empty")
        return cleaned

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def contents(self):
        data = self.cleaned_data
        return {
            "disposition": data["disposition"],
            "note": data["note"],
            "follow_up_at": data["follow_up_at"],
        }

    def show_version(self, version):
        """After a conflict: the form keeps what was typed, and saving it again replaces `version`."""
        self.data = self.data.copy()
        self.data["version"] = str(version)
