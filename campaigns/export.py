"""A campaign's report as CSV: one row per contact, with the same formula guard as the call log's export."""

import csv
from itertools import islice

from django.urls import reverse
from django.utils import timezone

from calls.log.export import Lines, cells

from .models import Contact
from .tables import outcome_words

HEADER = [
    "Line",
    "Number",
    "Name",
    "Custom field",
    "Outcome",
    "Attempts",
    "Last call status",
    "Last call (page)",
]
CHUNK = 2000


def report_rows(campaign, *, site):
    zone = timezone.get_current_timezone()
    contacts = (
        Contact.objects.filter(campaign=campaign)
        .select_related("last_call")
        .order_by("line")
        .iterator(chunk_size=CHUNK)
    )
    lines = Lines()
    writer = csv.writer(lines, lineterminator="\n")
    writer.writerow(HEADER)
    while chunk := list(islice(contacts, CHUNK)):
        for contact in chunk:
            call = contact.last_call
            writer.writerow(
                cells(
                    [
                        contact.line,
                        contact.number,
                        contact.name,
                        contact.custom_field,
                        outcome_words(contact),
                        contact.attempts,
                        call.get_status_display() if call else "",
                        f"{site}{reverse('call-detail', args=[call.pk])}" if call else "",
                    ],
                    zone,
                )
            )
        yield "".join(lines)
        lines.clear()
    if lines:
        yield "".join(lines)
