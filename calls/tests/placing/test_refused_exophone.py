"""An ExoPhone Exotel refuses as caller ID: the call is not placed, the ExoPhone is no longer offered to
agents, and admins see it refused until one re-enables it. Dials go to the sandbox over a real socket."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import Action, AuditEntry
from calls.models import Call
from calls.placing.failures import plain_reason, refuses_caller_id
from exonumbers.models import ExoPhone
from exonumbers.services import exophone_mark_refused
from exotel.client import ExotelOutcomeUnknown, ExotelRejected

from .test_place_call_on_sandbox import place

on_the_sandbox = pytest.mark.django_db(transaction=True, serialized_rollback=True)
CUSTOMER = "+919876543205"  # the sandbox completes calls to this number


@pytest.fixture
def stranger(db):
    """An ExoPhone an admin saved that the sandbox's account does not own."""
    return ExoPhone.objects.create(number="+914440001234", friendly_name="Chennai sales", region="Tamil Nadu")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def dials(sandbox):
    return [request for request in sandbox.requests() if request["path"].endswith("connect.json")]


def post_new_call(client, exophone_pk, url="/calls/new/", **extra):
    data = {"to": CUSTOMER, "exophone": exophone_pk, "idempotency_key": str(uuid.uuid4())} | extra
    return client.post(url, data)


def refuse(exophone, reason="Invalid Call Parameters: CallerId 04440001234 is not an ExoPhone of account x"):
    exophone_mark_refused(exophone_id=exophone.pk, number=exophone.number, reason=reason, call_id=None)
    exophone.refresh_from_db()
    return exophone


# On the sandbox: the whole story, from the dial Exotel refuses to the admin's re-enabling.


@on_the_sandbox
def test_a_dial_exotel_refuses_marks_the_exophone_and_places_nothing(app_on_sandbox, agent, stranger):
    call = place(agent, stranger, CUSTOMER)
    call.refresh_from_db()
    assert call.status == "not-placed" and call.sid is None
    assert "not an ExoPhone of the account" in call.error_message
    [dial] = dials(app_on_sandbox)
    assert dial["status"] == 400
    stranger.refresh_from_db()
    exotels_words = (
        f"Invalid Call Parameters: CallerId 04440001234 is not an ExoPhone of account {app_on_sandbox.sid}"
    )
    assert stranger.refused_reason == exotels_words
    assert timezone.now() - stranger.refused_at < timedelta(minutes=1)
    entry = AuditEntry.objects.get(action=Action.EXOPHONE_REFUSED)
    assert (entry.actor_name, entry.target_id) == ("Exotel", str(stranger.pk))
    assert entry.details == {"Exotel said": exotels_words, "on the dial of call": call.pk}


@on_the_sandbox
def test_the_forms_no_longer_offer_a_refused_exophone(app_on_sandbox, agent, exophone, stranger, flow):
    place(agent, stranger, CUSTOMER)
    client = logged_in(agent)
    for url in ("/calls/new/", "/calls/new/flow/"):
        page = client.get(url)
        assert list(page.context["form"].fields["exophone"].queryset) == [exophone]
        assert "Chennai sales" not in page.content.decode()


@on_the_sandbox
def test_a_post_naming_a_refused_exophone_is_a_field_error_not_a_dial(app_on_sandbox, agent, stranger, flow):
    place(agent, stranger, CUSTOMER)
    client = logged_in(agent)
    for response in (
        post_new_call(client, stranger.pk),
        post_new_call(client, stranger.pk, url="/calls/new/flow/", flow=flow.pk),
    ):
        assert response.status_code == 200
        [error] = response.context["form"].errors["exophone"]
        assert error.startswith("Exotel refused this ExoPhone on ")
        assert "is not an ExoPhone of account" in error and error.endswith(". Ask an admin.")
    assert Call.objects.count() == 1 and len(dials(app_on_sandbox)) == 1


@on_the_sandbox
def test_an_admin_sees_it_refused_and_re_enables_it(app_on_sandbox, agent, admin, exophone, stranger):
    place(agent, stranger, CUSTOMER)
    client = logged_in(admin)
    listing = client.get("/admin/numbers/exophone/").content.decode()
    assert "Refused by Exotel" in listing
    assert "is not an ExoPhone of account" in listing and "not offered to agents" in listing
    refused_only = client.get("/admin/numbers/exophone/?refused=yes").context["cl"].result_list
    assert list(refused_only) == [stranger]

    response = client.post(
        "/admin/numbers/exophone/", {"action": "reenable", "_selected_action": [stranger.pk, exophone.pk]}
    )
    assert response.status_code == 302
    stranger.refresh_from_db()
    assert (stranger.refused_at, stranger.refused_reason) == (None, "")
    entry = AuditEntry.objects.get(action=Action.EXOPHONE_REENABLED)
    assert (entry.actor, entry.target_id, entry.details["why"]) == (admin, str(stranger.pk), "re-enabled")
    assert "is not an ExoPhone of account" in entry.details["Exotel had said"]
    assert stranger in logged_in(agent).get("/calls/new/").context["form"].fields["exophone"].queryset


@on_the_sandbox
def test_other_exophones_still_dial(app_on_sandbox, agent, exophone, stranger):
    place(agent, stranger, CUSTOMER)
    call = place(agent, exophone, CUSTOMER)
    call.refresh_from_db()
    assert call.sid and call.status != "not-placed"
    exophone.refresh_from_db()
    assert exophone.refused_at is None


# Without the sandbox: the classification, the marking, the form and the admin's edits.


def test_exotels_answer_that_the_caller_id_is_not_the_accounts_is_recognised():
    refused = ExotelRejected(
        "Invalid Call Parameters: CallerId 04440001234 is not an ExoPhone of account acme", http_status=400
    )
    assert refuses_caller_id(refused)
    assert "no longer offered" in plain_reason(refused) and str(refused) in plain_reason(refused)


@pytest.mark.parametrize(
    "answer",
    [
        ExotelRejected("Invalid Call Parameters: No 'CallerId' specified", http_status=400),
        ExotelRejected(
            "Call to 09876543295 cannot be made because of TRAI NDNC regulations", http_status=403
        ),
        ExotelRejected("CallerId is not an ExoPhone of account acme", http_status=401),
        ExotelOutcomeUnknown("is not an ExoPhone of account acme; the call may have been placed."),
    ],
)
def test_other_answers_do_not_mark_an_exophone(answer):
    assert not refuses_caller_id(answer)
    assert "no longer offered" not in plain_reason(answer)


@pytest.mark.django_db
def test_the_first_refusal_stays_until_an_admin_re_enables(stranger):
    first = refuse(stranger, "first words").refused_at
    assert not exophone_mark_refused(
        exophone_id=stranger.pk, number=stranger.number, reason="later", call_id=7
    )
    stranger.refresh_from_db()
    assert (stranger.refused_at, stranger.refused_reason) == (first, "first words")
    assert AuditEntry.objects.filter(action=Action.EXOPHONE_REFUSED).count() == 1


@pytest.mark.django_db
def test_a_refusal_of_a_number_an_admin_has_since_corrected_marks_nothing(stranger):
    assert not exophone_mark_refused(exophone_id=stranger.pk, number="+914440009999", reason="old", call_id=7)
    stranger.refresh_from_db()
    assert stranger.refused_at is None and not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_exotels_words_are_kept_storable_and_short(stranger):
    refuse(stranger, "nul\x00" + "x" * 600)
    assert stranger.refused_reason.startswith("nul\\x00x") and len(stranger.refused_reason) == 500


@pytest.mark.django_db
def test_an_agents_default_exophone_refused_is_not_preselected(agent_client, exophone):
    refuse(exophone)
    page = agent_client.get("/calls/new/")
    assert page.status_code == 200
    assert "selected" not in page.content.decode().split('name="exophone"')[1].split("</select>")[0]


@pytest.mark.django_db
def test_an_admin_placing_a_call_is_told_to_re_enable_it(admin, stranger):
    refuse(stranger)
    [error] = post_new_call(logged_in(admin), stranger.pk).context["form"].errors["exophone"]
    assert error.endswith("Re-enable it in the admin once Exotel accepts it.")


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "99999999999999999999", "-1", "", "1.5"])
def test_a_caller_id_that_is_no_exophone_at_all_is_a_field_error(agent_client, exophone, value):
    response = post_new_call(agent_client, value)
    assert response.status_code == 200
    assert response.context["form"].errors["exophone"]
    assert not Call.objects.exists()


@pytest.mark.django_db
def test_editing_the_number_re_enables_it_and_editing_the_name_does_not(client, admin, stranger):
    refuse(stranger)
    client.force_login(admin)
    form = {"number": stranger.number, "friendly_name": "Chennai", "region": "", "is_active": "on"}
    assert client.post(f"/admin/numbers/exophone/{stranger.pk}/change/", form).status_code == 302
    stranger.refresh_from_db()
    assert stranger.refused_at is not None and stranger.friendly_name == "Chennai"

    form["number"] = "044 4000 1235"
    assert client.post(f"/admin/numbers/exophone/{stranger.pk}/change/", form).status_code == 302
    stranger.refresh_from_db()
    assert (stranger.number, stranger.refused_at, stranger.refused_reason) == ("+914440001235", None, "")
    entry = AuditEntry.objects.get(action=Action.EXOPHONE_REENABLED)
    assert entry.details["why"] == "its number was changed"


@pytest.mark.django_db
def test_the_re_enable_action_on_exophones_never_refused_says_nothing_changed(client, admin, exophone):
    client.force_login(admin)
    response = client.post(
        "/admin/numbers/exophone/", {"action": "reenable", "_selected_action": [exophone.pk]}, follow=True
    )
    assert "nothing changed" in response.content.decode()
    assert not AuditEntry.objects.filter(action=Action.EXOPHONE_REENABLED).exists()
