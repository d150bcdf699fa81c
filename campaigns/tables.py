import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from lib.phone import pretty

from .models import Contact, RefusedRow


class ContactTable(tables.Table):
    line = tables.Column(verbose_name="Line", attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    number = tables.Column(verbose_name="Number")
    name = tables.Column(verbose_name="Name")
    outcome = tables.Column(verbose_name="Outcome", empty_values=(), order_by=("state", "outcome"))
    attempts = tables.Column(verbose_name="Attempts", attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    last_call = tables.Column(verbose_name="Last call", orderable=False)

    class Meta:
        model = Contact
        fields = ["line", "number", "name", "outcome", "attempts", "last_call"]
        order_by = ["line"]
        empty_text = "No contacts match."
        template_name = "django_tables2/bootstrap5-responsive.html"
        attrs = {"class": "table table-sm align-middle", "data-testid": "contact-table"}

    def render_number(self, value):
        return pretty(value)

    def render_outcome(self, record):
        return outcome_words(record)

    def render_last_call(self, value):
        if value is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("call-detail", args=[value.pk]), value.get_status_display()
        )


def outcome_words(contact):
    if contact.state == Contact.State.DONE:
        return contact.get_outcome_display()
    if contact.state == Contact.State.RETRY and contact.outcome:
        return f"{contact.get_state_display()} (last: {contact.get_outcome_display().lower()})"
    return contact.get_state_display()


class RefusedTable(tables.Table):
    line = tables.Column(verbose_name="Line", attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    value = tables.Column(verbose_name="As written", empty_values=(), default="(empty)")
    reason = tables.Column(verbose_name="Why it will not be dialled")

    class Meta:
        model = RefusedRow
        fields = ["line", "value", "reason"]
        order_by = ["line"]
        orderable = False
        empty_text = "Every row is a contact to call."
        template_name = "django_tables2/bootstrap5-responsive.html"
        attrs = {"class": "table table-sm align-middle", "data-testid": "refused-table"}
