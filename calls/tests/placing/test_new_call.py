"""The click-to-call and flow forms: every bad input gets an error beside its field and reaches no Exotel."""

import re
import uuid

import pytest

from calls.models import Call
from exonumbers.models import ExoPhone


def post(client, url="/calls/new/", **fields):
    data = {"to": "+919876543205", "idempotency_key": str(uuid.uuid4())} | fields
    return client.post(url, data)


def errors(response):
    return response.context["form"].errors


def test_the_form_preselects_the_agents_default_exophone(agent_client, exophone):
    form = agent_client.get("/calls/new/").context["form"]
    assert form.initial["exophone"] == exophone.pk


def test_a_crm_link_prefills_the_customer(agent_client, exophone):
    page = agent_client.get("/calls/new/?to=%2B919876543210").content.decode()
    assert 'value="+919876543210"' in page


@pytest.mark.parametrize(
    ("to", "message"),
    [
        ("", "required"),
        ("12345", "does not exist"),
        ("hello", "not a phone number"),
        ("९८७६५४३२१०", "0-9"),
        ("+91 98450 12301", "your own phone"),
        ("080 3075 2400", "ExoPhones"),
    ],
)
def test_a_bad_customer_number_gets_a_field_error(agent_client, exophone, to, message):
    response = post(agent_client, to=to, exophone=exophone.pk)
    assert response.status_code == 200
    assert message in str(errors(response)["to"])
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_limit", "0", "greater than or equal to 1"),
        ("time_limit", "14401", "less than or equal to 14400"),
        ("time_limit", "abc", "whole number"),
        ("time_out", "61", "less than or equal to 60"),
        ("custom_field", "x" * 129, "at most 128"),
        ("wait_url", "ftp://example.in/a.wav", "http://"),
        ("wait_url", "javascript:alert(1)", "http://"),
        ("start_playback_value", "file:///etc/passwd", "http://"),
    ],
)
def test_a_bad_option_gets_a_field_error(agent_client, exophone, field, value, message):
    response = post(agent_client, exophone=exophone.pk, **{field: value})
    assert message in str(errors(response)[field])
    assert not Call.objects.exists()


def test_an_inactive_caller_id_is_refused(agent_client, exophone):
    retired = ExoPhone.objects.create(number="+912267891234", friendly_name="Old", is_active=False)
    response = post(agent_client, exophone=retired.pk)
    assert "not active" in str(errors(response)["exophone"])


def test_a_missing_form_token_is_refused(agent_client, exophone):
    response = agent_client.post("/calls/new/", {"to": "+919876543205", "exophone": exophone.pk})
    assert "idempotency_key" in errors(response)
    assert not Call.objects.exists()


def test_an_agent_without_a_phone_is_told_to_ask_an_admin(agent_client, agent, exophone):
    agent.agent_profile.phone_number = ""
    agent.agent_profile.save()
    response = post(agent_client, exophone=exophone.pk)
    assert "ask an admin" in str(errors(response)["__all__"])


def test_playback_needs_a_file(agent_client, exophone):
    response = post(agent_client, exophone=exophone.pk, start_playback_to="Both")
    assert "start_playback_value" in errors(response)


def test_an_inactive_flow_is_refused(agent_client, exophone, flow):
    flow.is_active = False
    flow.save()
    response = post(agent_client, "/calls/new/flow/", exophone=exophone.pk, flow=flow.pk)
    assert "not active" in str(errors(response)["flow"])


def test_someone_elses_form_token_is_refused(
    client, agent, other_agent, exophone, django_capture_on_commit_callbacks
):
    key = str(uuid.uuid4())
    client.force_login(other_agent)
    post(client, exophone=exophone.pk, idempotency_key=key)
    client.force_login(agent)
    response = post(client, exophone=exophone.pk, idempotency_key=key)
    assert response.status_code == 200
    assert "already used" in str(errors(response)["__all__"])
    assert Call.objects.count() == 1


def test_anonymous_users_are_sent_to_login(client, db):
    assert client.get("/calls/new/")["Location"].startswith("/login/")


def test_another_agents_call_is_404(client, agent, other_agent):
    from calls.tests.factories import make_call

    call = make_call(agent=other_agent)
    client.force_login(agent)
    assert client.get(f"/calls/{call.pk}/").status_code == 404
    assert client.get(f"/calls/{call.pk}/status/").status_code == 404


def test_the_status_fragment_stops_polling_once_final(agent_client, agent):
    from calls.tests.factories import make_call

    ringing = make_call(agent=agent, status="ringing")
    done = make_call(agent=agent, status="completed", sid="e" * 32)
    assert b"hx-trigger" in agent_client.get(f"/calls/{ringing.pk}/status/").content
    assert b"hx-trigger" not in agent_client.get(f"/calls/{done.pk}/status/").content


def test_managers_see_raw_event_bodies_and_agents_do_not(client, agent, manager):
    from calls.models import CallEvent
    from calls.tests.factories import make_call

    call = make_call(agent=agent)
    CallEvent.objects.create(
        call=call, source="callback", dedupe_key="k", raw_body='{"CallSid": "secret-ish"}'
    )
    client.force_login(manager)
    assert b"secret-ish" in client.get(f"/calls/{call.pk}/").content
    client.force_login(agent)
    page = client.get(f"/calls/{call.pk}/").content
    assert b"secret-ish" not in page and b"Raw body" not in page


def test_the_number_lookup_gives_up_quickly_when_dials_have_used_the_minute(
    agent_client, settings, monkeypatch
):
    from calls.placing import views as placing_views
    from ops.ratelimit import acquire

    settings.EXOTEL_RATE_LIMIT_PER_MINUTE = 1
    monkeypatch.setattr(placing_views, "LOOKUP_MAX_WAIT", 0.2)
    acquire()  # a dial took the minute's only slot
    response = agent_client.get("/calls/lookup/?to=%2B919876543210")
    assert response.status_code == 200
    assert "Exotel could not tell us about this number." in response.content.decode()


NOT_ALLOWED = "This is not a phone number. Use digits 0-9, spaces and + - ( ) . only."


@pytest.mark.parametrize(
    ("to", "message"),
    [
        ("98765abc95", NOT_ALLOWED),  # was dialled as +919876522295
        ("9876543295;9876543296", NOT_ALLOWED),  # was dialled as the first number alone
        ("+91 98765 43295 ext 5", NOT_ALLOWED),
        ("tel:+919876543295", NOT_ALLOWED),
        ("98765+43295", "Put + only at the start"),
        ("\uff19\uff18\uff17\uff16\uff15\uff14\uff13\uff12\uff19\uff15", "Use the digits 0-9 only."),
        ("98765\x0043295", "Null characters are not allowed."),
        ("9" * 33, "at most 32 characters"),
    ],
)
@pytest.mark.parametrize("url", ["/calls/new/", "/calls/new/flow/"])
def test_a_number_with_anything_but_digits_and_punctuation_is_never_dialled(
    agent_client, exophone, flow, django_capture_on_commit_callbacks, url, to, message
):
    with django_capture_on_commit_callbacks() as dials:
        response = post(agent_client, url, to=to, exophone=exophone.pk, flow=flow.pk)
    assert response.status_code == 200
    assert message in errors(response)["to"][0]
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Call.objects.exists()
    assert dials == []


@pytest.mark.parametrize("to", ["(098) 765-43295", "+91.98765.43295", "(+91) 98765 43295"])
def test_the_allowed_punctuation_places_the_call_to_that_number(agent_client, exophone, to):
    response = post(agent_client, to=to, exophone=exophone.pk)
    assert response.status_code == 302
    assert Call.objects.get().to_number == "+919876543295"


@pytest.mark.parametrize("url", ["/calls/new/", "/calls/new/flow/"])
def test_the_customer_number_says_what_it_accepts(agent_client, exophone, flow, url):
    page = agent_client.get(url).content.decode()
    assert "Digits 0-9, spaces and + - ( ) . only, e.g. +91 98765 43210 or 098765 43210." in page


def test_the_number_lookup_answers_letters_with_the_message_and_asks_exotel_nothing(
    agent_client, monkeypatch
):
    from calls.placing import views as placing_views

    def exotel_must_not_be_asked(**kwargs):
        raise AssertionError("Exotel was asked about a number with letters")

    monkeypatch.setattr(placing_views, "shared_client", exotel_must_not_be_asked)
    response = agent_client.get("/calls/lookup/", {"to": "98765abc95"})
    assert response.status_code == 200
    assert NOT_ALLOWED in response.content.decode()


@pytest.fixture
def exotel_sandbox(sandbox, settings):
    settings.EXOTEL_API_URL = sandbox.url
    settings.EXOTEL_SID, settings.EXOTEL_API_KEY, settings.EXOTEL_API_TOKEN = (
        sandbox.sid,
        sandbox.api_key,
        sandbox.api_token,
    )
    return sandbox


def look_up(client, number):
    return client.get("/calls/lookup/", {"to": number}).content.decode()


def lookups_sent(sandbox):
    return [r for r in sandbox.requests() if "/Numbers/" in r["path"]]


def test_one_person_looks_up_a_few_new_numbers_a_minute_and_is_told_when_over(
    agent_client, exotel_sandbox, settings
):
    settings.EXOTEL_LOOKUPS_PER_MINUTE = 3
    pages = [look_up(agent_client, f"+9198765432{i:02d}") for i in range(6)]
    assert all('data-testid="number-info"' in page for page in pages[:3])
    assert re.search(
        r"You have looked up 3 new numbers in the last minute, the most for one person: this one was not "
        r"looked up\. Try again in \d+ s\.",
        pages[3],
    )
    assert len(lookups_sent(exotel_sandbox)) == 3
    assert 'data-testid="number-info"' in look_up(agent_client, "+919876543201")  # cached: costs nothing
    assert len(lookups_sent(exotel_sandbox)) == 3


def test_the_look_up_limit_is_each_persons_own(client, agent, other_agent, exotel_sandbox, settings):
    settings.EXOTEL_LOOKUPS_PER_MINUTE = 2
    client.force_login(agent)
    for number in ("+919876543210", "+919876543211", "+919876543212"):
        look_up(client, number)
    client.force_login(other_agent)
    assert 'data-testid="number-info"' in look_up(client, "+919876543213")
    assert len(lookups_sent(exotel_sandbox)) == 3


@pytest.mark.parametrize(
    ("role_fixture", "advice"), [("agent", "ask an admin to add it"), ("admin", "in the admin")]
)
def test_a_caller_without_a_phone_is_told_who_can_add_it(client, request, role_fixture, advice, exophone):
    person = request.getfixturevalue(role_fixture)
    person.agent_profile.phone_number = ""
    person.agent_profile.save()
    client.force_login(person)
    response = post(client, exophone=exophone.pk)
    assert Call.objects.count() == 0
    message = " ".join(errors(response)["__all__"])
    assert "no phone number for Exotel to ring first" in message
    assert advice in message
    if role_fixture == "admin":
        assert "ask an admin" not in message
