"""The outcome table: the customer's last two digits decide how the call ends."""

import time

import pytest
import requests

from sandbox.calls import build_timeline
from sandbox.scenarios import ANSWER, BUSY, FAILED, NO_ANSWER, scenario_for
from sandbox.tests.helpers import AGENT, connect, customer, get, place, rest_exception


@pytest.mark.parametrize(
    "digits, status, leg1, leg2, conversation",
    [
        ("00", "completed", "completed", "completed", 10),
        ("42", "completed", "completed", "completed", 136),
        ("69", "completed", "completed", "completed", 217),
        ("70", "busy", "completed", "busy", 0),
        ("79", "busy", "completed", "busy", 0),
        ("80", "no-answer", "completed", "no-answer", 0),
        ("89", "no-answer", "completed", "no-answer", 0),
        ("90", "failed", "completed", "failed", 0),
        ("94", "failed", "completed", "failed", 0),
        ("98", "no-answer", "no-answer", None, 0),
        ("99", "completed", "completed", "completed", 30),
    ],
)
def test_each_row_of_the_table_reaches_its_final_status(
    sandbox_factory, digits, status, leg1, leg2, conversation
):
    sandbox = sandbox_factory(speed=2000)
    sid = place(sandbox, To=customer(digits))
    sandbox.wait_for_status(sid)

    call = get(sandbox, f"Calls/{sid}.json", details="true").json()["Call"]

    assert call["Status"] == status
    details = call["Details"]
    assert (details["Leg1Status"], details["Leg2Status"], details["ConversationDuration"]) == (
        leg1,
        leg2,
        conversation,
    )


def test_a_customer_on_dnd_is_refused_with_403_and_no_call_is_made(sandbox):
    response = connect(sandbox, To=customer("95"))

    assert response.status_code == 403
    assert rest_exception(response) == (
        403,
        "Call to 09812345695 cannot be made because of TRAI NDNC regulations",
    )
    assert sandbox.calls() == []


def test_a_call_that_cannot_be_originated_answers_500(sandbox):
    response = connect(sandbox, To=customer("96"))

    assert response.status_code == 500
    assert "could not be originated" in rest_exception(response)[1]
    assert sandbox.calls() == []


def test_a_slow_connect_leaves_a_real_call_behind_when_the_client_gives_up(sandbox_factory):
    sandbox = sandbox_factory(slow_connect_delay=1.0)

    with pytest.raises(requests.ReadTimeout):
        connect(sandbox, To=customer("97"), timeout=0.2)

    calls = sandbox.calls()
    assert len(calls) == 1
    assert calls[0]["to"] == customer("97")
    assert sandbox.wait_for_status(calls[0]["sid"], "completed")


def test_a_slow_connect_succeeds_for_a_patient_client_and_takes_real_time_at_any_speed(sandbox_factory):
    sandbox = sandbox_factory(speed=10000, slow_connect_delay=0.3)
    started = time.monotonic()

    response = connect(sandbox, To=customer("97"))

    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200
    assert response.json()["Call"]["Status"] == "in-progress"


@pytest.mark.parametrize(
    "digits, status",
    [("10", "completed"), ("75", "busy"), ("85", "no-answer"), ("91", "failed"), ("98", "no-answer")],
)
def test_in_flow_mode_the_table_applies_to_the_from_number(sandbox_factory, digits, status):
    sandbox = sandbox_factory(speed=2000)
    url = f"http://my.exotel.com/{sandbox.sid}/exoml/start_voice/926"
    sid = place(sandbox, From=customer(digits), To=None, Url=url)

    assert sandbox.wait_for_status(sid)["status"] == status
    assert sandbox.call(sid)["legs"][0] == ("completed" if status == "completed" else status)


def test_in_flow_mode_a_dnd_customer_is_refused(sandbox):
    url = f"http://my.exotel.com/{sandbox.sid}/exoml/start_voice/926"

    response = connect(sandbox, From=customer("95"), To=None, Url=url)

    assert response.status_code == 403


def test_in_two_number_mode_the_agents_digits_do_not_matter(sandbox_factory):
    sandbox = sandbox_factory(speed=2000)
    sid = place(sandbox, From="+919876543275", To=customer("10"))

    assert sandbox.wait_for_status(sid)["status"] == "completed"


def test_talk_time_is_ten_seconds_plus_three_per_digit_capped_by_the_time_limit():
    assert scenario_for(customer("00"), flow=False).talk == 10
    assert scenario_for(customer("69"), flow=False).talk == 217
    timeline = build_timeline((ANSWER, ANSWER), talk=min(217, 60), timeout=30)
    assert timeline.conversation == 60


def test_the_scenarios_give_each_party_its_fate():
    assert scenario_for(customer("75"), flow=False).fates == (ANSWER, BUSY)
    assert scenario_for(customer("85"), flow=False).fates == (ANSWER, NO_ANSWER)
    assert scenario_for(customer("93"), flow=False).fates == (ANSWER, FAILED)
    assert scenario_for(customer("98"), flow=False).fates == (NO_ANSWER,)
    assert scenario_for(customer("85"), flow=True).fates == (NO_ANSWER,)
    assert scenario_for(customer("99"), flow=False).lose_callbacks
    assert scenario_for(AGENT, flow=False).refusal is None


def test_an_unanswered_customer_rings_for_the_whole_timeout():
    timeline = build_timeline((ANSWER, NO_ANSWER), talk=0, timeout=45)

    answered, ended = timeline.steps[-2], timeline.steps[-1]
    assert ended.offset - answered.offset == 45
    assert timeline.on_call == (45, 0)


def test_a_timeline_moves_through_queued_ringing_in_progress_to_its_end():
    timeline = build_timeline((ANSWER, ANSWER), talk=30, timeout=30)

    assert [(step.offset, step.status, step.legs, step.event) for step in timeline.steps] == [
        (0, "queued", (None, None), None),
        (1, "ringing", ("ringing", None), None),
        (5, "in-progress", ("in-progress", "ringing"), "answered"),
        (11, "in-progress", ("in-progress", "in-progress"), "answered"),
        (41, "completed", ("completed", "completed"), "terminal"),
    ]
    assert timeline.on_call == (36, 30)
    assert timeline.conversation == 30
