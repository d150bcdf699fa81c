from django import forms

from calls.models import MissedCustomer

NOTE_MAX = MissedCustomer._meta.get_field("dismiss_note").max_length


class DismissForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why",
        choices=[("", "Choose a reason"), *MissedCustomer.Reason.choices],
        error_messages={
            "required": "Choose why this customer needs no call back.",
            "invalid_choice": "Choose one of the reasons listed.",
        },
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=NOTE_MAX,
        help_text=f"Optional, at most {NOTE_MAX} characters: what the next person should know.",
    )
