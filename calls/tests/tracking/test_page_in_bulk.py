"""A page of calls never seen, created in a few statements, leaves the log and the missed queue exactly as
recording its calls one by one does: the same rows, the same events, the same waiting, resolved and dismissed
customers."""

import random
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calls.models import Call, CallEvent, MissedCustomer
from calls.tests.fake_exotel import record
from calls.tracking.records import call_upsert_record, calls_upsert_page

pytestmark = pytest.mark.django_db
CUSTOMERS = [f"+91981110000{i}" for i in range(6)]
AGENT_PHONES = ["+919845012301", "+919845012302", "+919845019999"]  # the last is nobody's
EXOPHONES = ["+918030752400", "+918030752499"]  # the last is not ours
PAGE = 40


def history(pages, *, seed):
    """`pages` pages of PAGE calls as the sync reads them: windows oldest first, each page newest first; a
    few calls share their second with the one before, some are recent enough to be asked about again."""
    rng = random.Random(seed)
    newest = timezone.now().replace(microsecond=0) - timedelta(minutes=5)
    result = []
    for page in reversed(range(pages)):
        calls, moment = [], newest - timedelta(days=page)
        for i in range(PAGE):
            moment -= timedelta(seconds=0 if i % 7 == 6 else rng.randrange(30, 3000))
            calls.append(one_call(rng, f"{page:02d}{i:02d}{rng.getrandbits(100):028x}", moment))
        result.append(calls)
    first = result[0]
    for i in (0, 1):  # the first customer, waiting, talked to twice in one second: the first listed resolves
        talk = {"status": "completed", "conversation_duration": 60, "leg2_status": "completed"}
        first[i] = replace(first[i], direction="outbound-api", to_number=CUSTOMERS[0], **talk)
    first[1] = replace(first[1], date_created=first[0].date_created)
    return result


def one_call(rng, sid, created):
    inbound = rng.random() < 0.5
    status = rng.choice(["completed", "completed", "completed", "busy", "no-answer", "failed", "canceled"])
    customer, agent, exophone = rng.choice(CUSTOMERS), rng.choice(AGENT_PHONES), rng.choice(EXOPHONES)
    talk = rng.choice([0, 35, 120]) if status == "completed" else 0
    told = rng.random() < 0.7  # the bulk list often leaves out talk, legs and price
    return record(
        sid,
        status=status,
        direction="inbound" if inbound else "outbound-api",
        from_number=customer if inbound else agent,
        to_number=exophone if inbound else customer,
        phone_number=exophone,
        date_created=created,
        date_updated=created + timedelta(seconds=talk + 20),
        start_time=created,
        end_time=created + timedelta(seconds=talk + 20),
        duration=talk + 20,
        price=Decimal("1.2500") if told else None,
        conversation_duration=talk if told else None,
        leg1_status="completed" if told else "",
        leg2_status=("completed" if talk else "no-answer") if told else "",
        leg1_on_call_duration=talk + 10 if told else None,
        leg2_on_call_duration=talk if told else None,
        recording_url=f"https://recordings.example.in/{sid}.mp3" if talk and told else "",
        raw={"Sid": sid, "Status": status},
    )


def before_the_sync(dismissed_by, long_ago):
    """A customer waiting since before the pages, and one dismissed, as the queue holds them."""
    for sid, customer in (("0" * 32, CUSTOMERS[0]), ("1" * 32, CUSTOMERS[1])):
        missed = record(sid, status="busy", direction="inbound", from_number=customer, date_created=long_ago)
        call_upsert_record(record=missed)
    row = MissedCustomer.objects.get(number=CUSTOMERS[1])
    row.state, row.dismissed_by, row.dismissed_at = MissedCustomer.State.DISMISSED, dismissed_by, long_ago
    row.save()


def what_the_log_holds():
    """Every column that matters, ids as the order rows were made in; our own clocks as set or not."""
    order = {pk: n for n, pk in enumerate(Call.objects.order_by("pk").values_list("pk", flat=True))}
    sids = dict(Call.objects.values_list("pk", "sid"))
    skip = {"id", "last_checked_at", "next_check_at", "status_changed_at"}
    calls = {}
    for call in Call.objects.all():
        values = {
            f.attname: getattr(call, f.attname) for f in Call._meta.concrete_fields if f.name not in skip
        }
        values |= {name: getattr(call, name) is not None for name in skip - {"id"}}
        calls[call.sid] = values | {"made": order[call.pk]}
    events = {
        event.dedupe_key: (
            *(sids[event.call_id], event.source, event.status, event.raw_body, event.parsed),
            *(event.verdict, event.note, event.event_type, str(event.headers)),
        )
        for event in CallEvent.objects.all()
    }
    queue = [
        (
            *(row.number, row.state, row.tries, row.first_try_at, row.last_try_at, sids[row.first_call_id]),
            *(
                sids[row.last_call_id],
                row.exophone_id,
                sids.get(row.resolved_by_id),
                row.resolved_at is not None,
            ),
            *(row.claimed_by_id, row.dismissed_by_id, row.dismissed_at),
        )
        for row in MissedCustomer.objects.order_by("pk")
    ]
    return calls, events, queue


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_page_created_in_bulk_leaves_the_rows_and_the_queue_one_by_one_does(
    seed, agent, other_agent, manager
):
    pages = history(5, seed=seed)
    long_ago = timezone.now().replace(microsecond=0) - timedelta(days=30)

    with transaction.atomic():
        before_the_sync(manager, long_ago)
        for page in pages:
            for each in page:
                call_upsert_record(record=each)
        one_by_one = what_the_log_holds()
        transaction.set_rollback(True)

    before_the_sync(manager, long_ago)
    for page in pages:
        assert calls_upsert_page(page) == ["imported"] * PAGE
    in_bulk = what_the_log_holds()

    assert len(in_bulk[0]) == 5 * PAGE + 2
    assert {MissedCustomer.State.WAITING, MissedCustomer.State.RESOLVED} <= {row[1] for row in in_bulk[2]}
    resolved = MissedCustomer.objects.get(number=CUSTOMERS[0], first_call__sid="0" * 32)
    assert resolved.resolved_by.sid == pages[0][0].sid
    for sid in one_by_one[0]:
        assert (sid, in_bulk[0][sid]) == (sid, one_by_one[0][sid])
    assert in_bulk[1] == one_by_one[1]
    assert in_bulk[2] == one_by_one[2]
    assert Call.objects.filter(agent=agent).exists() and Call.objects.filter(exophone__isnull=True).exists()


def test_a_page_mixing_calls_we_have_and_new_ones_imports_the_new_and_updates_the_rest(agent):
    [page] = history(1, seed=4)
    for each in page[::3]:
        call_upsert_record(record=replace(each, status="in-progress"))
    had = Call.objects.count()

    results = calls_upsert_page(page)

    assert results.count("imported") == PAGE - had
    assert results.count("changed") == had
    assert set(Call.objects.values_list("status", flat=True)) == {each.status for each in page}
    assert Call.objects.count() == PAGE
    assert Call.objects.values("sid").distinct().count() == PAGE
    assert calls_upsert_page(page) == ["unchanged"] * PAGE  # read again: nothing new, no event twice


def test_a_page_of_new_calls_costs_a_few_statements_however_many_customers(agent):
    [page] = history(1, seed=5)
    with CaptureQueriesContext(connection) as page_in_bulk:
        calls_upsert_page(page)
    # one by one: ~16 a call; here the page's Sids, agents, ExoPhones, calls, events, and the queue's rows
    # (waiting, locked), last conversations, dismissals and tries, each in one, the rows written in two.
    assert len(page_in_bulk) <= 16
    assert MissedCustomer.objects.exists()


def test_a_page_out_of_exotels_order_goes_one_by_one_and_imports_every_call_once(agent):
    [page] = history(1, seed=6)
    shuffled = random.Random(6).sample(page, len(page))

    assert calls_upsert_page(shuffled) == ["imported"] * PAGE
    assert Call.objects.values("sid").distinct().count() == Call.objects.count() == PAGE
    assert CallEvent.objects.count() == PAGE
