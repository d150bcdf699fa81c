"""The campaigns' pump: who is dialled when, at what pace, what each outcome leads to, and pause, resume and
cancel racing it. The pump only creates calls and enqueues their dial task; here a "worker" is a step of the
test that gives the pending calls a Sid, as the dial task would, unless a test runs the real dial task."""

import threading
import time as time_module
import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.db.models import Count
from django.test import RequestFactory

from calls.models import Call, Status
from calls.placing import failures
from calls.placing.tasks import dial_call
from calls.tests.fake_exotel import record
from calls.tracking.reconcile import PENDING_CHECK, reconcile_calls
from campaigns import pump as pump_module
from campaigns.models import Attempt, Campaign, Contact
from campaigns.pump import pump
from campaigns.services import campaign_step
from ops.models import SyncRun

postgresql_only = pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="row locks order the pump with pause and cancel on PostgreSQL; SQLite runs one writer",
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)  # a Friday, 11:30 in Kolkata
SECOND = timedelta(seconds=1)


def make_campaign(exophone, flow, contacts=3, *, state=Campaign.State.RUNNING, **fields):
    campaign = Campaign.objects.create(
        name=fields.pop("name", "Payment reminders"),
        exophone=exophone,
        flow=flow,
        state=state,
        window_days=fields.pop("window_days", list(range(7))),
        window_start=time(9, 0),
        window_end=time(21, 0),
        window_zone="Asia/Kolkata",
        max_attempts=fields.pop("max_attempts", 3),
        retry_after=fields.pop("retry_after", timedelta(minutes=30)),
        **fields,
    )
    base = 9_800_000_000 + campaign.pk * 100_000
    Contact.objects.bulk_create(
        Contact(campaign=campaign, line=line, number=f"+91{base + line}", name=f"Customer {line}")
        for line in range(2, contacts + 2)
    )
    return campaign


def dials(campaign):
    return Attempt.objects.filter(campaign=campaign).count()


def worker_takes_pending_calls():
    """What the dial task does with each pending call: Exotel takes it and gives it a Sid."""
    calls = list(Call.objects.filter(status=Status.PENDING, sid__isnull=True))
    for call in calls:
        call.status, call.sid = Status.RINGING, uuid.uuid4().hex
    Call.objects.bulk_update(calls, ["status", "sid"])
    return len(calls)


def end_calls(contacts, status, **fields):
    """The calls being made to these contacts end with `status`."""
    ids = [contact.last_call_id for contact in Contact.objects.filter(pk__in=[c.pk for c in contacts])]
    Call.objects.filter(pk__in=ids).update(status=status, **fields)


def contact_of(campaign, line=2):
    return Contact.objects.get(campaign=campaign, line=line)


def request_by(user):
    request = RequestFactory().post("/")
    request.user = user or AnonymousUser()
    return request


def step(campaign, name, user=None):
    return campaign_step(request=request_by(user), campaign_id=campaign.pk, step=name)


# Who is dialled -------------------------------------------------------------------------------------------


def test_only_running_campaigns_dial(exophone, flow):
    running = make_campaign(exophone, flow, name="Running")
    others = [
        make_campaign(exophone, flow, state=state, name=state)
        for state in (
            Campaign.State.DRAFT,
            Campaign.State.PAUSED,
            Campaign.State.CANCELLED,
            Campaign.State.FINISHED,
        )
    ]
    result = pump(NOW)
    assert result.dialled == dials(running) == 3
    assert all(dials(campaign) == 0 for campaign in others)
    assert set(Contact.objects.filter(campaign=running).values_list("state", flat=True)) == {"dialling"}


def test_each_dial_is_a_pending_flow_call_from_the_customer_to_the_campaigns_flow(exophone, flow):
    campaign = make_campaign(exophone, flow, contacts=1)
    Contact.objects.filter(campaign=campaign).update(custom_field="INV-7")
    pump(NOW)
    contact = contact_of(campaign)
    call = contact.last_call
    assert call.status == Status.PENDING and call.sid is None
    assert (call.from_number, call.to_number, call.flow, call.exophone) == (
        contact.number,
        exophone.number,
        flow,
        exophone,
    )
    assert call.direction == "outbound-api" and call.custom_field == "INV-7"
    assert call.idempotency_key is not None
    attempt = call.campaign_attempt
    assert (attempt.contact, attempt.number, attempt.campaign) == (contact, 1, campaign)
    assert (contact.attempts, contact.calls_made) == (1, 1)


def test_nothing_is_dialled_outside_the_calling_window_and_it_starts_when_it_opens(exophone, flow):
    campaign = make_campaign(exophone, flow)
    assert pump(datetime(2026, 12, 4, 15, 30, tzinfo=UTC)).dialled == 0  # 21:00 in Kolkata
    assert pump(datetime(2026, 12, 5, 3, 29, 59, tzinfo=UTC)).dialled == 0  # 08:59:59 the next morning
    assert pump(datetime(2026, 12, 5, 3, 30, tzinfo=UTC)).dialled == 3
    assert dials(campaign) == 3


def test_a_campaign_dials_until_the_last_second_of_its_window(exophone, flow):
    campaign = make_campaign(exophone, flow)
    assert pump(datetime(2026, 12, 4, 15, 29, 59, tzinfo=UTC)).dialled == 3  # 20:59:59 in Kolkata
    assert dials(campaign) == 3


def test_a_campaign_on_weekdays_waits_over_the_weekend(exophone, flow):
    campaign = make_campaign(exophone, flow, window_days=[0, 1, 2, 3, 4])
    saturday_noon = datetime(2026, 12, 5, 6, 30, tzinfo=UTC)
    assert pump(saturday_noon).dialled == 0
    assert pump(saturday_noon + timedelta(days=1)).dialled == 0
    assert pump(saturday_noon + timedelta(days=2)).dialled == 3
    assert dials(campaign) == 3


def test_contacts_are_dialled_in_list_order(exophone, flow, settings):
    settings.CAMPAIGN_DIALS_IN_FLIGHT = 1
    campaign = make_campaign(exophone, flow, contacts=3)
    Contact.objects.filter(campaign=campaign, line=2).update(line=9)  # the first row moved to the end
    for tick in range(3):
        assert pump(NOW + tick * SECOND).dialled == 1
        worker_takes_pending_calls()
    assert list(Attempt.objects.order_by("pk").values_list("contact__line", flat=True)) == [3, 4, 9]


# The pace ---------------------------------------------------------------------------------------------------


def test_campaigns_start_their_share_of_the_limit_evenly_over_the_window(exophone, flow, settings):
    """200 a minute for the account, 80 % for campaigns: 160 dials in the limiter's 61 s, 3 a second."""
    assert (settings.EXOTEL_RATE_LIMIT_PER_MINUTE, settings.CAMPAIGN_SHARE) == (200, 0.8)
    window = int(settings.EXOTEL_RATE_LIMIT_WINDOW_SECONDS)
    campaign = make_campaign(exophone, flow, contacts=400)
    per_tick = []
    for tick in range(2 * window + 5):
        per_tick.append(pump(NOW + tick * SECOND).dialled)
        worker_takes_pending_calls()
    assert max(per_tick) == 3
    assert all(sum(per_tick[start : start + window]) <= 160 for start in range(len(per_tick) - window + 1))
    assert sum(per_tick[:window]) == 160  # the whole share is used: campaigns do not leave their part idle
    assert per_tick[:10] == [3] * 10  # evenly: no burst of 160 in the first second
    assert dials(campaign) == sum(per_tick)


def test_no_more_than_the_in_flight_cap_wait_for_a_worker(exophone, flow, settings):
    settings.CAMPAIGN_DIALS_IN_FLIGHT = 4
    make_campaign(exophone, flow, contacts=20)
    started = [pump(NOW + tick * SECOND).dialled for tick in range(5)]
    assert started == [3, 1, 0, 0, 0]  # nobody took the first four: no more are queued behind them
    assert Call.objects.filter(status=Status.PENDING).count() == 4
    for call in Call.objects.order_by("pk")[:2]:  # a worker takes two of them
        Call.objects.filter(pk=call.pk).update(status=Status.RINGING, sid=uuid.uuid4().hex)
    assert pump(NOW + 5 * SECOND).dialled == 2


def test_with_the_workers_down_the_queue_stays_at_the_cap_for_good(exophone, flow, settings):
    settings.CAMPAIGN_DIALS_IN_FLIGHT = 4
    make_campaign(exophone, flow, contacts=100)
    window = int(settings.EXOTEL_RATE_LIMIT_WINDOW_SECONDS)
    for tick in range(3 * window):
        pump(NOW + tick * SECOND)
    assert Call.objects.filter(status=Status.PENDING).count() == 4


def test_the_share_counts_dials_not_contacts_and_agents_keep_the_rest(exophone, flow, settings):
    settings.CAMPAIGN_SHARE = 0.5
    window = int(settings.EXOTEL_RATE_LIMIT_WINDOW_SECONDS)
    make_campaign(exophone, flow, contacts=300)
    total = 0
    for tick in range(window):
        total += pump(NOW + tick * SECOND).dialled
        worker_takes_pending_calls()
    assert total == 100


def test_two_campaigns_take_turns_fairly(exophone, flow, settings):
    window = int(settings.EXOTEL_RATE_LIMIT_WINDOW_SECONDS)
    first = make_campaign(exophone, flow, contacts=200, name="First")
    second = make_campaign(exophone, flow, contacts=200, name="Second")
    for tick in range(window):
        pump(NOW + tick * SECOND)
        worker_takes_pending_calls()
        assert abs(dials(first) - dials(second)) <= 1, (
            f"after second {tick}: {dials(first)} and {dials(second)}"
        )
    assert dials(first) + dials(second) == 160


def test_a_campaign_with_nobody_due_leaves_its_turn_to_the_other(exophone, flow):
    small = make_campaign(exophone, flow, contacts=1, name="Small")
    big = make_campaign(exophone, flow, contacts=50, name="Big")
    pump(NOW)
    worker_takes_pending_calls()
    pump(NOW + SECOND)
    assert dials(small) == 1
    assert dials(big) == 5  # 2 + 3: the small one had nobody left to call


# Outcomes ---------------------------------------------------------------------------------------------------


def test_an_answered_call_reaches_the_contact_for_good(exophone, flow):
    campaign = make_campaign(exophone, flow, contacts=1)
    pump(NOW)
    end_calls([contact_of(campaign)], Status.COMPLETED)
    assert pump(NOW + SECOND).settled == 1
    contact = contact_of(campaign)
    assert (contact.state, contact.outcome, contact.attempts) == ("done", "reached", 1)
    assert contact.done_at == NOW + SECOND


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (Status.BUSY, "busy"),
        (Status.NO_ANSWER, "no-answer"),
        (Status.FAILED, "failed"),
        (Status.CANCELED, "no-answer"),
    ],
)
def test_busy_no_answer_and_failed_are_tried_again_after_the_delay_until_attempts_run_out(
    exophone, flow, status, outcome
):
    campaign = make_campaign(exophone, flow, contacts=1, max_attempts=3, retry_after=timedelta(minutes=30))
    now = NOW
    for attempt in (1, 2, 3):
        assert pump(now).dialled == 1, f"attempt {attempt}"
        ended = now + timedelta(seconds=40)
        end_calls([contact_of(campaign)], status, end_time=ended)
        now = ended + SECOND
        pump(now)
        contact = contact_of(campaign)
        assert contact.attempts == attempt and contact.outcome == outcome
        if attempt < 3:
            assert contact.state == "retry"
            assert contact.next_attempt_at == ended + timedelta(minutes=30)  # from the call's end
            assert pump(ended + timedelta(minutes=30) - SECOND).dialled == 0  # not a second early
            now = ended + timedelta(minutes=30)
    assert (contact.state, contact.next_attempt_at) == ("done", None)
    assert pump(now + timedelta(days=1)).dialled == 0
    numbers = list(Attempt.objects.filter(contact=contact).values_list("number", flat=True))
    assert numbers == [1, 2, 3]
    assert Call.objects.filter(campaign_attempt__contact=contact).count() == 3
    assert Campaign.objects.get(pk=campaign.pk).state == "finished"


def test_a_retry_waits_for_the_window_when_it_falls_after_hours(exophone, flow):
    campaign = make_campaign(exophone, flow, contacts=1, retry_after=timedelta(minutes=30))
    evening = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)  # 20:30 in Kolkata
    pump(evening)
    end_calls([contact_of(campaign)], Status.BUSY, end_time=evening + SECOND)
    pump(evening + 2 * SECOND)
    assert contact_of(campaign).state == "retry"
    assert pump(evening + timedelta(minutes=31)).dialled == 0  # 21:01: closed
    assert pump(datetime(2026, 12, 5, 3, 30, tzinfo=UTC)).dialled == 1


@pytest.mark.parametrize(
    ("reason", "outcome"),
    [
        (f"{failures.DND} Exotel answered 403: NDNC", "dnd"),
        (f"{failures.NOT_ALLOWED} Exotel answered 403: Forbidden", "refused"),
        (f"{failures.REFUSED} Exotel answered 400: Invalid To", "refused"),
    ],
)
def test_dnd_and_a_refused_number_are_done_and_never_tried_again(exophone, flow, reason, outcome):
    campaign = make_campaign(exophone, flow, contacts=1, max_attempts=3)
    pump(NOW)
    end_calls([contact_of(campaign)], Status.NOT_PLACED, error_message=reason)
    pump(NOW + SECOND)
    contact = contact_of(campaign)
    assert (contact.state, contact.outcome, contact.attempts) == ("done", outcome, 1)
    assert pump(NOW + timedelta(hours=2)).dialled == 0
    assert dials(campaign) == 1


def test_a_call_that_never_reached_exotel_is_tried_again(exophone, flow):
    campaign = make_campaign(exophone, flow, contacts=1)
    pump(NOW)
    unreachable = "We could not reach Exotel; the call was not placed. Try again in a few minutes."
    end_calls([contact_of(campaign)], Status.NOT_PLACED, error_message=unreachable)
    pump(NOW + SECOND)
    contact = contact_of(campaign)
    assert (contact.state, contact.outcome) == ("retry", "failed")


@pytest.mark.parametrize(
    "reason",
    [
        failures.CREDENTIALS_REFUSED,
        f"{failures.OUT_OF_BALANCE} Exotel answered 402: Payment required",
        f"{failures.CALLER_ID_REFUSED} It is no longer offered. Exotel answered 400: not an ExoPhone",
    ],
)
def test_an_account_refusal_pauses_the_campaign_with_the_reason_and_costs_the_contact_nothing(
    exophone, flow, manager, reason
):
    campaign = make_campaign(exophone, flow, contacts=2, max_attempts=1)
    pump(NOW)
    first, second = contact_of(campaign, 2), contact_of(campaign, 3)
    end_calls([first], Status.NOT_PLACED, error_message=reason)
    pump(NOW + SECOND)
    campaign.refresh_from_db()
    assert campaign.state == "paused"
    assert campaign.stop_reason == reason
    first.refresh_from_db()
    assert (first.state, first.attempts, first.calls_made) == ("retry", 0, 1)  # one attempt left, of one
    assert pump(NOW + timedelta(minutes=5)).dialled == 0
    # The call in flight to the second contact still finishes and is settled while paused.
    end_calls([second], Status.COMPLETED)
    pump(NOW + timedelta(minutes=5, seconds=1))
    assert contact_of(campaign, 3).outcome == "reached"

    step(campaign, "resume", manager)
    campaign.refresh_from_db()
    assert (campaign.state, campaign.stop_reason) == ("running", "")
    assert pump(NOW + timedelta(minutes=6)).dialled == 1
    first.refresh_from_db()
    assert (first.state, first.attempts, first.calls_made) == ("dialling", 1, 2)
    assert list(Attempt.objects.filter(contact=first).values_list("number", flat=True)) == [1, 2]


# Cancel and finish ----------------------------------------------------------------------------------------


def test_cancel_ends_waiting_and_retry_contacts_and_lets_calls_in_flight_finish(
    exophone, flow, settings, manager
):
    settings.CAMPAIGN_DIALS_IN_FLIGHT = 2
    campaign = make_campaign(exophone, flow, contacts=4)
    pump(NOW)  # lines 2 and 3 are dialled
    end_calls([contact_of(campaign, 3)], Status.BUSY)
    pump(NOW + SECOND)  # line 3 waits for a retry; line 4 is dialled
    worker_takes_pending_calls()
    in_flight = [contact_of(campaign, 2), contact_of(campaign, 4)]
    assert [c.state for c in in_flight] == ["dialling", "dialling"]
    assert contact_of(campaign, 3).state == "retry"

    step(campaign, "cancel", manager)
    states = dict(Contact.objects.filter(campaign=campaign).values_list("line", "state"))
    outcomes = dict(Contact.objects.filter(campaign=campaign).values_list("line", "outcome"))
    assert states == {2: "dialling", 3: "done", 4: "dialling", 5: "done"}
    assert outcomes[3] == outcomes[5] == "cancelled"

    end_calls([in_flight[0]], Status.COMPLETED)
    end_calls([in_flight[1]], Status.BUSY)
    assert pump(NOW + timedelta(hours=1)).dialled == 0
    final = {c.line: (c.state, c.outcome) for c in Contact.objects.filter(campaign=campaign)}
    assert final == {
        2: ("done", "reached"),
        3: ("done", "cancelled"),
        4: ("done", "busy"),  # its call's outcome; no retry once cancelled
        5: ("done", "cancelled"),
    }
    campaign.refresh_from_db()
    assert campaign.state == "cancelled" and campaign.ended_at is not None
    assert not pump_module.has_work()


def test_a_campaign_finishes_when_nobody_is_left(exophone, flow):
    campaign = make_campaign(exophone, flow, contacts=2)
    pump(NOW)
    end_calls([contact_of(campaign, 2)], Status.COMPLETED)
    end_calls([contact_of(campaign, 3)], Status.NO_ANSWER)
    result = pump(NOW + SECOND)
    campaign.refresh_from_db()
    assert result.finished == 0 and campaign.state == "running"  # line 3 has a retry to come
    pump(NOW + timedelta(minutes=31))
    end_calls([contact_of(campaign, 3)], Status.COMPLETED)
    result = pump(NOW + timedelta(minutes=32))
    campaign.refresh_from_db()
    assert result.finished == 1
    assert campaign.state == "finished" and campaign.ended_at == NOW + timedelta(minutes=32)
    assert not pump_module.has_work()


def test_a_paused_campaign_with_nobody_left_is_not_finished_behind_the_managers_back(exophone, flow, manager):
    campaign = make_campaign(exophone, flow, contacts=1)
    pump(NOW)
    worker_takes_pending_calls()
    step(campaign, "pause", manager)
    end_calls([contact_of(campaign)], Status.COMPLETED)
    pump(NOW + SECOND)
    campaign.refresh_from_db()
    assert campaign.state == "paused" and contact_of(campaign).outcome == "reached"


@pytest.mark.parametrize(
    ("name", "state", "outcome"), [("pause", "waiting", ""), ("cancel", "done", "cancelled")]
)
def test_pause_and_cancel_withdraw_the_dials_no_worker_has_taken_yet(
    exophone, flow, manager, name, state, outcome
):
    settings_in_flight = 3
    campaign = make_campaign(exophone, flow, contacts=settings_in_flight)
    pump(NOW)
    taken = contact_of(campaign, 2)
    Call.objects.filter(pk=taken.last_call_id).update(status=Status.QUEUED)  # a worker claimed this one
    step(campaign, name, manager)

    assert Call.objects.get(pk=taken.last_call_id).status == Status.QUEUED  # in flight: it finishes
    for line in (3, 4):
        contact = contact_of(campaign, line)
        call = Call.objects.get(pk=contact.last_call_id)
        assert call.status == Status.NOT_PLACED and call.next_check_at is None
        assert f"the campaign was {name}" in call.error_message.replace("paused", "pause").replace(
            "cancelled", "cancel"
        )
        assert (contact.state, contact.outcome, contact.attempts) == (state, outcome, 0)
    dial_call.call(contact_of(campaign, 3).last_call_id)  # the task a worker takes later does not dial it
    assert Call.objects.get(pk=contact_of(campaign, 3).last_call_id).status == Status.NOT_PLACED
    if name == "pause":
        step(campaign, "resume", manager)
        assert pump(NOW + timedelta(minutes=1)).dialled == 2
        assert [c.calls_made for c in Contact.objects.filter(campaign=campaign, line__in=[3, 4])] == [2, 2]


# The dial task ----------------------------------------------------------------------------------------------


class CountingExotel:
    def __init__(self):
        self.connects = []

    def connect(self, **options):
        self.connects.append(options)
        return record(uuid.uuid4().hex, status="in-progress", from_number=options["from_number"], raw={})


@pytest.fixture
def exotel(monkeypatch):
    fake = CountingExotel()
    monkeypatch.setattr("calls.placing.tasks.shared_client", lambda **options: fake)
    return fake


def test_the_pump_enqueues_the_ordinary_dial_task_which_connects_the_customer_to_the_flow(
    exophone, flow, exotel, django_capture_on_commit_callbacks
):
    campaign = make_campaign(exophone, flow, contacts=2)
    with django_capture_on_commit_callbacks(execute=True):
        pump(NOW)
    assert [options["from_number"] for options in exotel.connects] == [
        "+91" + str(9_800_000_000 + campaign.pk * 100_000 + line) for line in (2, 3)
    ]
    assert {options["caller_id"] for options in exotel.connects} == {exophone.number}
    assert {options["flow_url"] for options in exotel.connects} == {flow.url}
    assert all(options["to"] is None for options in exotel.connects)
    assert set(Call.objects.values_list("status", flat=True)) == {"in-progress"}


def test_a_dial_task_run_twice_for_one_call_dials_once(
    exophone, flow, exotel, django_capture_on_commit_callbacks
):
    campaign = make_campaign(exophone, flow, contacts=1)
    with django_capture_on_commit_callbacks(execute=True):
        pump(NOW)
    call = contact_of(campaign).last_call
    dial_call.call(call.pk)
    dial_call.call(call.pk)
    assert len(exotel.connects) == 1
    call.refresh_from_db()
    assert call.dial_attempts == 1 and call.sid


def test_each_attempt_has_its_own_idempotency_key_and_one_call(exophone, flow):
    campaign = make_campaign(exophone, flow, contacts=1, retry_after=timedelta(minutes=1))
    now = NOW
    for _ in range(3):
        assert pump(now).dialled == 1
        end_calls([contact_of(campaign)], Status.BUSY)
        pump(now + SECOND)
        now += timedelta(minutes=2)
    keys = list(Call.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == len(set(keys)) == 3
    assert Attempt.objects.values("contact", "number").annotate(n=Count("id")).filter(n__gt=1).count() == 0


# Racing the pump on PostgreSQL ----------------------------------------------------------------------------


def in_threads(*targets):
    errors = []

    def run(target):
        try:
            target()
        except Exception as exc:  # reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


@pytest.fixture
def no_dial_tasks(monkeypatch):
    """The pump's transactions commit here: record what it enqueues instead of dialling Exotel."""
    enqueued = []
    monkeypatch.setattr(pump_module, "_enqueue_dials", enqueued.extend)
    return enqueued


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@postgresql_only
@pytest.mark.parametrize("action", ["pause", "cancel"])
def test_after_pause_or_cancel_commits_no_new_attempt_is_made(
    exophone, flow, manager, settings, no_dial_tasks, action
):
    settings.CAMPAIGN_DIALS_IN_FLIGHT = 10_000
    campaign = make_campaign(exophone, flow, contacts=2000)
    stop = threading.Event()
    after_step = {}
    ticks = []

    def pumping():
        after = 0
        for tick in range(400):
            # A fresh limiter window each tick, so every tick may dial.
            ticks.append(pump(NOW + tick * timedelta(minutes=2)).dialled)
            after += stop.is_set()
            if after > 5:
                break

    def stepping():
        for _ in range(60_000):  # until the pumps have dialled a few, should they fail
            if sum(ticks) >= 10:
                break
            time_module.sleep(0.001)
        step(campaign, action, manager)
        after_step["attempts"] = Attempt.objects.filter(campaign=campaign).count()
        stop.set()

    in_threads(pumping, pumping, stepping)
    assert after_step["attempts"] > 0
    assert Attempt.objects.filter(campaign=campaign).count() == after_step["attempts"]
    assert len(no_dial_tasks) == after_step["attempts"]
    # No worker took any of them: the step withdrew every one, so none goes out after it either.
    withdrawn = Call.objects.filter(campaign_attempt__campaign=campaign, status=Status.NOT_PLACED)
    assert withdrawn.count() == after_step["attempts"]
    assert not Contact.objects.filter(campaign=campaign, state="dialling").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@postgresql_only
def test_pumps_racing_each_other_never_make_two_calls_of_one_attempt(exophone, flow, settings, no_dial_tasks):
    settings.CAMPAIGN_DIALS_IN_FLIGHT = 10_000
    campaigns = [make_campaign(exophone, flow, contacts=300, name=f"C{n}") for n in range(2)]

    def pumping():
        for tick in range(100):  # 3 dials a tick each: more than enough for every contact
            pump(NOW + tick * timedelta(minutes=2))

    in_threads(pumping, pumping, pumping)
    attempts = Attempt.objects.filter(campaign__in=campaigns)
    assert attempts.count() == 600 == len(no_dial_tasks) == len(set(no_dial_tasks))
    assert attempts.values("contact").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    assert Contact.objects.exclude(state="dialling").count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@postgresql_only
def test_a_dial_task_run_twice_at_once_dials_once(exophone, flow, exotel, no_dial_tasks):
    campaign = make_campaign(exophone, flow, contacts=1)
    pump(NOW)
    call_id = contact_of(campaign).last_call_id
    in_threads(*[lambda: dial_call.call(call_id)] * 4)
    assert len(exotel.connects) == 1
    assert Call.objects.get(pk=call_id).dial_attempts == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@postgresql_only
def test_resume_racing_the_pump_dials_again(exophone, flow, manager, settings, no_dial_tasks):
    campaign = make_campaign(exophone, flow, contacts=50, state=Campaign.State.PAUSED)

    def pumping():
        for tick in range(30):
            pump(NOW + tick * timedelta(minutes=2))

    in_threads(pumping, lambda: step(campaign, "resume", manager))
    assert Attempt.objects.filter(campaign=campaign).count() > 0


def test_a_dial_lost_with_its_worker_is_enqueued_again_by_the_reconciler_and_rings_once(
    exophone, flow, exotel
):
    campaign = make_campaign(exophone, flow, contacts=1)
    pump(NOW)  # its dial task is lost: nothing ran it
    call = contact_of(campaign).last_call
    assert call.status == Status.PENDING and call.next_check_at == NOW + PENDING_CHECK
    for minutes in (1, 3, 6):  # the reconciler's rounds; the first is too early to call it lost
        reconcile_calls(
            client=exotel,
            run=SyncRun(kind="reconcile"),
            redial=dial_call.call,
            now=NOW + timedelta(minutes=minutes),
        )
        assert len(exotel.connects) == (0 if minutes == 1 else 1)
    Call.objects.filter(pk=call.pk).update(status=Status.COMPLETED)
    pump(NOW + timedelta(minutes=7))
    contact = contact_of(campaign)
    assert (contact.state, contact.outcome, contact.attempts) == ("done", "reached", 1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@postgresql_only
def test_cancel_while_a_call_is_being_settled_leaves_no_contact_waiting_for_a_retry(
    exophone, flow, manager, monkeypatch, no_dial_tasks
):
    campaign = make_campaign(exophone, flow, contacts=1)
    pump(NOW)
    end_calls([contact_of(campaign)], Status.BUSY)
    read, cancelled = threading.Event(), threading.Event()
    settle_one = pump_module._settle_one

    def settle_slowly(contact, now):
        read.set()
        cancelled.wait(timeout=2)  # the cancel, unless it must wait for this settle to commit
        settle_one(contact, now)

    monkeypatch.setattr(pump_module, "_settle_one", settle_slowly)

    def cancelling():
        read.wait(timeout=10)
        step(campaign, "cancel", manager)
        cancelled.set()

    in_threads(lambda: pump_module.settle(NOW + SECOND), cancelling)
    contact = contact_of(campaign)
    assert contact.state == "done", (contact.state, contact.outcome)
    assert Campaign.objects.get(pk=campaign.pk).state == "cancelled"


def test_a_retry_counts_its_delay_from_the_calls_end_not_from_when_the_pump_saw_it(exophone, flow):
    campaign = make_campaign(exophone, flow, contacts=1, max_attempts=2, retry_after=timedelta(minutes=30))
    pump(NOW)
    ended = NOW + timedelta(seconds=20)
    end_calls([contact_of(campaign)], Status.BUSY, end_time=ended)
    assert pump(NOW + timedelta(minutes=20)).dialled == 0  # the pump was down until now
    assert contact_of(campaign).next_attempt_at == ended + timedelta(minutes=30)
    assert pump(ended + timedelta(minutes=30)).dialled == 1
