"""The log's wrap-up filters: disposition (several, or none), "has a note" and a search in the notes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calls.tests.factories import T0, make_call

from .log_page import column, errors_shown, get, listed, selected
from .wrap_ups import make_dispositions, wrap_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispositions(db):
    return make_dispositions()


@pytest.fixture
def wrapped(agent, other_agent, dispositions):
    """resolved (a note), follow (a note), spam (no note), bare (a wrap-up without a disposition) and none.
    Asha's are resolved and bare; the others are Vikram's."""
    calls = {
        sid: make_call(
            sid=sid,
            agent=agent if sid in ("resolved", "bare") else other_agent,
            date_created=T0 - timedelta(minutes=n),
        )
        for n, sid in enumerate(["resolved", "follow", "spam", "bare", "none"])
    }
    wrap_up(calls["resolved"], dispositions["resolved"], note="Refund sent by UPI, customer happy")
    wrap_up(calls["follow"], dispositions["follow_up"], note="Call back Monday about the refund")
    wrap_up(calls["spam"], dispositions["spam"])
    wrap_up(calls["bare"], note="Line dropped")
    return calls


def ids(chosen, *names):
    return [str(chosen[name].pk) for name in names]


def test_one_disposition_selects_exactly_its_calls(manager_client, wrapped, dispositions):
    assert listed(manager_client, {"disposition": ids(dispositions, "resolved")}) == ["resolved"]
    assert listed(manager_client, {"disposition": ids(dispositions, "spam")}) == ["spam"]


def test_several_dispositions_select_the_calls_with_any_of_them(manager_client, wrapped, dispositions):
    query = {"disposition": ids(dispositions, "resolved", "follow_up")}
    assert selected(manager_client, query) == {"resolved", "follow"}


def test_no_wrap_up_and_no_disposition_are_choices_too(manager_client, wrapped, dispositions):
    assert listed(manager_client, {"disposition": "none"}) == ["none"]
    assert listed(manager_client, {"disposition": "unset"}) == ["bare"]
    query = {"disposition": [*ids(dispositions, "spam"), "none", "unset"]}
    assert selected(manager_client, query) == {"spam", "bare", "none"}


def test_every_disposition_is_offered_inactive_ones_too(manager_client, wrapped):
    page = get(manager_client).content.decode()
    for label in ["Resolved", "Follow-up needed", "Spam", "Wrap-up without a disposition", "No wrap-up"]:
        assert f">{label}</label>" in page


def test_has_a_note(manager_client, wrapped):
    assert selected(manager_client, {"has_note": "true"}) == {"resolved", "follow", "bare"}
    assert selected(manager_client, {"has_note": "false"}) == {"spam", "none"}
    assert len(listed(manager_client, {"has_note": ""})) == 5


def test_the_note_search_is_a_case_insensitive_contains(manager_client, wrapped):
    assert selected(manager_client, {"note": "REFUND"}) == {"resolved", "follow"}
    assert selected(manager_client, {"note": "upi"}) == {"resolved"}
    assert selected(manager_client, {"note": "  monday  "}) == {"follow"}
    assert selected(manager_client, {"note": "nowhere"}) == set()
    assert selected(manager_client, {"note": "%"}) == set()  # a LIKE wildcard is only a character
    assert len(listed(manager_client, {"note": ""})) == 5


def test_the_wrap_up_filters_combine_with_each_other_and_the_rest(
    manager_client, wrapped, dispositions, agent
):
    follow_or_resolved = ids(dispositions, "resolved", "follow_up")
    assert listed(manager_client, {"disposition": follow_or_resolved, "note": "monday"}) == ["follow"]
    query = {"disposition": [*follow_or_resolved, "unset"], "has_note": "true", "agent": agent.pk}
    assert selected(manager_client, query) == {"resolved", "bare"}
    assert listed(manager_client, {"has_note": "false", "note": "refund"}) == []
    assert listed(manager_client, {"disposition": "none", "status": "in-progress"}) == ["none"]


def test_agents_search_only_their_own_notes(client, agent, wrapped):
    client.force_login(agent)
    assert selected(client, {"note": "refund"}) == {"resolved"}
    assert selected(client, {"disposition": "none"}) == set()
    assert selected(client, {"has_note": "true"}) == {"resolved", "bare"}


def test_the_table_shows_each_calls_disposition(manager_client, wrapped):
    cells = column(get(manager_client), "Disposition")
    assert cells == ["Resolved", "Follow-up needed", "Spam", "No disposition", "—"]  # newest first


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"note": "x" * 201}, "Note contains: Ensure this value has at most 200 characters (it has 201)."),
        ({"note": "refund\x00"}, "Note contains: Null characters are not allowed."),
        ({"disposition": "999999"}, "Disposition: Select a valid choice. 999999 is not one of the available"),
        ({"disposition": "resolved"}, "Disposition: Select a valid choice. resolved is not one of"),
    ],
)
def test_bad_wrap_up_filters_are_explained(manager_client, wrapped, query, message):
    response = get(manager_client, query)
    assert response.status_code == 200
    assert message in errors_shown(response)
    assert "No calls match these filters." in response.content.decode()


def test_a_search_of_200_characters_is_fine(manager_client, wrapped):
    assert listed(manager_client, {"note": "y" * 200}) == []


def test_a_saved_view_keeps_the_wrap_up_filters(manager_client, wrapped, dispositions):
    query = f"disposition={dispositions['resolved'].pk}&disposition=none&has_note=true&note=refund"
    response = manager_client.post("/views/save/", {"name": "Refunds", "query": query})
    assert response.status_code == 302
    opened = manager_client.get(response["Location"])
    assert {row.record.sid for row in opened.context["table"].page.object_list} == {"resolved"}
    assert opened.context["filter"].form["note"].value() == "refund"


def test_the_dispositions_are_read_once_a_page(manager_client, wrapped):
    with CaptureQueriesContext(connection) as captured:
        get(manager_client, {"disposition": "none"})
    assert sum('FROM "calls_disposition"' in query["sql"] for query in captured) == 1
