"""What the table and the filter form say beyond the rows: which column is sorted and how, agents by name,
prices in rupees, dates short, and form fields a screen reader can place."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from calls.tests.factories import T0, make_call
from exotel_dashboard.testing import make_person
from lib.roles import Role

from .log_page import column, errors_shown, get, selected, table


def heading(response, name):
    headings, _rows = table(response)
    return next(cell for cell in headings if cell["text"].rstrip(" ▲▼") == name)


def sort_link_names(response):
    page = response.content.decode()
    return re.findall(r'<th[^>]*><a href="[^"]*" aria-label="([^"]*)"', page)


def test_the_default_sort_is_marked_on_created(manager_client, db):
    make_call(sid="one")
    response = get(manager_client)
    created = heading(response, "Created")
    assert created["aria-sort"] == "descending" and created["text"] == "Created ▼"
    assert "aria-sort" not in heading(response, "Duration")
    assert sort_link_names(response) == [
        "Created, sort ascending",
        "Duration, sort ascending",
        "Price, sort ascending",
    ]


@pytest.mark.parametrize(
    ("sort", "arrow", "aria", "next_click"),
    [("duration", "▲", "ascending", "descending"), ("-duration", "▼", "descending", "ascending")],
)
def test_the_sorted_column_has_an_arrow_aria_sort_and_a_link_saying_what_clicking_does(
    manager_client, db, sort, arrow, aria, next_click
):
    make_call(sid="one")
    response = get(manager_client, f"sort={sort}")
    duration = heading(response, "Duration")
    assert duration["aria-sort"] == aria
    assert duration["text"] == f"Duration {arrow}"
    assert f"Duration, sort {next_click}" in sort_link_names(response)
    assert "aria-sort" not in heading(response, "Created")
    assert '<span aria-hidden="true">' + arrow in response.content.decode()


def test_the_agent_column_shows_the_agents_full_name_or_else_their_username(manager_client, agent, db):
    agent.first_name, agent.last_name = "Asha", "Rao"
    agent.save(update_fields=["first_name", "last_name"])
    nameless = make_person("kiran", Role.AGENT)
    nameless.first_name = ""
    nameless.save(update_fields=["first_name"])
    make_call(sid="named", agent=agent, date_created=T0)
    make_call(sid="nameless", agent=nameless, date_created=T0 - timedelta(minutes=1))
    make_call(sid="nobody", agent=None, date_created=T0 - timedelta(minutes=2))
    assert column(get(manager_client), "Agent") == ["Asha Rao", "kiran", "—"]


def agent_choices(response):
    page = response.content.decode()
    select = page[page.index('name="agent"') : page.index("</select>", page.index('name="agent"'))]
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_agent_filter_lists_agents_only_by_name(manager_client, agent, other_agent, manager, admin):
    agent.last_name = "Rao"
    agent.save(update_fields=["last_name"])
    both = make_person("zoya", Role.AGENT)
    both.groups.add(*manager.groups.all())  # an agent made a manager: a manager now
    User.objects.create_superuser("root", "root@example.in", "x")
    assert agent_choices(get(manager_client)) == ["---------", "No agent", "Asha Rao", "Vikram"]


def test_a_manager_is_not_an_agent_to_filter_by_and_the_page_says_so(manager_client, manager, agent):
    make_call(sid="mine", agent=manager)
    response = get(manager_client, f"agent={manager.pk}")
    assert response.status_code == 200
    assert errors_shown(response).startswith("Fix the filters to see calls: Agent: Select a valid choice.")
    assert selected(manager_client, f"agent={agent.pk}") == set()


@pytest.mark.parametrize(
    ("price", "shown"),
    [
        (Decimal("0.5000"), "₹0.50"),
        (Decimal("0"), "₹0.00"),
        (Decimal("1.2345"), "₹1.23"),
        (Decimal("1234.5"), "₹1,234.50"),
        (None, "—"),
    ],
)
def test_prices_are_rupees_with_two_decimals_right_aligned(manager_client, price, shown):
    make_call(sid="one", price=price)
    response = get(manager_client)
    assert column(response, "Price") == [shown]
    _headings, rows = table(response)
    price_cell = rows[0][[cell["text"] for cell in _headings].index("Price")]
    assert "num" in price_cell["class"].split() and "num" in heading(response, "Price")["class"].split()


def test_dates_this_year_leave_the_year_out_older_ones_keep_it(manager_client, db, settings):
    make_call(sid="now")
    make_call(sid="old", date_created=T0.replace(year=2020))
    dates = column(get(manager_client), "Created")
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d\d:\d\d", dates[0])
    assert dates[1] == "20 Nov 2020, 10:00"


def test_the_table_does_not_wrap_and_scrolls_inside_its_own_box(manager_client, db):
    make_call(sid="one")
    page = get(manager_client).content.decode()
    assert re.search(r'<div class="table-responsive">\s*<table [^>]*class="[^"]*\btext-nowrap\b', page)


def test_checkbox_groups_are_fieldsets_named_by_their_legend(manager_client, db):
    page = get(manager_client).content.decode()
    legends = re.findall(r"<fieldset[^>]*>\s*<legend[^>]*>([^<]*)</legend>", page)
    assert legends == ["Status", "Direction", "Disposition"]


def test_hints_are_tied_to_their_fields(manager_client, db):
    page = get(manager_client).content.decode()
    field = re.search(r'<input [^>]*name="from_number"[^>]*>', page)[0]
    hint_id = re.search(r'aria-describedby="([^"]*)"', field)[1]
    assert re.search(rf'id="{hint_id}">Up to 5 numbers', page)


def test_an_error_is_tied_to_its_field(manager_client, db):
    page = get(manager_client, "number_ends=12").content.decode()
    field = re.search(r'<input [^>]*name="number_ends"[^>]*>', page)[0]
    assert 'aria-invalid="true"' in field
    described = re.search(r'aria-describedby="([^"]*)"', field)[1].split()
    assert any(re.search(rf'id="{ident}">.*At least three digits', page) for ident in described)
