"""Status: one or several ticked; a call is listed when its status is any of them."""

import pytest

from calls.models import Status
from calls.tests.factories import make_call

from .log_page import selected

SID_OF = {status: status.replace("-", "") for status in Status.values}


@pytest.fixture
def one_call_per_status(db):
    for status, sid in SID_OF.items():
        make_call(sid=sid, status=status)


@pytest.mark.parametrize("status", Status.values)
def test_one_status_selects_exactly_its_calls(manager_client, one_call_per_status, status):
    assert selected(manager_client, {"status": status}) == {SID_OF[status]}


def test_several_statuses_select_the_calls_with_any_of_them(manager_client, one_call_per_status):
    query = {"status": ["completed", "busy", "no-answer"]}
    assert selected(manager_client, query) == {"completed", "busy", "noanswer"}


def test_every_status_or_none_ticked_lists_every_call(manager_client, one_call_per_status):
    everything = set(SID_OF.values())
    assert selected(manager_client, {"status": Status.values}) == everything
    assert selected(manager_client, "") == everything


def test_a_status_no_call_has_is_an_empty_table_not_an_error(manager_client):
    make_call(sid="done", status="completed")
    assert selected(manager_client, "status=busy&status=failed") == set()


def test_the_status_boxes_use_the_words_of_the_badges(manager_client):
    labels = dict(manager_client.get("/calls/").context["filter"].form.fields["status"].choices)
    assert labels["unknown"] == "Checking with Exotel"  # as the call page and the log's badge say
    assert labels["lost"] == "Unknown to Exotel"
    assert labels["pending"] == "Pending" and labels["queued"] == "Queued"  # two boxes, two words
