"""The customer's history: on a call's page and beside the number typed in the click-to-call form."""

import html
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLWrapper
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calls import customer_history
from calls.customer_history import customer_history_for, last_calls_with
from calls.log.filters import CallFilter
from calls.models import Call, Disposition, WrapUp
from calls.placing import views as placing_views
from exotel.client import ExotelError, NumberInfo
from lib.roles import role_of
from ops.ratelimit import acquire

from .factories import T0, make_call

pytestmark = pytest.mark.django_db

CUSTOMER = "+919812345678"
SOMEONE_ELSE = "+919812399999"
AGENT_PHONE = "+919845012301"
EXOPHONE = "+918030752400"
NEW_CALL = T0 + timedelta(days=1)


def call_with_customer(*, minutes, inbound=False, **fields):
    """A call with the customer `minutes` after T0: an inbound one from them, else one to them."""
    numbers = (
        {"direction": "inbound", "from_number": CUSTOMER, "to_number": EXOPHONE}
        if inbound
        else {"direction": "outbound-dial", "from_number": AGENT_PHONE, "to_number": CUSTOMER}
    )
    defaults = {
        "sid": f"sid{minutes}",
        "status": "completed",
        "date_created": T0 + timedelta(minutes=minutes),
    }
    return make_call(**(defaults | numbers | fields))


def wrap_up(call, *, disposition="", note=""):
    return WrapUp.objects.create(
        call=call,
        disposition=Disposition.objects.get_or_create(name=disposition)[0] if disposition else None,
        note=note,
        written_at=timezone.now(),
    )


def history_rows(page):
    """Each listed call as the text a person reads in its row."""
    rows = re.findall(r'<tr data-testid="history-call">(.*?)</tr>', page, re.DOTALL)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]


def history_section(page):
    found = re.search(r'<section class="mb-4" data-testid="customer-history".*?</section>', page, re.DOTALL)
    return found.group(0) if found else ""


def test_the_call_page_lists_the_customers_earlier_calls_newest_first_with_what_was_agreed(
    manager_client, agent, other_agent
):
    agent.last_name = "Rao"
    agent.save()
    first = call_with_customer(minutes=0, agent=agent, status="busy")
    second = call_with_customer(minutes=30, inbound=True, agent=other_agent, status="completed")
    wrap_up(second, disposition="Follow-up needed", note="Wants the   invoice\nresent. " + "x" * 200)
    now = call_with_customer(minutes=60, agent=agent, status="no-answer")
    wrap_up(first, note="Line was busy")

    page = manager_client.get(f"/calls/{now.pk}/").content.decode()

    assert history_rows(page) == [
        "20 Nov 2026, 10:30 Inbound Completed Vikram Follow-up needed Wants the invoice resent. "
        + "x" * 53
        + "…",
        "20 Nov 2026, 10:00 Outbound (dashboard) Busy Asha Rao — Line was busy",
    ]
    assert f'href="/calls/{second.pk}/"' in page and f'href="/calls/{first.pk}/"' in page


def test_only_the_ten_newest_calls_show_in_any_direction(manager, agent):
    calls = [call_with_customer(minutes=i, inbound=i % 2 == 0, agent=agent) for i in range(15)]
    make_call(
        sid="other", from_number=AGENT_PHONE, to_number=SOMEONE_ELSE, date_created=T0 + timedelta(hours=9)
    )

    history = customer_history_for(manager, CUSTOMER)

    newest_ten = [call.date_created for call in reversed(calls[5:])]
    assert [past.when for past in history.calls] == newest_ten
    assert {past.direction for past in history.calls} == {"Inbound", "Outbound (dashboard)"}


def test_the_call_itself_is_left_out_and_its_first_call_says_so(manager_client, agent_client, agent):
    call = call_with_customer(minutes=0, agent=agent)
    make_call(sid="other", from_number=AGENT_PHONE, to_number=SOMEONE_ELSE, agent=agent)

    for client in (manager_client, agent_client):
        section = history_section(client.get(f"/calls/{call.pk}/").content.decode())
        assert "First call with this customer." in section
        assert history_rows(section) == []
        assert "history-log-link" not in section


def test_a_call_with_the_customer_on_both_sides_is_listed_once(manager):
    make_call(sid="loop", from_number=CUSTOMER, to_number=CUSTOMER, direction="inbound")
    call_with_customer(minutes=5)

    history = customer_history_for(manager, CUSTOMER)

    assert len(history.calls) == 2


def test_a_ten_call_history_of_a_number_on_both_sides_still_has_ten_calls(manager):
    for i in range(12):
        make_call(sid=f"loop{i}", from_number=CUSTOMER, to_number=CUSTOMER, date_created=T0 + timedelta(i))

    assert len(customer_history_for(manager, CUSTOMER).calls) == 10


def test_an_agent_sees_every_call_with_their_customer_but_opens_only_their_own(
    agent_client, agent, other_agent
):
    recording = "https://recordings.exotel.com/a.mp3"
    theirs = call_with_customer(minutes=0, agent=other_agent, recording_url=recording)
    wrap_up(theirs, disposition="Resolved", note="Refund agreed")
    own_earlier = call_with_customer(minutes=10, agent=agent, recording_url=recording)
    now = call_with_customer(minutes=20, agent=agent)

    section = history_section(agent_client.get(f"/calls/{now.pk}/").content.decode())

    rows = history_rows(section)
    assert len(rows) == 2
    assert "Vikram Resolved Refund agreed" in rows[1]
    assert f"/calls/{theirs.pk}/" not in section
    assert f"/calls/{own_earlier.pk}/" in section
    assert f"/calls/{own_earlier.pk}/recording/" in section
    assert section.count('data-testid="history-recording-link"') == 1
    assert agent_client.get(f"/calls/{theirs.pk}/").status_code == 404  # the role rule the history keeps
    assert "the log shows only your own calls" in section


def test_managers_and_admins_open_every_call_and_recording(client, manager, admin, agent, other_agent):
    recording = "https://recordings.exotel.com/a.mp3"
    calls = [
        call_with_customer(minutes=0, agent=agent, recording_url=recording),
        call_with_customer(minutes=5, inbound=True, agent=other_agent, recording_url=recording),
        call_with_customer(minutes=10, agent=None, recording_url=recording),
    ]
    now = call_with_customer(minutes=20, agent=agent)

    for person in (manager, admin):
        client.force_login(person)
        section = history_section(client.get(f"/calls/{now.pk}/").content.decode())
        for call in calls:
            assert f'href="/calls/{call.pk}/"' in section
            assert f'href="/calls/{call.pk}/recording/"' in section
        assert "history-log-hint" not in section


def test_the_log_link_selects_exactly_the_calls_with_this_customer(manager_client, manager, agent):
    with_customer = {
        call_with_customer(minutes=0, agent=agent).pk,
        call_with_customer(minutes=5, inbound=True).pk,
        make_call(sid="loop", from_number=CUSTOMER, to_number=CUSTOMER).pk,
    }
    make_call(sid="x1", from_number=AGENT_PHONE, to_number=SOMEONE_ELSE)
    make_call(sid="x2", from_number="+919812345679", to_number=EXOPHONE, direction="inbound")

    history = customer_history_for(manager, CUSTOMER)

    assert history.log_url == "/calls/?number_ends=919812345678"
    parameters = dict(pair.split("=") for pair in history.log_url.split("?")[1].split("&"))
    selected = CallFilter(parameters, queryset=Call.objects.all())
    assert selected.is_valid()
    assert set(selected.qs.values_list("pk", flat=True)) == with_customer
    assert manager_client.get(history.log_url).status_code == 200


def test_a_call_without_a_wrap_up_or_agent_shows_dashes(manager):
    call_with_customer(minutes=0, agent=None)

    (past,) = customer_history_for(manager, CUSTOMER).calls

    assert (past.agent, past.disposition, past.note_start) == ("", "", "")


def test_the_history_is_one_query_however_long_and_busy_the_number(
    manager, agent, other_agent, django_assert_num_queries
):
    for i in range(30):
        call = call_with_customer(minutes=i, inbound=i % 3 == 0, agent=(agent, other_agent)[i % 2])
        wrap_up(call, disposition=("Resolved", "Wrong number")[i % 2], note=f"note {i}")
    role_of(manager)  # the role is read once per request, whatever the page

    with django_assert_num_queries(1):
        history = customer_history_for(manager, CUSTOMER)

    assert len(history.calls) == 10


def test_the_call_page_costs_the_same_queries_with_one_earlier_call_or_ten(
    manager_client, agent, other_agent
):
    def queries_of_the_page():
        now = call_with_customer(minutes=1000 + Call.objects.count(), agent=agent)
        with CaptureQueriesContext(connection) as counted:
            manager_client.get(f"/calls/{now.pk}/")
        return len(counted)

    call_with_customer(minutes=0, agent=agent)
    with_one = queries_of_the_page()
    for i in range(1, 12):
        wrap_up(call_with_customer(minutes=i, agent=(agent, other_agent)[i % 2]), disposition="Resolved")
    assert queries_of_the_page() == with_one


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan")
def test_each_side_is_read_newest_first_from_its_own_index_on_sqlite():
    query = last_calls_with(CUSTOMER, leaving_out=Call(pk=5)).query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = [row[-1] for row in cursor.fetchall()]

    assert any("USING COVERING INDEX call_from_newest (from_number=?)" in step for step in plan)
    assert any("USING COVERING INDEX call_to_newest (to_number=?)" in step for step in plan)
    assert not any("SCAN calls_call" in step or "SCAN U0" in step for step in plan)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_each_side_is_read_newest_first_from_its_own_index_on_postgresql():
    query = last_calls_with(CUSTOMER, leaving_out=Call(pk=5)).query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        # A test's few rows would be read whole, or gathered and sorted: ask how the indexes serve the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "call_from_newest" in plan and "call_to_newest" in plan, plan
    assert "Limit" in plan and "Sort" not in plan.split("Append")[-1], plan


def test_postgresql_gets_the_union_of_two_ordered_limited_queries():
    postgresql = PostgreSQLWrapper(connection.settings_dict | {"ENGINE": "django.db.backends.postgresql"})
    with mock.patch.object(customer_history, "connection", postgresql):
        query = last_calls_with(CUSTOMER).query
    sql, _ = query.get_compiler(connection=postgresql).as_sql()

    newest = 'ORDER BY "U0"."date_created" DESC, "U0"."id" DESC LIMIT 10'
    side = 'SELECT "U0"."id" AS "pk" FROM "calls_call" "U0" WHERE "U0"."{}" = %s ' + newest
    ids = f"({side.format('from_number')}) UNION ALL ({side.format('to_number')})"
    assert f'WHERE "calls_call"."id" IN ({ids}) ORDER BY' in sql, sql
    assert sql.endswith('ORDER BY "calls_call"."date_created" DESC, "calls_call"."id" DESC LIMIT 10')


# The number lookup beside the click-to-call form


@pytest.fixture
def exotel_must_not_be_asked(monkeypatch):
    def refuse(**kwargs):
        raise AssertionError("Exotel was asked")

    monkeypatch.setattr(placing_views, "shared_client", refuse)


def known_to_exotel(number, operator):
    """Exotel's answer about the number, cached by an earlier lookup: this lookup costs no request."""
    info = NumberInfo(number, "KA", "Karnataka", "Mobile", "J", operator, False, {})
    cache.set(f"number-info:{number}", info)


def look_up(client, to):
    response = client.get("/calls/lookup/", {"to": to})
    assert response.status_code == 200
    return response.content.decode()


def test_the_lookup_shows_the_history_of_the_typed_number_normalised_like_the_form(
    agent_client, agent, other_agent, exotel_must_not_be_asked
):
    known_to_exotel(CUSTOMER, "Jio")
    wrap_up(call_with_customer(minutes=0, agent=other_agent), disposition="Resolved", note="Paid")
    mine = call_with_customer(minutes=5, inbound=True, agent=agent)

    for typed in ("098123 45678", "+91 98123-45678", "9812345678"):
        page = look_up(agent_client, typed)
        assert "Jio" in page
        rows = history_rows(page)
        assert len(rows) == 2 and "Vikram Resolved Paid" in rows[1]
        assert f"/calls/{mine.pk}/" in page
        assert "/calls/?number_ends=919812345678" in page
        assert "the log shows only your own calls" in page


def test_the_lookup_shows_the_history_when_the_person_used_their_lookups(
    agent_client, agent, settings, exotel_must_not_be_asked
):
    settings.EXOTEL_LOOKUPS_PER_MINUTE = 1
    acquire(bucket=f"lookups:{agent.pk}", limit=1, window=60, max_wait=0)
    call_with_customer(minutes=0, agent=agent)

    page = look_up(agent_client, CUSTOMER)

    assert 'data-testid="lookup-notice"' in page
    assert len(history_rows(page)) == 1


def test_the_lookup_shows_the_history_when_exotel_cannot_answer(agent_client, agent, monkeypatch):
    def failing_client(**kwargs):
        client = mock.Mock()
        client.number_info.side_effect = ExotelError("down")
        return client

    monkeypatch.setattr(placing_views, "shared_client", failing_client)
    call_with_customer(minutes=0, agent=agent)

    page = look_up(agent_client, CUSTOMER)

    assert "Exotel could not tell us about this number." in page
    assert len(history_rows(page)) == 1


def test_the_lookup_of_a_number_never_called_says_so(manager_client, exotel_must_not_be_asked):
    known_to_exotel(SOMEONE_ELSE, "Airtel")

    page = look_up(manager_client, SOMEONE_ELSE)

    assert "No calls with this number yet." in page
    assert "history-log-link" not in page


@pytest.mark.parametrize(
    "to",
    [
        "9" * 100_000,
        "98123\x0045678",
        "\x00",
        "९८१२३४५६७८",  # Devanagari digits
        "+91 98123 4567\uff18",  # a full-width 8
        "98123 45678 📞",
        "Ωμέγα",
        "' OR 1=1 --",
        "%",
        "   ",
    ],
)
def test_hostile_numbers_in_the_lookup_give_a_message_not_a_history(
    agent_client, agent, to, exotel_must_not_be_asked
):
    call_with_customer(minutes=0, agent=agent)

    page = look_up(agent_client, to)

    assert "customer-history" not in page
