"""A callback applied in one statement (PostgreSQL) leaves the same call row and events as the full path.

Each case is applied twice to twin calls: once as the app does, once with the one-statement path switched off
(the row lock, the state machine in Python, the full save), at one frozen moment, and the rows compared.
"""

import itertools
import random
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calls import services
from calls.missed_queue import refresh_customer
from calls.models import Call, CallEvent, MissedCustomer, Status
from calls.services import call_record_observation
from calls.state import Observation
from calls.tests.factories import make_call
from calls.tracking.tokens import callback_url
from exonumbers.models import Flow

from .test_callback_view import answered, as_json, terminal

pytestmark = pytest.mark.django_db
# The comparisons and the statement count: the one statement is PostgreSQL's; SQLite takes the full path.
one_statement = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the one statement is PostgreSQL's"
)

NOW = datetime(2026, 11, 23, 11, 5, tzinfo=UTC)
EXOTEL_STATUSES = ("queued", "ringing", "in-progress", "completed", "busy", "no-answer", "failed", "canceled")
INCOMING = (*EXOTEL_STATUSES, "weird", "")
HELD_VALUES = {
    "date_updated": datetime(2026, 11, 23, 11, 0, 5, tzinfo=UTC),
    "end_time": datetime(2026, 11, 23, 11, 0, 9, tzinfo=UTC),
    "duration": 9,
    "conversation_duration": 0,
    "price": Decimal("1.2500"),
    "recording_url": "https://recordings.exotel.com/held.mp3",
    "custom_field": "held",
}
NEWS = {
    "date_updated": datetime(2026, 11, 23, 11, 1, 10, tzinfo=UTC),
    "end_time": datetime(2026, 11, 23, 11, 1, 10, tzinfo=UTC),
    "duration": 70,
    "conversation_duration": 42,
    "price": Decimal("1.5"),
    "recording_url": "https://recordings.exotel.com/news.mp3",
    "custom_field": "news",
    "direction": "inbound",
}
LEGS = ("", "ringing", "in-progress", "completed", "busy")
_sids = itertools.count(1)
SKIPPED = {"id", "sid"}


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def full_path(monkeypatch):
    monkeypatch.setattr(services, "apply_in_one_statement", lambda **kwargs: None)


def twins(**held):
    """Two calls alike but for their Sids: one for each path."""
    created = NOW - timedelta(minutes=5)
    return [make_call(sid=f"twin{next(_sids):028}", date_created=created, **held) for _ in range(2)]


def deliver(call, status, key="news", **values):
    observation = Observation(status=status, values={"sid": call.sid, **values})
    return call_record_observation(
        call_id=call.pk,
        source=CallEvent.Source.CALLBACK,
        observation=observation,
        dedupe_key=f"callback:{call.sid}:{key}",
        event_type="terminal",
        raw_body=f"body of {key}",
        headers={"User-Agent": "test"},
    )


def row(call):
    return {
        name: value
        for name, value in Call.objects.filter(pk=call.pk).values()[0].items()
        if name not in SKIPPED
    }


def events(call):
    fields = [
        "source",
        "event_type",
        "status",
        "raw_body",
        "headers",
        "parsed",
        "verdict",
        "note",
        "received_at",
    ]
    found = list(CallEvent.objects.filter(call=call).order_by("id").values(*fields))
    for event in found:
        event["parsed"].pop("sid", None)
    return found


def both_paths(monkeypatch, held, deliveries):
    """Deliver [(status, values)] to twin calls by both paths; assert the same rows; return the fast one."""
    fast, full = twins(**held)
    for number, (status, values) in enumerate(deliveries):
        deliver(fast, status, key=f"event{number}", **values)
    with monkeypatch.context() as patched:
        full_path(patched)
        for number, (status, values) in enumerate(deliveries):
            deliver(full, status, key=f"event{number}", **values)
    assert row(fast) == row(full), (held, deliveries)
    assert events(fast) == events(full), (held, deliveries)
    return fast


@one_statement
@pytest.mark.parametrize("held_status", list(Status))
def test_every_status_against_every_incoming_status_blanks_values_and_equal_values(monkeypatch, held_status):
    for incoming in INCOMING:
        both_paths(monkeypatch, {"status": held_status}, [(incoming, NEWS)])
        both_paths(monkeypatch, {"status": held_status, **HELD_VALUES}, [(incoming, NEWS)])
        both_paths(monkeypatch, {"status": held_status, **HELD_VALUES}, [(incoming, HELD_VALUES)])
        both_paths(monkeypatch, {"status": held_status, "not_found_since": NOW}, [(incoming, {})])


@one_statement
@pytest.mark.parametrize("held_status", ["ringing", "in-progress", "completed"])
def test_legs_never_go_back_and_stale_news_only_fills_blank_legs(monkeypatch, held_status):
    for held, incoming, status in itertools.product(LEGS, LEGS, ["in-progress", "completed", "ringing"]):
        legs = {"leg1_status": held, "leg2_status": held}
        both_paths(monkeypatch, {"status": held_status, **legs}, [(status, {"leg1_status": incoming})])


@one_statement
def test_the_statuses_move_forward_only_as_the_state_machine_says(monkeypatch):
    call = both_paths(monkeypatch, {"status": "queued"}, [("in-progress", NEWS)])
    assert Call.objects.get(pk=call.pk).status == "in-progress"
    call = both_paths(monkeypatch, {"status": "unknown"}, [("queued", {})])
    assert Call.objects.get(pk=call.pk).status == "unknown"  # equal rank: unchanged
    call = both_paths(monkeypatch, {"status": "busy", **HELD_VALUES}, [("completed", NEWS)])
    assert Call.objects.get(pk=call.pk).status == "busy"  # final kept
    assert CallEvent.objects.get(call=call).verdict == "stale"


@one_statement
def test_a_stale_observation_fills_blanks_only_and_is_then_applied(monkeypatch):
    held = {"status": "completed", "duration": 9}
    call = both_paths(monkeypatch, held, [("in-progress", {"duration": 70, "custom_field": "news"})])
    saved = Call.objects.get(pk=call.pk)
    assert (saved.duration, saved.custom_field) == (9, "news")
    assert CallEvent.objects.get(call=call).verdict == "applied"


@one_statement
def test_a_lost_call_takes_the_outcome_exotel_tells_after_all(monkeypatch):
    held = {"status": "lost", "error_message": "Exotel answered not found", "not_found_since": NOW}
    call = both_paths(monkeypatch, held, [("completed", NEWS)])
    saved = Call.objects.get(pk=call.pk)
    assert (saved.status, saved.error_message, saved.not_found_since) == ("completed", "", None)
    assert saved.status_changed_at == NOW


@one_statement
def test_the_next_check_is_the_schedules_for_every_age_and_end(monkeypatch):
    for age, status, values in itertools.product(
        [timedelta(minutes=2), timedelta(minutes=37, microseconds=3), timedelta(hours=3), timedelta(days=3)],
        ["ringing", "completed"],
        [
            {},
            {"duration": 70},
            {"duration": 70, "price": Decimal("1")},
            {"end_time": NOW - timedelta(hours=1)},
        ],
    ):
        for direction in ("inbound", "outbound-api"):
            held = {"status": "queued", "direction": direction, "date_created": NOW - age}
            fast, full = [make_call(sid=f"age{next(_sids):029}", **held) for _ in range(2)]
            deliver(fast, status, **values)
            with monkeypatch.context() as patched:
                full_path(patched)
                deliver(full, status, **values)
            assert row(fast) == row(full), (age, status, values, direction)


@one_statement
def test_sequences_in_every_order_end_alike(monkeypatch):
    news = [
        ("ringing", {"leg1_status": "ringing"}),
        ("in-progress", {"leg1_status": "in-progress", "date_updated": NEWS["date_updated"]}),
        ("in-progress", {"leg1_status": "in-progress", "leg2_status": "in-progress"}),
        ("completed", {**NEWS, "leg1_status": "completed", "leg2_status": "completed"}),
        ("no-answer", {"leg2_status": "no-answer"}),
        ("weird", {"custom_field": "late"}),
    ]
    for order in itertools.permutations(range(len(news)), 4):
        both_paths(monkeypatch, {"status": "queued"}, [news[i] for i in order])


def test_a_redelivery_is_one_event_and_changes_nothing_more(client):
    call = make_call(status="ringing")
    url = callback_url(call.pk).removeprefix("http://testserver")
    assert client.post(url, terminal()).status_code == 200
    Call.objects.filter(pk=call.pk).update(custom_field="edited since")
    assert client.post(url, terminal()).status_code == 200
    assert client.post(url, as_json(terminal()), content_type="application/json").status_code == 200
    saved = Call.objects.get(pk=call.pk)
    assert saved.custom_field == "edited since"  # the same news again is not applied again
    assert CallEvent.objects.filter(call=call).count() == 1


def test_a_late_answered_after_the_terminal_is_kept_as_stale(client):
    call = make_call(status="queued")
    url = callback_url(call.pk).removeprefix("http://testserver")
    for body in (answered(), terminal(), answered(leg2="in-progress")):
        assert client.post(url, body).status_code == 200
    saved = Call.objects.get(pk=call.pk)
    assert (saved.status, saved.leg1_status, saved.leg2_status) == ("completed", "completed", "completed")
    assert list(CallEvent.objects.filter(call=call).values_list("verdict", flat=True)) == [
        "applied",
        "applied",
        "stale",
    ]


def test_a_call_without_its_sid_yet_takes_the_full_path_and_gets_it(client):
    call = make_call(status="queued", sid=None)
    url = callback_url(call.pk).removeprefix("http://testserver")
    assert client.post(url, answered()).status_code == 200
    saved = Call.objects.get(pk=call.pk)
    assert (saved.status, saved.sid) == ("in-progress", answered()["CallSid"])


def test_a_callback_naming_another_calls_sid_is_still_refused(client):
    call = make_call(status="ringing", sid="another")
    url = callback_url(call.pk).removeprefix("http://testserver")
    assert client.post(url, terminal()).status_code == 400
    assert Call.objects.get(pk=call.pk).status == "ringing"


def test_an_inbound_call_ended_without_talk_waits_in_the_missed_queue_then_a_talk_resolves_it(client):
    customer = "+919845012301"
    missed = make_call(status="ringing", direction="inbound", sid="missed-one")
    url = callback_url(missed.pk).removeprefix("http://testserver")
    body = terminal(CallSid="missed-one", Direction="inbound", ConversationDuration="0")
    body |= {"Legs[1][Status]": "no-answer"}
    assert client.post(url, body).status_code == 200
    waiting = MissedCustomer.objects.get(number=customer)
    assert (waiting.state, waiting.tries, waiting.last_call_id) == ("waiting", 1, missed.pk)

    back = make_call(status="ringing", to_number=customer, from_number="+919800000001", sid="called-back")
    url = callback_url(back.pk).removeprefix("http://testserver")
    later = {"DateCreated": "2026-11-23 16:40:00", "To": "09845012301", "From": "09800000001"}
    assert client.post(url, terminal(CallSid="called-back", **later)).status_code == 200
    waiting.refresh_from_db()
    assert (waiting.state, waiting.resolved_by_id) == ("resolved", back.pk)


# The statement's PREPARE, the first time its session meets its shape, and the test's own transaction.
BOOKKEEPING = ("PREPARE ", "SAVEPOINT ", "RELEASE SAVEPOINT ")
QUEUE_FIELDS = ("state", "tries", "first_try_at", "last_try_at", "resolved_at")
QUEUE_CALLS = ("first_call", "last_call", "resolved_by")
_customers = itertools.count(919700000001)


def queue_after_an_end(monkeypatch, *, full, direction, flow, waiting, talked):
    """The missed-call queue of a fresh customer after one of their calls ends, by one path or the other.

    waiting: None, or whose number a waiting row holds before: "customer" (a missed inbound call of theirs),
    "agent" (the same, from the other party's number, as if it were a customer's)."""
    customer, agent = f"+{next(_customers)}", f"+{next(_customers)}"
    inbound = direction == "inbound"
    parties = {"from_number": customer, "to_number": agent}
    if not (inbound or flow):
        parties = {"from_number": agent, "to_number": customer}
    labels = {None: None}
    if waiting:
        tried = customer if waiting == "customer" else agent
        missed = make_call(
            sid=f"missed{next(_sids):026}",
            status="no-answer",
            direction="inbound",
            from_number=tried,
            to_number="+918030752400",
            conversation_duration=0,
            date_created=NOW - timedelta(minutes=10),
        )
        assert refresh_customer(tried).state == "waiting"
        labels[missed.pk] = "missed"
    flow = Flow.objects.create(name="IVR", app_id=f"{next(_sids)}") if flow else None
    call = make_call(
        sid=f"end{next(_sids):029}",
        status="ringing",
        direction=direction,
        flow=flow,
        date_created=NOW - timedelta(minutes=5),
        **parties,
    )
    labels[call.pk] = "the end"
    legs = {"leg1_status": "completed", "leg2_status": "completed" if talked else "no-answer"}
    with monkeypatch.context() as patched:
        if full:
            full_path(patched)
        deliver(call, "completed", direction=direction, conversation_duration=talked, **legs)
    whose = {customer: "customer", agent: "agent"}
    rows = MissedCustomer.objects.filter(number__in=whose).order_by("number")
    return [
        row | {"number": whose[row["number"]]} | {name: labels[row[name]] for name in QUEUE_CALLS}
        for row in rows.values("number", *QUEUE_FIELDS, *QUEUE_CALLS)
    ]


@one_statement
@pytest.mark.parametrize("direction", ["outbound-api", "outbound-dial", "inbound"])
def test_an_end_leaves_the_missed_queue_as_the_full_path_does(monkeypatch, direction):
    """Also an outbound end with nobody waiting on its numbers, which the statement answers without the
    queue's own look, and one where the other party's number waits but not the customer's."""
    for flow, waiting, talked in itertools.product([False, True], [None, "customer", "agent"], [0, 42]):
        case = {"direction": direction, "flow": flow, "waiting": waiting, "talked": talked}
        fast = queue_after_an_end(monkeypatch, full=False, **case)
        assert fast == queue_after_an_end(monkeypatch, full=True, **case), case
        if waiting == "customer" and direction != "inbound":
            assert fast[0]["state"] == ("resolved" if talked else "waiting"), case


@one_statement
def test_an_outbound_end_with_nobody_waiting_is_one_statement_and_with_someone_the_queues_work(client):
    statements = {}
    for who, customer in (("nobody", "09876543210"), ("someone", "09876500000")):
        sid = f"{who}{next(_sids):027}"
        call = make_call(status="ringing", direction="outbound-api", sid=sid)
        if who == "someone":
            make_call(
                sid=f"miss{next(_sids):028}",
                status="busy",
                direction="inbound",
                from_number="+919876500000",
                date_created=NOW - timedelta(hours=1),
            )
            refresh_customer("+919876500000")
        url = callback_url(call.pk).removeprefix("http://testserver")
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url, terminal(CallSid=sid, To=customer)).status_code == 200
        statements[who] = [query["sql"] for query in queries if not query["sql"].startswith(BOOKKEEPING)]
    assert len(statements["nobody"]) == 1 and statements["nobody"][0].startswith("EXECUTE ")
    assert len(statements["someone"]) > 2  # the queue's look, then the customer's work-out under a lock
    waiting = MissedCustomer.objects.get(number="+919876500000")
    assert (waiting.state, waiting.resolved_by_id) == ("resolved", call.pk)


@one_statement
def test_an_answered_callback_is_one_statement_and_a_redelivery_too(client):
    """Besides the statement's PREPARE, the first time its session meets its shape."""
    call = make_call(status="queued")
    url = callback_url(call.pk).removeprefix("http://testserver")
    for delivery in ("first", "again"):
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url, answered()).status_code == 200
        statements = [query["sql"] for query in queries if not query["sql"].startswith("PREPARE ")]
        assert len(statements) == 1 and statements[0].startswith("EXECUTE "), (delivery, statements)


@one_statement
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_deliveries_of_one_calls_callbacks_end_as_one_after_the_other(monkeypatch):
    """Threads deliver each event of a call several times, shuffled: whatever the order, the terminal's final
    state and one event row per distinct event, as delivered one after the other."""
    monkeypatch.undo()  # the real clock: threads and the database's lock waits
    news = [
        ("ringing", {"leg1_status": "ringing"}),
        ("in-progress", {"leg1_status": "in-progress"}),
        ("in-progress", {"leg1_status": "in-progress", "leg2_status": "in-progress"}),
        (
            "completed",
            {**NEWS, "direction": "outbound-api", "leg1_status": "completed", "leg2_status": "completed"},
        ),
    ]
    for round_number in range(5):
        call = make_call(status="queued", sid=f"race{round_number:028}")
        deliveries = [index for index in range(len(news)) for _ in range(4)]
        random.Random(round_number).shuffle(deliveries)
        errors = []

        def deliver_all(part, call=call, errors=errors):
            try:
                for index in part:
                    status, values = news[index]
                    deliver(call, status, key=f"event{index}", **values)
            except Exception as exc:  # reported by the assertion below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=deliver_all, args=(deliveries[i::4],)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        saved = Call.objects.get(pk=call.pk)
        assert (saved.status, saved.leg1_status, saved.leg2_status) == ("completed", "completed", "completed")
        assert (saved.conversation_duration, saved.custom_field) == (42, "news")
        assert saved.next_check_at is None  # completed with its duration and price: nothing more to ask
        assert CallEvent.objects.filter(call=call).count() == len(news)


def test_a_terminal_whose_missed_queue_work_fails_is_undone_so_exotels_retry_applies_it(client, monkeypatch):
    call = make_call(status="ringing", direction="inbound", sid="missed-two")
    url = callback_url(call.pk).removeprefix("http://testserver")
    body = terminal(CallSid="missed-two", Direction="inbound", ConversationDuration="0")

    def down(*args, **kwargs):
        raise OperationalError("connection lost")

    with monkeypatch.context() as patched:
        patched.setattr(services, "take_note_of", down)
        assert client.post(url, body).status_code == 503
    assert Call.objects.get(pk=call.pk).status == "ringing"
    assert not CallEvent.objects.filter(call=call).exists()

    assert client.post(url, body).status_code == 200
    assert Call.objects.get(pk=call.pk).status == "completed"
    assert MissedCustomer.objects.get(number="+919845012301").last_call_id == call.pk
