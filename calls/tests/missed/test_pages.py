"""The queue as agents and managers use it: claims, lapses, letting go, dismissals, the nav count."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEntry
from calls.missed.services import CLAIM_LAPSE, Refused, missed_claim
from calls.models import MissedCustomer
from calls.tests.factories import make_call

from .helpers import CUSTOMER, inbound, outbound, waiting

pytestmark = pytest.mark.django_db
State = MissedCustomer.State


@pytest.fixture
def row(exophone):
    inbound(0, "no-answer", exophone=exophone)
    inbound(5, "busy", exophone=exophone)
    return waiting()


def claim_url(row):
    return reverse("missed-claim", args=[row.pk])


def said(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_agents_see_every_waiting_customer_with_tries_and_the_exophone(agent_client, row):
    page = agent_client.get(reverse("missed")).content.decode()
    assert "+91 98111 00001" in page and "Bengaluru support" in page
    assert "1 waiting for a call back" in page
    assert reverse("call-detail", args=[row.last_call_id]) not in page  # an inbound call is nobody's


def test_managers_get_links_to_the_calls_and_a_dismiss_button(manager_client, row):
    page = manager_client.get(reverse("missed")).content.decode()
    assert reverse("call-detail", args=[row.last_call_id]) in page
    assert reverse("missed-dismiss", args=[row.pk]) in page


def test_an_empty_queue_says_so(agent_client):
    assert "Nobody is waiting for a call back." in agent_client.get(reverse("missed")).content.decode()


def test_call_back_claims_the_row_and_opens_click_to_call_with_the_number(agent_client, agent, row):
    response = agent_client.post(claim_url(row))
    assert response["Location"] == reverse("call-new") + "?to=%2B919811100001"
    row.refresh_from_db()
    assert row.claimed_by == agent
    assert AuditEntry.objects.filter(action=Action.MISSED_CLAIMED, actor=agent).count() == 1
    page = agent_client.get(reverse("missed")).content.decode()
    assert "You are calling back" in page and "Let go" in page


def test_a_second_agent_is_refused_and_sees_who_is_calling_back(client, agent, other_agent, row):
    client.force_login(agent)
    client.post(claim_url(row))
    client.force_login(other_agent)
    response = client.post(claim_url(row))
    assert response["Location"] == reverse("missed")
    assert said(response) == ["Asha is calling this customer back."]
    assert "Asha is calling back" in client.get(reverse("missed")).content.decode()
    row.refresh_from_db()
    assert row.claimed_by == agent


def test_a_claim_lapses_after_ten_minutes_without_a_call(agent, other_agent, row):
    now = timezone.now()
    missed_claim(row_id=row.pk, user=agent, now=now)
    with pytest.raises(Refused):
        missed_claim(row_id=row.pk, user=other_agent, now=now + CLAIM_LAPSE - timedelta(seconds=1))
    taken = missed_claim(row_id=row.pk, user=other_agent, now=now + CLAIM_LAPSE + timedelta(seconds=1))
    assert taken.claimed_by == other_agent


def test_a_claim_holds_while_the_claimants_call_is_live(agent, other_agent, row):
    claimed = timezone.now() - timedelta(minutes=30)
    missed_claim(row_id=row.pk, user=agent, now=claimed)
    make_call(sid="c" * 32, agent=agent, to_number=CUSTOMER, status="ringing", date_created=claimed)
    with pytest.raises(Refused, match="Asha is calling"):
        missed_claim(row_id=row.pk, user=other_agent)


def test_a_claim_holds_for_ten_minutes_after_the_claimants_call_ends(agent, other_agent, row):
    claimed = timezone.now() - timedelta(minutes=30)
    missed_claim(row_id=row.pk, user=agent, now=claimed)
    call = make_call(sid="c" * 32, agent=agent, to_number=CUSTOMER, status="no-answer", date_created=claimed)
    call.end_time = timezone.now() - timedelta(minutes=9)
    call.save()
    with pytest.raises(Refused):
        missed_claim(row_id=row.pk, user=other_agent)
    call.end_time = timezone.now() - timedelta(minutes=11)
    call.save()
    assert missed_claim(row_id=row.pk, user=other_agent).claimed_by == other_agent


def test_a_call_to_someone_else_or_from_before_the_claim_does_not_hold_it(agent, other_agent, row):
    claimed = timezone.now() - timedelta(minutes=30)
    missed_claim(row_id=row.pk, user=agent, now=claimed)
    make_call(sid="a" * 32, agent=agent, to_number="+919811100009", status="ringing", date_created=claimed)
    make_call(
        sid="b" * 32, agent=agent, to_number=CUSTOMER, status="ringing", date_created=claimed - CLAIM_LAPSE
    )
    assert missed_claim(row_id=row.pk, user=other_agent).claimed_by == other_agent


def test_the_claimant_can_let_go_and_nobody_else_can(client, agent, other_agent, row):
    client.force_login(agent)
    client.post(claim_url(row))
    client.force_login(other_agent)
    response = client.post(claim_url(row), {"action": "release"})
    assert said(response) == ["Only the person calling this customer back can let them go."]
    client.force_login(agent)
    client.post(claim_url(row), {"action": "release"})
    row.refresh_from_db()
    assert row.claimed_by is None
    client.force_login(other_agent)
    assert client.post(claim_url(row))["Location"].startswith(reverse("call-new"))


def test_a_resolved_or_dismissed_row_cannot_be_claimed(agent_client, agent, manager, row):
    outbound(10, "completed", conversation_duration=60)
    response = agent_client.post(claim_url(row))
    assert response["Location"] == reverse("missed")
    assert "no longer waiting" in said(response)[0]
    inbound(20, "no-answer")
    second = waiting()
    MissedCustomer.objects.filter(pk=second.pk).update(state=State.DISMISSED, dismissed_by=manager)
    assert "A manager dismissed this customer" in said(agent_client.post(claim_url(second)))[-1]


def test_a_row_that_does_not_exist_is_not_found(agent_client):
    assert agent_client.post(reverse("missed-claim", args=[999])).status_code == 404
    assert agent_client.get(reverse("missed-claim", args=[999])).status_code == 405


def test_the_call_back_that_talked_shows_under_called_back_recently(client, agent, other_agent, manager, row):
    call_back = outbound(10, "completed", agent=agent, conversation_duration=60)
    detail = reverse("call-detail", args=[call_back.pk])
    for person, sees_link in ((agent, True), (other_agent, False), (manager, True)):
        client.force_login(person)
        page = client.get(reverse("missed")).content.decode()
        assert "Called back recently" in page and "Asha" in page
        assert f"Call #{call_back.pk}" in page
        assert (detail in page) is sees_link, person
        assert "Nobody is waiting for a call back." in page


def test_agents_may_not_dismiss(agent_client, row):
    assert agent_client.get(reverse("missed-dismiss", args=[row.pk])).status_code == 403
    assert agent_client.post(reverse("missed-dismiss", args=[row.pk]), {"reason": "spam"}).status_code == 403
    assert agent_client.get(reverse("missed-dismissed")).status_code == 403


def test_dismissing_without_a_reason_shows_a_field_error(manager_client, row):
    response = manager_client.post(reverse("missed-dismiss", args=[row.pk]), {"note": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Choose why this customer needs no call back."]}
    assert "Choose why this customer needs no call back." in response.content.decode()
    assert waiting() is not None


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"reason": "bored"}, "reason", "Choose one of the reasons listed."),
        ({"reason": "spam", "note": "x" * 201}, "note", "Ensure this value has at most 200 characters"),
        ({"reason": "spam", "note": "a\x00b"}, "note", "Null characters are not allowed."),
    ],
)
def test_bad_dismissals_get_field_errors(manager_client, row, data, field, error):
    response = manager_client.post(reverse("missed-dismiss", args=[row.pk]), data)
    assert error in response.context["form"].errors[field][0]
    assert waiting() is not None


def test_a_manager_dismisses_with_a_reason_and_the_row_is_listed_with_who_when_why(
    manager_client, manager, agent, row
):
    missed_claim(row_id=row.pk, user=agent)
    page = manager_client.get(reverse("missed-dismiss", args=[row.pk])).content.decode()
    assert "Asha is calling this customer back." in page
    response = manager_client.post(
        reverse("missed-dismiss", args=[row.pk]), {"reason": "wrong-number", "note": "Asked for a pharmacy"}
    )
    assert response["Location"] == reverse("missed")
    row.refresh_from_db()
    assert (row.state, row.dismissed_by, row.dismiss_reason) == (State.DISMISSED, manager, "wrong-number")
    assert row.claimed_by is None
    entry = AuditEntry.objects.get(action=Action.MISSED_DISMISSED)
    assert entry.details == {"reason": "wrong-number", "note": "Asked for a pharmacy"}
    listed = manager_client.get(reverse("missed-dismissed")).content.decode()
    assert all(
        text in listed for text in ("+91 98111 00001", "Meera", "Wrong number", "Asked for a pharmacy")
    )
    again = manager_client.get(reverse("missed-dismiss", args=[row.pk]))
    assert again["Location"] == reverse("missed")


def test_the_nav_counts_waiting_customers_for_agents_and_managers(client, agent, manager, row):
    inbound(3, "no-answer", number="+919811100002")
    for person in (agent, manager):
        client.force_login(person)
        page = client.get(reverse("home")).content.decode()
        assert 'data-testid="missed-count">2<' in page
    MissedCustomer.objects.update(state=State.RESOLVED)
    assert 'data-testid="missed-count"' not in client.get(reverse("home")).content.decode()


def test_the_nav_count_is_not_shown_to_people_without_a_role(client, row):
    assert client.get(reverse("login")).status_code == 200
    assert b"missed-count" not in client.get(reverse("login")).content
