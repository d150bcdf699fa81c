from calls.models import Call
from calls.state import Observation, apply_observation


def call(**fields):
    return Call(**({"status": "ringing"} | fields))


def test_status_moves_forward():
    c = call()
    outcome = apply_observation(c, Observation(status="in-progress"))
    assert c.status == "in-progress"
    assert outcome.changed == ["status"]


def test_status_never_moves_backwards():
    c = call(status="in-progress")
    outcome = apply_observation(c, Observation(status="ringing"))
    assert c.status == "in-progress"
    assert outcome.stale


def test_a_final_status_stays_final():
    c = call(status="busy")
    apply_observation(c, Observation(status="completed"))
    assert c.status == "busy"
    apply_observation(c, Observation(status="in-progress"))
    assert c.status == "busy"


def test_a_partial_observation_never_blanks_a_field():
    c = call(status="completed", duration=42, recording_url="https://r.example/a.mp3")
    outcome = apply_observation(c, Observation(status="completed", values={"price": 1}))
    assert c.duration == 42 and c.recording_url == "https://r.example/a.mp3"
    assert outcome.changed == ["price"]


def test_a_stale_observation_only_fills_blanks():
    c = call(status="completed", leg1_status="completed", conversation_duration=30)
    outcome = apply_observation(
        c,
        Observation(
            status="in-progress",
            values={"leg1_status": "in-progress", "conversation_duration": 0, "start_time": "x"},
        ),
    )
    assert c.status == "completed"
    assert c.leg1_status == "completed"
    assert c.conversation_duration == 30
    assert outcome.changed == ["start_time"]


def test_an_unknown_status_is_kept_out_of_the_call_with_a_note():
    c = call()
    outcome = apply_observation(c, Observation(status="teleported", values={"duration": 3}))
    assert c.status == "ringing"
    assert c.duration == 3
    assert "teleported" in outcome.note


def test_a_leg_that_ended_does_not_ring_again():
    c = call(leg2_status="no-answer")
    apply_observation(c, Observation(status="in-progress", values={"leg2_status": "in-progress"}))
    assert c.leg2_status == "no-answer"
