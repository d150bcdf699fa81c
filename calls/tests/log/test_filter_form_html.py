"""The log's filter form, its fields written in Python (calls/log/filter_form.py), is what the shared template
templates/_list_filters.html writes for it, byte for byte: empty, filled in, and with every kind of error."""

import pytest
from django.http import QueryDict
from django.template.loader import get_template, render_to_string

from calls.log.filter_form import FIELD_COLUMN, fields_html
from calls.log.filters import CallFilter
from calls.models import Call

from .wrap_ups import make_dispositions

QUERIES = [
    "",
    "status=completed&status=busy&direction=inbound&disposition=none&agent=&flow=",
    "status=nonsense&duration__gte=abc&price__lte=-1&from_number=12&sid=%3Cbad%3E&number_ends=1x"
    "&created_from=2026-13-01&note=" + "x" * 300,
    "duration__gte=600&duration__lte=30",  # a non-field error
    "from_number=%2B919845012301,%2B919845012302&has_recording=true&has_note=false&note=%3Cb%3Erefund",
    "agent=999999&flow=999999&campaign=999999",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("show_agent", [True, False], ids=["manager", "agent"])
def test_the_fields_are_the_shared_templates_html(db, query, show_agent):
    make_dispositions()
    filterset = CallFilter(QueryDict(query), queryset=Call.objects.all(), show_agent=show_agent)
    filterset.is_valid()
    context = {"filter": filterset, "query_errors": ["Page 'x' does not exist."], "errors_lead": "Fix:"}
    shared = render_to_string("_list_filters.html", context | {"column": FIELD_COLUMN})
    ours = get_template("calls/_log_filters.html").render(
        context | {"filter_fields": fields_html(filterset.form)}
    )
    assert ours == shared
    assert 'type="checkbox"' in ours and "<select" in ours
