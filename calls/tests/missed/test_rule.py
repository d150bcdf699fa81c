"""Who waits for a call back, worked out from their calls however and in whatever order they arrive."""

import pytest
from django.utils import timezone

from calls.missed_queue import refresh_customer, refresh_waiting, take_note_of
from calls.models import MissedCustomer
from calls.tests.factories import make_call

from .helpers import CUSTOMER, EXOPHONE, at, inbound, outbound, record, waiting

pytestmark = pytest.mark.django_db

State = MissedCustomer.State


@pytest.mark.parametrize("status", ["busy", "no-answer", "failed", "canceled"])
def test_an_inbound_call_nobody_answered_puts_the_customer_in_the_queue(status, exophone):
    call = inbound(0, status, exophone=exophone)
    row = waiting()
    assert (row.tries, row.first_try_at, row.last_try_at) == (1, at(0), at(0))
    assert (row.first_call, row.last_call, row.exophone) == (call, call, exophone)


@pytest.mark.parametrize(
    "fields",
    [{"conversation_duration": 0}, {"leg2_status": "no-answer"}, {"leg2_status": "busy"}],
    ids=["no talk time", "agent leg not answered", "agent leg busy"],
)
def test_a_completed_inbound_call_without_a_conversation_is_a_missed_try(fields):
    inbound(0, "completed", **fields)
    assert waiting().tries == 1


@pytest.mark.parametrize(
    "fields", [{"conversation_duration": 45, "leg2_status": "completed"}, {}], ids=["talked", "no details"]
)
def test_a_completed_inbound_call_with_a_conversation_is_not(fields):
    inbound(0, "completed", **fields)
    assert not MissedCustomer.objects.exists()


def test_a_call_still_going_on_changes_nothing():
    inbound(0, "in-progress")
    assert not MissedCustomer.objects.exists()


def test_outbound_calls_nobody_answered_are_not_missed_customers():
    outbound(0, "no-answer")
    assert not MissedCustomer.objects.exists()


def test_every_try_counts_first_and_last_and_the_latest_exophone(exophone):
    inbound(0, "no-answer")
    inbound(7, "busy")
    last = inbound(3, "completed", conversation_duration=0, exophone=exophone)  # synced out of order
    row = waiting()
    assert (row.tries, row.first_try_at, row.last_try_at) == (3, at(0), at(7))
    assert row.last_call != last and row.exophone is None  # the try at 7 is the latest
    assert MissedCustomer.objects.count() == 1


def test_a_redelivered_or_reread_end_does_not_count_twice():
    call = inbound(0, "no-answer")
    record(call, "no-answer")  # the same news again: a redelivery
    record(call, "no-answer", key="details:again", duration=0)  # the same end, asked about in details
    assert waiting().tries == 1


def test_a_later_call_with_a_conversation_resolves_the_row_and_says_which(agent):
    inbound(0, "no-answer")
    row = waiting()
    row.claimed_by, row.claimed_at = agent, timezone.now()
    row.save()
    call_back = outbound(10, "completed", agent=agent, conversation_duration=120, leg2_status="completed")
    row.refresh_from_db()
    assert (row.state, row.resolved_by, row.claimed_by) == (State.RESOLVED, call_back, None)
    assert row.resolved_at is not None
    assert waiting() is None


def test_the_customer_calling_in_again_and_talking_resolves_it_too():
    inbound(0, "busy")
    talk = inbound(5, "completed", conversation_duration=60, leg2_status="completed")
    assert MissedCustomer.objects.get().resolved_by == talk


@pytest.mark.parametrize("status", ["no-answer", "busy", "failed"])
def test_a_later_call_back_without_a_conversation_leaves_the_customer_waiting(status):
    inbound(0, "no-answer")
    outbound(10, status)
    outbound(20, "completed", conversation_duration=0, leg2_status="no-answer")
    assert waiting().tries == 1


def test_a_talk_synced_before_the_missed_try_it_followed_leaves_no_row():
    outbound(10, "completed", conversation_duration=60)
    inbound(0, "no-answer")  # arrives late, but happened before the talk
    assert not MissedCustomer.objects.exists()


def test_a_missed_try_synced_after_an_earlier_talk_still_waits():
    inbound(10, "no-answer")
    outbound(0, "completed", conversation_duration=60)  # arrives late, but happened before the try
    assert waiting().tries == 1


def test_only_tries_after_the_last_talk_count():
    inbound(0, "no-answer")
    outbound(5, "completed", conversation_duration=60)
    inbound(10, "busy")
    inbound(12, "no-answer")
    assert waiting().tries == 2
    assert waiting().first_try_at == at(10)
    assert list(MissedCustomer.objects.values_list("state", flat=True).order_by("id")) == [
        State.RESOLVED,
        State.WAITING,
    ]


def test_a_call_that_turns_out_to_have_had_no_talk_time_reopens_the_queue():
    call = inbound(0, "completed")  # the bulk list: no details, counted as a conversation
    assert not MissedCustomer.objects.exists()
    record(call, "completed", key="details:1", conversation_duration=0)
    assert waiting().tries == 1


def test_after_a_dismissal_only_a_new_try_makes_a_new_row(manager):
    inbound(0, "no-answer")
    row = waiting()
    row.state, row.dismissed_by, row.dismissed_at, row.dismiss_reason = (
        State.DISMISSED,
        manager,
        at(30),
        "spam",
    )
    row.save()
    inbound(20, "busy")  # before the dismissal, synced after it: the dismissal covers it
    assert waiting() is None
    inbound(40, "no-answer")
    new = waiting()
    assert (new.tries, new.first_try_at) == (1, at(40))
    assert MissedCustomer.objects.get(state=State.DISMISSED).tries == 1


def test_other_customers_are_their_own_rows():
    inbound(0, "no-answer")
    inbound(1, "no-answer", number="+919811100002")
    outbound(5, "completed", conversation_duration=60)
    assert waiting() is None
    assert waiting("+919811100002").tries == 1


def test_refreshing_the_waiting_rows_catches_news_that_slipped_past_the_rule():
    inbound(0, "no-answer")
    talk = make_call(
        sid="t" * 32, status="completed", to_number=CUSTOMER, date_created=at(9), conversation_duration=30
    )  # written without the rule, as two calls ending at once might leave it
    refresh_waiting()
    assert MissedCustomer.objects.get().resolved_by == talk


def test_refresh_customer_for_a_stranger_does_nothing():
    make_call(sid="x" * 32, direction="inbound", from_number=EXOPHONE, status="completed")
    assert refresh_customer("+919800000000") is None
    assert not MissedCustomer.objects.exists()


def test_an_outbound_call_with_nobody_waiting_costs_the_queue_one_look(django_assert_num_queries):
    call = outbound(0, "completed", conversation_duration=30, leg2_status="completed")
    with django_assert_num_queries(1):  # is anybody waiting on this number? No: nothing to work out
        assert take_note_of(call) is None
    assert not MissedCustomer.objects.exists()
