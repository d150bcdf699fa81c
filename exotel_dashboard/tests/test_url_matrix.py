"""Every URL in the project, asked by anonymous, agent, other agent, manager and admin, gets the right answer.

A URL added without a row here fails `test_every_url_is_in_the_matrix`, so the matrix stays complete.
"""

from datetime import time, timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin as django_admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import URLResolver, get_resolver, reverse

from accounts.models import SavedView
from audit.models import AuditEntry
from calls.models import CallEvent, Disposition, MissedCustomer
from calls.tests.factories import make_call
from calls.tracking.tokens import callback_token
from campaigns.models import Attempt, Campaign, Contact, RefusedRow

ROLES = ("anonymous", "agent", "other_agent", "manager", "admin")
LOGIN = "login"  # a redirect to the login page
ADMIN_LOGIN = "admin-login"  # a redirect to the admin's login page
ELSEWHERE = "redirect"  # a redirect, not to a login page

# name: (method, {role: expected}); "*" is every role not named.
MATRIX = {
    "login": ("GET", {"anonymous": 200, "*": ELSEWHERE}),
    "logout": ("POST", {"*": LOGIN}),
    "healthz": ("GET", {"*": 503}),  # no worker has beaten in a test: 503, but never a login page
    "sync-health": ("GET", {"anonymous": LOGIN, "agent": 403, "other_agent": 403, "*": 200}),
    "audit-log": ("GET", {"anonymous": LOGIN, "agent": 403, "other_agent": 403, "*": 200}),
    "saved-views": ("GET", {"anonymous": LOGIN, "*": 200}),
    "saved-view-save": ("POST", {"anonymous": LOGIN, "*": ELSEWHERE}),
    "saved-view-open": ("GET", {"anonymous": LOGIN, "agent": ELSEWHERE, "*": 404}),
    "saved-view-delete": ("GET", {"anonymous": LOGIN, "agent": 200, "*": 404}),
    "home": ("GET", {"anonymous": LOGIN, "*": 200}),
    "call-log": ("GET", {"anonymous": LOGIN, "*": 200}),
    "call-export": ("GET", {"anonymous": LOGIN, "agent": 403, "other_agent": 403, "*": 200}),
    "call-new": ("GET", {"anonymous": LOGIN, "*": 200}),
    "call-new-flow": ("GET", {"anonymous": LOGIN, "*": 200}),
    "number-lookup": ("GET", {"anonymous": LOGIN, "*": 200}),
    "call-detail": ("GET", {"anonymous": LOGIN, "other_agent": 404, "*": 200}),
    "call-refresh": ("POST", {"anonymous": LOGIN, "other_agent": 404, "*": ELSEWHERE}),
    "call-status": ("GET", {"anonymous": LOGIN, "other_agent": 404, "*": 200}),
    "call-recording": ("GET", {"anonymous": LOGIN, "other_agent": 404, "*": 200}),
    "call-wrap-up": ("POST", {"anonymous": LOGIN, "other_agent": 404, "*": ELSEWHERE}),
    "live": ("GET", {"anonymous": LOGIN, "agent": 403, "other_agent": 403, "*": 200}),
    "live-board": ("GET", {"anonymous": LOGIN, "agent": 403, "other_agent": 403, "*": 200}),
    "live-mine": ("GET", {"anonymous": LOGIN, "*": 200}),
    "missed": ("GET", {"anonymous": LOGIN, "*": 200}),
    "missed-dismissed": ("GET", {"anonymous": LOGIN, "agent": 403, "other_agent": 403, "*": 200}),
    "missed-claim": ("POST", {"anonymous": LOGIN, "*": ELSEWHERE}),  # the call form, or the queue saying no
    "missed-dismiss": ("GET", {"anonymous": LOGIN, "agent": 403, "other_agent": 403, "*": 200}),
    "exotel-callback": ("POST", {"*": 200}),  # no login: the secret is in the URL
    "campaigns": ("GET", {"anonymous": LOGIN, "agent": 403, "other_agent": 403, "*": 200}),
    "campaign-new": ("GET", {"anonymous": LOGIN, "agent": 403, "other_agent": 403, "*": 200}),
    "campaign-detail": ("GET", {"anonymous": LOGIN, "agent": 403, "other_agent": 403, "*": 200}),
    "campaign-progress": ("GET", {"anonymous": LOGIN, "agent": 403, "other_agent": 403, "*": 200}),
    "campaign-report": ("GET", {"anonymous": LOGIN, "agent": 403, "other_agent": 403, "*": 200}),
    "campaign-export": ("GET", {"anonymous": LOGIN, "agent": 403, "other_agent": 403, "*": 200}),
    # Pause, as the manager does first; the admin's pause of a paused campaign says so on its page.
    "campaign-action": ("POST", {"anonymous": LOGIN, "agent": 403, "other_agent": 403, "*": ELSEWHERE}),
}

# The admin: anonymous users go to our login page, people without staff status to the admin's; an admin gets
# these for each registered model.
ADMIN_ADDS = {"numbers.ExoPhone", "numbers.Flow", "auth.User", "calls.Disposition"}
ADMIN_CHANGES = ADMIN_ADDS


def walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, inner)
        elif pattern.name:
            yield namespace + pattern.name


@pytest.fixture
def people(agent, other_agent, manager, admin):
    return {"agent": agent, "other_agent": other_agent, "manager": manager, "admin": admin}


@pytest.fixture
def world(sandbox, settings, agent, exophone, flow):
    settings.EXOTEL_API_URL, settings.EXOTEL_SID = sandbox.url, sandbox.sid
    settings.EXOTEL_API_KEY, settings.EXOTEL_API_TOKEN = sandbox.auth
    exotel_call = sandbox.inject_call(From="09812345601", Record="true", Duration="60")
    call = make_call(
        sid=exotel_call["sid"], agent=agent, status="completed", recording_url=exotel_call["recording_url"]
    )
    # An earlier call with the same customer, so the call page shows its customer history too.
    make_call(sid=None, agent=agent, status="busy", date_created=call.date_created - timedelta(days=1))
    event = CallEvent.objects.create(call=call, source="details", dedupe_key="matrix", status="completed")
    missed = MissedCustomer.objects.create(
        number="+919812345699",  # not the world call's customer, whose talk would resolve the row
        first_try_at=call.date_created,
        last_try_at=call.date_created,
        first_call=call,
        last_call=call,
        exophone=exophone,
    )
    saved = SavedView.objects.create(owner=agent, name="Mine", query="status=completed")
    entry = AuditEntry.objects.create(
        actor=agent, actor_name="asha", action="call-placed", target_type="call"
    )
    attempt = AccessAttempt.objects.create(
        username="x", ip_address="10.0.0.1", user_agent="t", failures_since_start=1
    )
    log = AccessLog.objects.create(username="x", ip_address="10.0.0.1", user_agent="t")
    failure = AccessFailureLog.objects.create(username="x", ip_address="10.0.0.1", user_agent="t")
    campaign = make_campaign(exophone, flow)
    return {
        "call": call,
        "saved": saved,
        "missed": missed,
        "campaign": campaign,
        "objects": {
            "numbers.ExoPhone": exophone,
            "numbers.Flow": flow,
            "auth.User": agent,
            "auth.Group": Group.objects.get(name="Agent"),
            "calls.Call": call,
            "calls.CallEvent": event,
            "calls.Disposition": Disposition.objects.create(name="Resolved"),
            "audit.AuditEntry": entry,
            "axes.AccessAttempt": attempt,
            "axes.AccessLog": log,
            "axes.AccessFailureLog": failure,
        },
    }


def make_campaign(exophone, flow):
    """A running campaign: a contact reached by its call, one waiting, and a refused row."""
    campaign = Campaign.objects.create(
        name="Payment reminders",
        exophone=exophone,
        flow=flow,
        state=Campaign.State.RUNNING,
        window_days=list(range(7)),
        window_start=time(9, 0),
        window_end=time(21, 0),
        window_zone="Asia/Kolkata",
        retry_after=timedelta(minutes=30),
        file_name="list.csv",
        rows_read=3,
    )
    call = make_call(sid=None, status="completed", flow=flow, exophone=exophone, from_number="+919812345610")
    reached = Contact.objects.create(
        campaign=campaign,
        line=2,
        number=call.from_number,
        name="Ravi",
        state=Contact.State.DONE,
        outcome=Contact.Outcome.REACHED,
        attempts=1,
        calls_made=1,
        last_call=call,
    )
    Attempt.objects.create(
        contact=reached, number=1, call=call, campaign=campaign, created_at=call.date_created
    )
    Contact.objects.create(campaign=campaign, line=3, number="+919812345611", name="Meena")
    RefusedRow.objects.create(campaign=campaign, line=4, value="12345", reason="This number does not exist.")
    return campaign


def campaign_kwargs(campaign_id):
    kwargs = {"campaign_id": campaign_id}
    names = ["campaigns", "campaign-detail", "campaign-progress", "campaign-report", "campaign-export"]
    return {name: kwargs for name in names[1:]} | {"campaign-action": kwargs | {"step": "pause"}}


def app_url(name, world):
    call, saved = world["call"], world["saved"]
    kwargs = {
        "saved-view-open": {"view_id": saved.pk},
        "saved-view-delete": {"view_id": saved.pk},
        "call-detail": {"call_id": call.pk},
        "call-refresh": {"call_id": call.pk},
        "call-status": {"call_id": call.pk},
        "call-recording": {"call_id": call.pk},
        "call-wrap-up": {"call_id": call.pk},
        "exotel-callback": {"call_id": call.pk, "token": callback_token(call.pk)},
        "missed-claim": {"row_id": world["missed"].pk},
        "missed-dismiss": {"row_id": world["missed"].pk},
        **campaign_kwargs(world["campaign"].pk),
    }.get(name, {})
    url = reverse(name, kwargs=kwargs)
    extra = {"number-lookup": "?to=%2B919876543210"}.get(name, "")
    return url + extra


def ask(client, method, url, data=None):
    if method == "POST":
        return client.post(url, data or {})
    return client.get(url)


def outcome(response):
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
        if location.startswith("/login/"):
            return LOGIN
        return ELSEWHERE
    return response.status_code


POST_DATA = {
    "saved-view-save": {"name": "Busy ones", "query": "status=busy"},
    "exotel-callback": {"CallSid": "", "Status": "completed"},
    "call-wrap-up": {"note": "Spoke to the customer", "version": "0"},  # the same note again: unchanged
}


def test_every_url_is_in_the_matrix():
    names = {name for name in walk(get_resolver().url_patterns) if not name.startswith("admin:")}
    assert names == set(MATRIX)


def test_each_role_gets_the_expected_answer_from_each_url(client, people, world):
    wrong = []
    for role in ROLES:
        for name, (method, expected) in MATRIX.items():
            client.logout()  # also undoes the previous row's logout, and any session it changed
            if role != "anonymous":
                client.force_login(people[role])
            data = dict(POST_DATA.get(name, {}))
            if name == "exotel-callback":
                data["CallSid"] = world["call"].sid
            answer = outcome(ask(client, method, app_url(name, world), data))
            want = expected.get(role, expected.get("*"))
            if answer != want:
                wrong.append(f"{name} as {role}: {answer}, expected {want}")
    assert not wrong, "\n".join(wrong)


def admin_urls(world):
    """Every admin page, with a real object for each registered model's object pages."""
    urls = [("index", reverse("admin:index")), ("password_change", reverse("admin:password_change"))]
    for model, model_admin in django_admin.site._registry.items():
        label = model._meta.label
        info = model._meta.app_label, model._meta.model_name
        urls.append((f"{label} list", reverse("admin:{}_{}_changelist".format(*info))))
        urls.append((f"{label} add", reverse("admin:{}_{}_add".format(*info))))
        obj = world["objects"].get(label)
        if obj is not None:
            for page in ("change", "history", "delete"):
                urls.append((f"{label} {page}", reverse(f"admin:{info[0]}_{info[1]}_{page}", args=[obj.pk])))
        urls.append((f"{label} app", reverse("admin:app_list", args=[info[0]])))
    agent = world["objects"]["auth.User"]
    urls.append(("auth.User password", reverse("admin:auth_user_password_change", args=[agent.pk])))
    content_type = ContentType.objects.get_for_model(agent)
    urls.append(("view on site", reverse("admin:view_on_site", args=[content_type.pk, agent.pk])))
    return urls


def expected_for_admin(what):
    label, _, page = what.rpartition(" ")
    if what in ("index", "password_change") or page in ("list", "app", "history", "password"):
        return 200
    if page == "change":
        return 200  # a change page without change permission shows the object read-only
    if page == "add":
        return 200 if label in ADMIN_ADDS else 403
    if page == "delete":
        deletable = ADMIN_CHANGES | {"axes.AccessAttempt"}
        return 200 if label in deletable else 403
    return 404  # "view on site": people have no page outside the admin


def test_only_admins_get_into_the_admin(client, people, world):
    wrong = []
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(people[role])
        for what, url in admin_urls(world):
            answer = outcome(client.get(url))
            want = {"admin": expected_for_admin(what), "anonymous": LOGIN}.get(role, ADMIN_LOGIN)
            if role == "anonymous" and answer == ADMIN_LOGIN:
                answer = LOGIN  # the admin's own pages send strangers to its login form: a login all the same
            if answer != want:
                wrong.append(f"{what} ({url}) as {role}: {answer}, expected {want}")
    assert not wrong, "\n".join(wrong)
