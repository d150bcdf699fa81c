"""Hostile input is a class, not a case (issue #15): every URL of the URL matrix, each parameter it reads
given huge and tiny numbers and dates, non-ASCII, NUL, very long strings, repeated keys or nothing at all, and
keys it does not know, answers without a 5xx.

Each URL is asked by the most privileged role that sees it, and by agents too for their pages. Every request
is rolled back, so each starts from the same world. A failure names the URL, the parameter, the value and
where it was raised; all of a URL's failures are listed in one assertion.

To keep this quick, a value is first given to all of a page's parameters at once; only when the page did not
take them all are they asked again, those its forms did not refuse, one by one (value_failures).
"""

import copy
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib import admin as django_admin
from django.db import transaction
from django.forms import BaseForm, BaseFormSet
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import get_resolver, reverse
from django.urls.converters import IntConverter
from django.utils import timezone

from audit.filters import AuditFilter
from calls.log.filters import CallFilter
from calls.models import Call
from calls.overview.forms import PeriodForm
from calls.tracking.tokens import callback_token
from ops.models import Heartbeat

from .test_url_matrix import (
    ADMIN_ADDS,
    ADMIN_CHANGES,
    LOGIN,
    MATRIX,
    admin_urls,
    campaign_kwargs,
    people,
    world,
)

__all__ = ["people", "world"]  # the URL matrix's fixtures, used here by name

REPO = Path(__file__).resolve().parents[2]

# Each class with its siblings: what broke one parameter is tried on all of them.
HOSTILE = {
    "a 400-digit number": "9" * 400,
    "100,000 digits": "9" * 100_000,
    "-1": "-1",
    "0": "0",
    "1": "1",
    "9999": "9999",
    "2**63": str(2**63),
    "-2**63-1": str(-(2**63) - 1),
    "1e99999999": "1e99999999",
    "NaN": "NaN",
    "-Infinity": "-Infinity",
    "9999-12-31T23:59": "9999-12-31T23:59",
    "0001-01-01": "0001-01-01",
    "+999999-01-01": "+999999-01-01",
    "2026-02-30": "2026-02-30",
    "é": "é",
    "Devanagari digits": "९८७",
    "right-to-left override and emoji": "\u202e\U0001f4de",
    "NUL": "a\x00b",
    "100,000 characters": "x" * 100_000,
    "empty": "",
    "two different values": ["1", "2"],
    "two different dates": ["2026-01-01", "2026-01-02"],
}
# Keys no page reads, which some code might still go through.
STRANGERS = {"zzz": "1", "é": "é", "a\x00b": "1", "k" * 1000: "v", "": "empty key"}

LIST_PARAMS = ["sort", "page", "per_page"]
GET_PARAMS = {
    "login": ["next"],
    "home": [*PeriodForm.base_fields, "preset"],
    "call-log": [*CallFilter.base_filters, *LIST_PARAMS],
    "call-export": [*CallFilter.base_filters, *LIST_PARAMS],
    "audit-log": [*AuditFilter.base_filters, *LIST_PARAMS],
    "missed-dismissed": ["page"],
    "call-new": ["to"],
    "call-new-flow": ["to"],
    "number-lookup": ["to"],
    "campaign-detail": ["refused-page", "refused-per_page"],
    "campaign-progress": ["part"],
    "campaign-report": ["outcome", *LIST_PARAMS],
}
# Pages whose form is posted: the form as the page shows it, with what a person would fill in.
FORM_PAGES = {
    "login": {"username": "meera", "password": "wrong password"},
    "call-new": {"to": "+919876543210"},
    "call-new-flow": {"to": "+919876543210"},
    "saved-view-delete": {},
    "missed-dismiss": {"reason": "spam"},
    "campaign-new": {"name": "Reminders"},  # without its file: the form says so, whatever else is posted
}
# URLs that only take a POST, and what they are posted before one field turns hostile.
POSTED = {
    "logout": {"next": "/"},
    "saved-view-save": {"name": "Busy ones", "query": "status=busy"},
    "call-refresh": {"next": "/"},
    "call-wrap-up": {"disposition": "", "note": "Spoke", "follow_up_at": "2030-01-01T10:00", "version": "0"},
    "missed-claim": {"action": "release"},
    "campaign-action": {},
    "exotel-callback": {"Status": "completed", "DateUpdated": "2026-01-05 10:00:00", "RecordingUrl": ""},
}
RANGE_HEADERS = ["bytes=0-", "bytes=" + "9" * 400 + "-", "bytes=-1", "bytes=5-1", "bytes=é", "bytes=0-\x00"]
BEYOND = ["99999999999999999999999", str(2**63), str(2**64)]


class Undo(Exception):
    """Raised after each request, so that what it wrote is rolled back."""


@dataclass
class Probe:
    what: str
    method: str
    path: str
    data: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)

    def __str__(self):
        return f"{self.method} {self.path[:80]} {self.what}"


@dataclass
class Answer:
    problem: str | None  # what a 5xx was, and where it was raised
    refused: set = field(default_factory=set)  # the parameters the page's forms said no to
    whole: bool = False  # the page went on with every parameter, its forms content: none was left unused


def ask(client, probe):
    cookies = copy.deepcopy(client.cookies)  # a login or logout in the request is rolled back too
    try:
        with transaction.atomic():
            response = send(client, probe)
            raise Undo
    except Undo:
        pass
    except Exception as exc:  # the test client re-raises what the view raised: a 500 for the user
        return Answer(raised(exc))
    finally:
        client.cookies = cookies
    if response.status_code >= 500:
        return Answer(f"{response.status_code} {response.content[:200]!r}")
    refused, invalid = refused_names(response)
    went_on = response.status_code == 200 or (
        response.status_code == 302
        and not response["Location"].endswith(("?e=1", "&e=1"))  # the admin's "no"
    )
    return Answer(None, refused, went_on and not invalid)


def send(client, probe):
    method = client.post if probe.method == "POST" else client.get
    response = method(probe.path, probe.data, headers=probe.headers)
    if response.streaming:
        b"".join(response.streaming_content)  # a stream that breaks half way is a failure too
    return response


def raised(exc):
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f.filename.startswith(str(REPO)) and "/.venv/" not in f.filename]
    ours = [f for f in ours if f.filename != __file__]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}"
    if ours:
        where = f"{Path(ours[-1].filename).relative_to(REPO)}:{ours[-1].lineno} … {where}"
    return f"{type(exc).__name__}: {str(exc)[:160]} at {where}"


def forms_in(value):
    if isinstance(value, BaseForm):
        yield value
    elif isinstance(value, BaseFormSet):
        yield from value.forms
    elif isinstance(value, list | tuple):
        for item in value[:20]:
            yield from forms_in(item)
    else:
        for attribute in ("form", "formset"):  # a FilterSet, the admin's form and inline wrappers
            inner = getattr(value, attribute, None)
            if isinstance(inner, BaseForm | BaseFormSet):
                yield from forms_in(inner)


def refused_names(response):
    """The parameter names whose form fields said no, and whether any form on the page was invalid."""
    contexts = response.context if isinstance(response.context, list) else [response.context]
    names, invalid = set(), False
    for context in filter(None, contexts):
        for value in context.flatten().values():
            for form in forms_in(value):
                invalid |= bool(form.errors)
                for name in form.errors:
                    html = form.add_prefix(name)
                    names |= {html, f"{html}_0", f"{html}_1"}  # a split date and time names its halves
    return names, invalid


def hostile_failures(client, method, path, base, names, *, alone=(), label="", fill=None, refuses=None):
    """Each of `names` and `alone` given each hostile value, the rest of `base` as it is; then unknown keys.

    `names` are first given a value all at once, `alone` each by itself: parameters any value of which stops
    the page before it reads the others. `fill(names, value)` makes the request's data when the names are not
    its own keys, and `refuses(names, value)` says which of them a form would refuse when the page cannot.
    """
    page = Page(
        label, method, path, fill or (lambda names, value: base | dict.fromkeys(names, value)), refuses
    )
    found = []
    for kind, value in HOSTILE.items():
        found += value_failures(client, page, names, kind, value)
        for name in alone:
            found += value_failures(client, page, [name], kind, value)
    unknown = Probe(f"{label}unknown keys", method, path, base | STRANGERS)
    if problem := ask(client, unknown).problem:
        found.append(f"{unknown}: {problem}")
    return found


@dataclass
class Page:
    label: str
    method: str
    path: str
    fill: object
    refuses: object = None

    def probe(self, names, kind, value):
        what = names[0] if len(names) == 1 else f"{len(names)} parameters"
        return Probe(f"{self.label}{what}={kind}", self.method, self.path, self.fill(names, value))


def value_failures(client, page, names, kind, value):
    """`value` given to all of `names` at once. Unless the page went on with them all, the ones a form field
    refused are done (a field judges its own value) and the others are given it again together or, when the
    page cannot say which it refused, each alone: in the end each is taken with the others or asked alone."""
    if not names:
        return []
    probe = page.probe(names, kind, value)
    answer = ask(client, probe)
    if len(names) == 1 or answer.whole:
        return [f"{probe}: {answer.problem}"] if answer.problem else []
    refused = answer.refused | (page.refuses(names, value) if page.refuses else set())
    rest = [name for name in names if name not in refused]
    if answer.problem is None and len(rest) < len(names):
        return value_failures(client, page, rest, kind, value)
    found = [failure for name in rest for failure in value_failures(client, page, [name], kind, value)]
    if answer.problem and not found:  # only the parameters together fail: say which
        found.append(f"{probe} ({', '.join(names)}): {answer.problem}")
    return found


def plain_failures(client, probes):
    return [f"{probe}: {problem}" for probe in probes if (problem := ask(client, probe).problem)]


def shown(value):
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:30]}…({len(value)} chars)"


class FormFields(HTMLParser):
    """A page's forms as a browser posts them: {"method": ..., "fields": [(name, value), ...]} each."""

    def __init__(self):
        super().__init__()
        self.forms, self.select, self.textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (attrs.get("method") or "get").lower(), "fields": []})
        if not self.forms:
            return
        name, kind = attrs.get("name"), attrs.get("type")
        if tag == "input" and name and kind not in ("submit", "button", "image", "file"):
            if kind not in ("checkbox", "radio") or "checked" in attrs:
                self.forms[-1]["fields"].append(
                    (name, attrs.get("value") or ("on" if kind == "checkbox" else ""))
                )
        elif tag == "select" and name:
            self.select = {"name": name, "chosen": [], "first": None}
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.select["chosen"].append(value)
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self.select is not None:
            chosen = self.select["chosen"] or [self.select["first"] or ""]
            self.forms[-1]["fields"] += [(self.select["name"], value) for value in chosen]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.forms[-1]["fields"].append(tuple(self.textarea))
            self.textarea = None


def posted_form(client, path):
    """The page's biggest POST form (not the logout button) as {name: value or [values]}.

    The admin's hidden template for one more inline form (`__prefix__`) is left out: Django ignores it.
    """
    response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    parser = FormFields()
    parser.feed(response.content.decode())
    form = max((form for form in parser.forms if form["method"] == "post"), key=lambda f: len(f["fields"]))
    data = {}
    for name, value in form["fields"]:
        if name == "csrfmiddlewaretoken" or "__prefix__" in name:
            continue
        data[name] = (
            [*data[name], value]
            if isinstance(data.get(name), list)
            else ([data[name], value] if name in data else value)
        )
    return data


# The app's own URLs ----------------------------------------------------------------------------------------


def roles_for(name):
    """Anonymous for URLs without a login; else the manager, and the agent, wherever they are let in."""
    expected = MATRIX[name][1]
    if expected.get("anonymous", expected.get("*")) != LOGIN:
        return ["anonymous"]
    return [role for role in ("manager", "agent") if expected.get(role, expected.get("*")) not in (403, 404)]


def app_path(name, world, *, call_id=None, view_id=None, row_id=None, campaign_id=None):
    call_id, view_id = call_id or world["call"].pk, view_id or world["saved"].pk
    row_id, campaign_id = row_id or world["missed"].pk, campaign_id or world["campaign"].pk
    kwargs = {
        "saved-view-open": {"view_id": view_id},
        "saved-view-delete": {"view_id": view_id},
        "call-detail": {"call_id": call_id},
        "call-refresh": {"call_id": call_id},
        "call-status": {"call_id": call_id},
        "call-recording": {"call_id": call_id},
        "call-wrap-up": {"call_id": call_id},
        "exotel-callback": {"call_id": call_id, "token": callback_token(int(call_id))},
        "missed-claim": {"row_id": row_id},
        "missed-dismiss": {"row_id": row_id},
        **campaign_kwargs(campaign_id),
    }.get(name, {})
    return reverse(name, kwargs=kwargs)


def app_failures(name, client, world):
    method, path = MATRIX[name][0], app_path(name, world)
    found = []
    if method == "GET":
        found += hostile_failures(client, "GET", path, {}, GET_PARAMS.get(name, []))
    if name in FORM_PAGES:
        base = posted_form(client, path) | FORM_PAGES[name]
        found += hostile_failures(client, "POST", path, base, list(base), label="POST ")
    if name in POSTED:
        base = POSTED[name] | ({"CallSid": world["call"].sid} if name == "exotel-callback" else {})
        found += hostile_failures(client, "POST", path, base, list(base))
    if name == "saved-view-save":  # the call log's parameters, kept in a saved view: its form reads them

        def saved(names, value):
            return {"name": "Mine", "query": urlencode(dict.fromkeys(names, value), doseq=True)}

        def refused(names, value):  # the form checks the query with the call log's own filters
            query = QueryDict(urlencode(dict.fromkeys(names, value), doseq=True))
            return set(CallFilter(query, queryset=Call.objects.none()).form.errors)

        params = [*CallFilter.base_filters, *LIST_PARAMS]
        found += hostile_failures(
            client, "POST", path, {}, params, label="query ", fill=saved, refuses=refused
        )
    if name == "call-recording":
        ranges = [
            Probe(f"Range: {shown(value)}", "GET", path, headers={"Range": value}) for value in RANGE_HEADERS
        ]
        found += plain_failures(client, ranges)
    return found


@pytest.fixture
def healthy(db):
    """A worker beat just now, so /healthz's own 503 (no worker) is not mistaken for a failure."""
    Heartbeat.objects.create(process="worker", beat_at=timezone.now())


def log_in(client, people, role):
    client.logout()
    if role != "anonymous":
        client.force_login(people[role])


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_no_app_url_answers_hostile_input_with_a_server_error(client, people, world, healthy, name):
    found = []
    for role in roles_for(name):
        log_in(client, people, role)
        found += [f"as {role}: {problem}" for problem in app_failures(name, client, world)]
    assert not found, f"{len(found)} server errors:\n" + "\n".join(found)


def takes_an_id(name):
    patterns = get_resolver().reverse_dict.getlist(name)
    return any(isinstance(kind, IntConverter) for *_, converters in patterns for kind in converters.values())


@pytest.mark.parametrize("name", [name for name in sorted(MATRIX) if takes_an_id(name)])
def test_ids_beyond_any_integer_column_are_not_found(client, people, world, healthy, name):
    method = MATRIX[name][0]
    found = []
    for role in roles_for(name):
        log_in(client, people, role)
        beyond = [
            Probe(id_, method, app_path(name, world, call_id=id_, view_id=id_, row_id=id_, campaign_id=id_))
            for id_ in BEYOND
        ]
        found += [f"as {role}: {problem}" for problem in plain_failures(client, beyond)]
    assert not found, "\n".join(found)


# The admin --------------------------------------------------------------------------------------------------

LIST_OWN = ["q", "o", "p", "all", "e", "_facets", "_popup"]
OBJECT_OWN = ["_changelist_filters", "_popup"]  # and `_to_field`, which refuses nearly every value
ADMINS = {model._meta.label: model_admin for model, model_admin in django_admin.site._registry.items()}
ADMIN_PAGES = [
    "index",
    "password_change",
    "view on site",
    "auth.User password",
    "autocomplete",
    *(
        f"{label} {page}"
        for label in sorted(ADMINS)
        for page in ("list", "add", "change", "history", "delete", "app")
    ),
]


# The ExoPhone picker on a person's page: the one autocomplete here.
AUTOCOMPLETE = {
    "app_label": "accounts",
    "model_name": "agentprofile",
    "field_name": "default_exophone",
    "term": "Ben",
}


def filter_params(model_admin, admin_user):
    """The parameters of each of a list's filters."""
    request = RequestFactory().get("/")
    request.user = admin_user
    names = []
    for spec in model_admin.get_changelist_instance(request).filter_specs:
        names += [name for name in spec.expected_parameters() if name not in names]
    return names


def drill_down_failures(client, path, field_name):
    """The date hierarchy: a year, a month of a good year, a day of a good month, and the edges of time."""
    year, month = {f"{field_name}__year": "2026"}, {f"{field_name}__month": "1"}
    found = []
    for name, context in [("year", {}), ("month", year), ("day", year | month)]:
        found += hostile_failures(client, "GET", path, context, [f"{field_name}__{name}"])
    edges = [("9999", "12", "31"), ("9999", "12", None), ("1", "1", "1"), ("2100", "12", "31")]
    for edge in edges:
        params = dict(zip([f"{field_name}__{part}" for part in ("year", "month", "day")], edge, strict=True))
        drill = Probe(
            f"drill down to {'-'.join(filter(None, edge))}",
            "GET",
            path,
            {k: v for k, v in params.items() if v},
        )
        found += plain_failures(client, [drill])
    return found


def admin_page_failures(what, path, client, admin_user):
    label, _, page = what.rpartition(" ")
    model_admin = ADMINS.get(label)
    if page == "list":
        # The list's own parameters are read together; a filter, or `_to_field`, refuses a value for them all.
        filters = filter_params(model_admin, admin_user)
        if model_admin.date_hierarchy:  # the range it filters, as its links or a typed URL give it
            filters += [f"{model_admin.date_hierarchy}__{lookup}" for lookup in ("gte", "lt", "month")]
        found = hostile_failures(client, "GET", path, {}, LIST_OWN, alone=["_to_field", *filters])
        if model_admin.date_hierarchy:
            found += drill_down_failures(client, path, model_admin.date_hierarchy)
        return found
    if page in ("add", "change") and label in (ADMIN_ADDS if page == "add" else ADMIN_CHANGES):
        found = hostile_failures(client, "GET", path, {}, OBJECT_OWN, alone=["_to_field"])
        base = posted_form(client, path)
        return found + hostile_failures(client, "POST", path, base, list(base), label="POST ")
    if page in ("password", "password_change"):
        base = posted_form(client, path)
        return hostile_failures(client, "POST", path, base, list(base), label="POST ")
    if page == "delete" and client.get(path).status_code == 200:
        return hostile_failures(client, "POST", path, {"post": "yes"}, ["post"], label="POST ")
    if what == "autocomplete":
        return hostile_failures(client, "GET", path, AUTOCOMPLETE, [*AUTOCOMPLETE, "page"])
    if page in ("change", "history"):
        return hostile_failures(client, "GET", path, {}, ["p", *OBJECT_OWN], alone=["_to_field"])
    return hostile_failures(client, "GET", path, {}, [])


@pytest.mark.parametrize("what", ADMIN_PAGES)
def test_no_admin_page_answers_hostile_input_with_a_server_error(client, people, world, what):
    path = (dict(admin_urls(world)) | {"autocomplete": reverse("admin:autocomplete")}).get(what)
    if path is None:
        pytest.skip("the URL matrix has no object of this kind")
    client.force_login(people["admin"])
    found = admin_page_failures(what, path, client, people["admin"])
    assert not found, f"{len(found)} server errors:\n" + "\n".join(found)


ADMIN_IDS = [*BEYOND, "-1", "é", "a\x00b", "x" * 10_000]


@pytest.mark.parametrize("label", sorted(ADMINS))
def test_admin_object_ids_beyond_range_are_not_found(client, people, world, label):
    client.force_login(people["admin"])
    info = ADMINS[label].opts.app_label, ADMINS[label].opts.model_name
    beyond = [
        Probe(
            f"{page} of {shown(object_id)}",
            "GET",
            reverse(f"admin:{info[0]}_{info[1]}_{page}", args=[object_id]),
        )
        for object_id in ADMIN_IDS
        for page in ("change", "history", "delete")
    ]
    found = plain_failures(client, beyond)
    assert not found, "\n".join(found)


# What a person sees instead ---------------------------------------------------------------------------------


def test_a_drill_down_beyond_the_calendar_is_the_admins_answer_to_a_bad_filter(client, people, world):
    client.force_login(people["admin"])
    for query in ["date_created__year=9999", "date_created__year=1", "date_created__gte=0001-01-01"]:
        response = client.get(f"/admin/calls/call/?{query}")
        assert (response.status_code, response["Location"]) == (302, "/admin/calls/call/?e=1"), query


def test_a_search_longer_than_anyone_types_finds_nothing_and_says_why(client, people, world):
    client.force_login(people["admin"])
    response = client.get("/admin/numbers/exophone/", {"q": "8030" * 100})
    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters" in response.content.decode()
    term = {**AUTOCOMPLETE, "term": "8030" * 100}
    assert client.get(reverse("admin:autocomplete"), term).json()["results"] == []


@pytest.mark.parametrize(
    "per_page", ["0", "501", "-1", "9" * 400, "٣"], ids=["0", "501", "-1", "400 digits", "Arabic-Indic 3"]
)
def test_rows_per_page_outside_1_to_500_are_explained_and_the_page_shows_50(client, people, world, per_page):
    client.force_login(people["manager"])
    response = client.get(reverse("call-log"), {"per_page": per_page})
    assert response.status_code == 200
    assert "Rows per page" in response.content.decode()
    assert response.context["table"].per_page == 50
