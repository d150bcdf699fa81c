"""Saved views of the call log: named filters, private to their owner, opened from the navigation."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.test import Client, RequestFactory

from accounts.context_processors import saved_views
from accounts.models import SavedView
from calls.log.saved_views.services import normalise_query, saved_view_save
from calls.tests.factories import T0, make_call


def save(client, name, query):
    return client.post("/views/save/", {"name": name, "query": query})


def sids(response):
    return {row.record.sid for row in response.context["table"].page.object_list}


def test_it_saves_the_current_filters_and_goes_back_to_them(manager_client, manager):
    response = save(manager_client, "Completed today", "status=completed")
    assert response.status_code == 302
    assert response["Location"] == "/calls/?status=completed"
    saved = SavedView.objects.get()
    assert (saved.owner, saved.name, saved.query) == (manager, "Completed today", "status=completed")
    page = manager_client.get(response["Location"]).content.decode()
    assert "Saved this view as “Completed today”" in page


def test_it_normalises_the_query():
    query = "status=completed&page=3&sid=&direction=outbound&status=busy&created_from=&sort=-duration"
    assert normalise_query(query) == "direction=outbound&sort=-duration&status=busy&status=completed"
    assert normalise_query("?number_ends=+&price__gte=1") == "price__gte=1"
    assert normalise_query("") == ""


def test_the_saved_query_is_normalised_and_keeps_only_what_the_log_reads(manager_client):
    save(manager_client, "Busy or done", "status=completed&page=2&foo=bar&status=busy&to_number=&sort=price")
    assert SavedView.objects.get().query == "sort=price&status=busy&status=completed"


def test_a_saved_view_keeps_the_sort_but_not_the_place_in_the_pages(manager_client):
    save(manager_client, "Deep", "status=busy&sort=-price&cursor=WyItcHJpY2UiXQ:abc&page=4")
    assert SavedView.objects.get().query == "sort=-price&status=busy"


def test_an_agent_filter_is_not_kept_for_agents(client, agent, other_agent):
    client.force_login(agent)
    save(client, "Mine", f"agent={other_agent.pk}&direction=inbound")
    assert SavedView.objects.get().query == "direction=inbound"


def test_saving_under_an_existing_name_replaces_its_filters(manager_client):
    save(manager_client, "Today", "status=completed")
    response = save(manager_client, "Today", "status=busy")
    assert response["Location"] == "/calls/?status=busy"
    assert list(SavedView.objects.values_list("name", "query")) == [("Today", "status=busy")]
    assert "Updated the saved view “Today”" in manager_client.get(response["Location"]).content.decode()


def test_the_same_name_is_free_for_another_user(manager, agent):
    saved_view_save(owner=manager, name="Today", query="status=completed")
    saved_view_save(owner=agent, name="Today", query="status=busy")
    assert SavedView.objects.count() == 2


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("status=bogus", "Status: Select a valid choice."),
        ("duration__gte=long", "Duration ≥ (s): Enter a whole number."),
        ("number_ends=12", "Number ends with: At least three digits."),
        ("sort=agent", "Cannot sort by 'agent'"),
    ],
)
def test_filters_the_log_would_refuse_are_not_saved(manager_client, query, problem):
    response = save(manager_client, "Broken", query)
    assert response.status_code == 200
    assert any(error.startswith(problem) for error in response.context["form"].errors["query"])
    assert problem in response.content.decode().replace("&#x27;", "'")
    assert not SavedView.objects.exists()


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 61, "at most 60 characters"),
    ],
)
def test_a_name_must_be_given_and_short(manager_client, name, error):
    response = save(manager_client, name, "status=completed")
    assert response.status_code == 200
    assert error in response.context["form"].errors["name"][0]
    assert 'class="form-control is-invalid"' in response.content.decode()
    assert not SavedView.objects.exists()


def test_a_name_of_sixty_characters_is_fine(manager_client):
    save(manager_client, "x" * 60, "")
    assert SavedView.objects.get().get_absolute_url() == "/calls/"


def test_the_log_offers_to_save_its_filters_unless_they_are_wrong(manager_client):
    html = manager_client.get("/calls/?status=completed&status=busy").content.decode()
    assert 'name="query" value="status=completed&amp;status=busy"' in html
    assert 'data-testid="save-view"' not in manager_client.get("/calls/?status=bogus").content.decode()


def test_the_navigation_lists_the_owners_views_only(client, manager, agent):
    saved_view_save(owner=manager, name="Zebra calls", query="direction=inbound")
    saved_view_save(owner=manager, name="Completed today", query="status=completed")
    saved_view_save(owner=agent, name="Asha's busy ones", query="status=busy")
    client.force_login(manager)
    html = client.get("/").content.decode()
    assert html.index('href="/calls/?status=completed">Completed today<') < html.index(
        'href="/calls/?direction=inbound">Zebra calls<'
    )
    assert "busy ones" not in html
    client.force_login(agent)
    html = client.get("/").content.decode()
    assert "busy ones" in html
    assert "Completed today" not in html


def test_the_navigation_costs_no_query_without_a_signed_in_user(rf):
    # No database access is allowed in this test: a query would fail it.
    request = rf.get("/login/")
    request.user = AnonymousUser()
    assert saved_views(request) == {}


def test_the_navigation_list_is_one_lazy_query(manager, django_assert_num_queries):
    saved_view_save(owner=manager, name="A", query="status=completed")
    saved_view_save(owner=manager, name="B", query="status=busy")
    request = RequestFactory().get("/")
    request.user = manager
    manager._role_names = {"Manager"}  # as the role context processor leaves it
    with django_assert_num_queries(0):
        context = saved_views(request)
    with django_assert_num_queries(1):
        assert [view.name for view in context["saved_views"]] == ["A", "B"]


def test_opening_a_saved_view_reproduces_the_filtered_list(client, agent, other_agent):
    make_call(sid="done", agent=agent, status="completed", date_created=T0)
    make_call(sid="busy", agent=agent, status="busy", date_created=T0 + timedelta(hours=1))
    make_call(sid="theirs", agent=other_agent, status="completed", date_created=T0)
    client.force_login(agent)
    response = save(client, "Done", "status=completed&page=1")
    saved = SavedView.objects.get()
    opened = client.get(f"/views/{saved.pk}/")
    assert opened["Location"] == response["Location"] == "/calls/?status=completed"
    listed = client.get(opened["Location"])
    # The agent's view is still scoped to the agent's own calls.
    assert sids(listed) == {"done"} == sids(client.get("/calls/?status=completed"))
    assert listed.context["filter"].form["status"].value() == ["completed"]


def test_the_manage_page_lists_the_owners_views(manager_client, manager, agent):
    saved_view_save(owner=manager, name="Completed today", query="status=completed")
    saved_view_save(owner=agent, name="Not yours", query="")
    html = manager_client.get("/views/").content.decode()
    assert "Completed today" in html
    assert "Not yours" not in html


def test_an_owner_deletes_a_view_after_confirming(manager_client, manager):
    saved, _ = saved_view_save(owner=manager, name="Old", query="status=busy")
    confirm = manager_client.get(f"/views/{saved.pk}/delete/")
    assert confirm.status_code == 200
    assert "Delete the saved view “Old”?" in confirm.content.decode()
    assert SavedView.objects.exists()
    response = manager_client.post(f"/views/{saved.pk}/delete/")
    assert response["Location"] == "/views/"
    assert not SavedView.objects.exists()
    assert "Deleted the saved view “Old”." in manager_client.get("/views/").content.decode()


def test_another_users_view_is_a_404(manager_client, agent):
    theirs, _ = saved_view_save(owner=agent, name="Mine", query="status=busy")
    assert manager_client.get(f"/views/{theirs.pk}/").status_code == 404
    assert manager_client.get(f"/views/{theirs.pk}/delete/").status_code == 404
    assert manager_client.post(f"/views/{theirs.pk}/delete/").status_code == 404
    assert SavedView.objects.filter(pk=theirs.pk).exists()


def test_saving_is_a_post(manager_client):
    assert manager_client.get("/views/save/?name=x").status_code == 405


def test_csrf_is_enforced(manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    assert client.post("/views/save/", {"name": "Sneaky", "query": ""}).status_code == 403
    assert not SavedView.objects.exists()

    token = client.get("/calls/").context["csrf_token"]
    response = client.post("/views/save/", {"name": "Mine", "query": "", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    saved = SavedView.objects.get()
    assert client.post(f"/views/{saved.pk}/delete/").status_code == 403
    assert SavedView.objects.exists()


@pytest.mark.django_db
def test_people_without_a_role_are_refused(client):
    client.force_login(User.objects.create_user("nobody"))
    assert client.get("/views/").status_code == 403
    assert save(client, "x", "").status_code == 403


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_log_in(client):
    response = client.get("/views/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
