"""The home page: an agent's latest calls; a manager's overview, every figure a link to its calls."""

import html
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from calls.models import Call
from calls.tests.factories import make_call

PERIOD = "?first=2026-11-19&last=2026-11-20"
LINKED_COUNT = re.compile(r'<a href="(/calls/\?[^"]+)">(\d+)</a>')


def ist(day, hour, minute, second=0):
    return datetime(2026, 11, day, hour, minute, second, tzinfo=UTC) - (
        datetime(2026, 1, 1, 5, 30) - datetime(2026, 1, 1)
    )


@pytest.fixture
def period_calls(agent, other_agent, exophone):
    def call(sid, when, status, **fields):
        return make_call(sid=sid, date_created=when, status=status, phone_number=exophone.number, **fields)

    call("early", ist(18, 23, 59, 59), "completed", agent=agent, conversation_duration=10)  # the day before
    call("first", ist(19, 10, 0), "completed", agent=agent, conversation_duration=60, price=Decimal("1.20"))
    call("late", ist(19, 23, 59, 30), "busy", agent=agent, price=Decimal("0"))
    call("midnight", ist(20, 0, 0, 10), "no-answer", agent=other_agent, direction="inbound")
    call(
        "inbound",
        ist(20, 9, 0),
        "completed",
        direction="inbound",
        conversation_duration=120,
        price=Decimal("0.60"),
    )
    call("after", ist(21, 0, 0, 0), "completed", agent=agent)  # the day after


def rows(client, url):
    return [row.record.sid for row in client.get(url).context["table"].page.object_list]


def test_an_agent_sees_only_their_own_latest_calls(client, agent, other_agent):
    make_call(sid="mine", agent=agent, to_number="+919876543210")
    make_call(sid="theirs", agent=other_agent, to_number="+919876500099")
    client.force_login(agent)
    page = client.get("/").content.decode()
    assert "+919876543210" in page and "+919876500099" not in page
    assert 'data-testid="totals"' not in page


def test_the_overview_counts_the_periods_calls_in_the_users_zone(client, manager, period_calls):
    client.force_login(manager)
    response = client.get(f"/{PERIOD}")
    totals = response.context["totals"]
    assert (totals["calls"], totals["answered"], totals["talk"], totals["cost"]) == (
        4,
        2,
        90,
        Decimal("1.80"),
    )
    page = response.content.decode()
    assert "50%" in page and "1:30" in page and "₹1.80" in page
    days = {bar.day["day"].isoformat(): bar.day["calls"] for bar in response.context["chart"]["bars"]}
    assert days == {"2026-11-19": 2, "2026-11-20": 2}


def card_text(client, testid):
    page = client.get(f"/{PERIOD}").content.decode()
    card = re.search(rf'data-testid="{testid}">(.*?)</a>', page, re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", card.group(1))).split()) if card else None


def test_the_headline_is_how_long_answered_calls_lasted_and_talk_time_is_said_for_all(
    client, manager, period_calls
):
    Call.objects.filter(sid="first").update(duration=75)
    Call.objects.filter(sid="inbound").update(duration=135)
    client.force_login(manager)
    assert card_text(client, "average-length") == "Average answered call 1:45 talk time 1:30 average"


def test_talk_time_says_for_how_many_answered_calls_exotel_gave_it(client, manager, period_calls):
    make_call(
        sid="imported", date_created=ist(20, 11, 0), status="completed", direction="inbound", duration=30
    )
    client.force_login(manager)
    assert card_text(client, "average-length") == (
        "Average answered call 0:30 talk time 1:30 average, known for 2 of 3"
    )


def test_without_any_talk_time_only_the_length_of_answered_calls_shows(client, manager):
    make_call(
        sid="imported", date_created=ist(20, 11, 0), status="completed", direction="inbound", duration=42
    )
    client.force_login(manager)
    assert card_text(client, "average-length") == "Average answered call 0:42"


def test_a_cost_not_known_yet_says_so_rather_than_a_rupee_and_a_dash(client, manager):
    make_call(sid="unpriced", date_created=ist(20, 11, 0), status="completed")
    client.force_login(manager)
    assert card_text(client, "total-cost") == "Cost not known yet"
    assert "₹—" not in client.get(f"/{PERIOD}").content.decode()


def test_every_linked_figure_lists_exactly_those_calls(client, manager, period_calls):
    client.force_login(manager)
    page = client.get(f"/{PERIOD}").content.decode()
    links = LINKED_COUNT.findall(page)
    assert len(links) > 15
    for url, count in links:
        assert len(rows(client, html.unescape(url))) == int(count), url


def test_the_bars_and_tables_link_to_their_calls(client, manager, agent, period_calls):
    client.force_login(manager)
    response = client.get(f"/{PERIOD}")
    first_day = response.context["per_day"][0]
    assert set(rows(client, first_day["url"])) == {"first", "late"}
    assert rows(client, first_day["answered_url"]) == ["first"]
    assert rows(client, first_day["not_answered_url"]) == ["late"]
    by_agent = {row["name"]: row for row in response.context["agents"]}
    assert set(rows(client, by_agent["Asha"]["url"])) == {"first", "late"}
    assert rows(client, by_agent["No agent"]["url"]) == ["inbound"]
    (exophone_row,) = response.context["exophones"]
    assert exophone_row["name"] == "Bengaluru support" and exophone_row["calls"] == 4


def test_a_period_without_calls_says_so(client, manager):
    client.force_login(manager)
    page = client.get("/?first=2020-01-01&last=2020-01-07").content.decode()
    assert "No calls in this period." in page and 'data-testid="calls-per-day"' in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?first=2026-11-20&last=2026-11-19", "ends before it starts"),
        ("?first=2026-13-45&last=2026-11-19", "Enter a valid date"),
        ("?first=2024-01-01&last=2026-01-01", "at most 366 days"),
        ("?first=&last=2026-11-19", "This field is required"),
    ],
)
def test_a_bad_period_is_explained(client, manager, query, message):
    client.force_login(manager)
    response = client.get(f"/{query}")
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_default_is_the_last_seven_days(client, manager):
    client.force_login(manager)
    period = client.get("/").context["period"]
    assert (period.last - period.first).days == 6


OUT_OF_RANGE = "Enter a date between 2000-01-01 and 2100-12-31."


def period_errors(response):
    block = re.search(r'data-testid="period-errors">(.*?)\n</div>', response.content.decode(), re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", block.group(1))).split()) if block else ""


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?first=9999-12-31&last=9999-12-31", f"From: {OUT_OF_RANGE}"),
        ("?first=2026-11-19&last=9999-12-31", f"To: {OUT_OF_RANGE}"),
        ("?first=9999-12-31&last=0001-01-01", f"From: {OUT_OF_RANGE} To: {OUT_OF_RANGE}"),
        ("?first=0001-01-01&last=0001-01-02", f"From: {OUT_OF_RANGE}"),
        ("?first=1999-12-31&last=2000-01-01", f"From: {OUT_OF_RANGE}"),
        ("?first=2100-12-31&last=2101-01-01", f"To: {OUT_OF_RANGE}"),
        ("?first=%2B999999-01-01&last=2026-11-19", "From: Enter a valid date."),
        ("?first=%D9%A2%D9%A0%D9%A2%D9%A6-11-19&last=2026-11-19", "From: Enter a valid date."),
        ("?first=2026-11-19%00&last=2026-11-19", "From: Enter a valid date."),
        ("?first=" + "2" * 10_000 + "&last=2026-11-19", "From: Enter a valid date."),
        ("?first=2026-11-19&last=2026-11-20&last=2026-11-21", "To: Enter one date, not 2."),
        ("?first=a&first=b&last=2026-11-19", "From: Enter one date, not 2."),
    ],
)
def test_a_period_off_the_calendar_or_not_a_date_is_explained(client, manager, query, message):
    client.force_login(manager)
    response = client.get(f"/{query}")
    assert response.status_code == 200
    assert message in period_errors(response)
    assert "totals" not in response.context


@pytest.mark.parametrize(
    ("query", "sids"),
    [("?first=2000-01-01&last=2000-01-07", ["first"]), ("?first=2100-12-25&last=2100-12-31", ["last"])],
)
def test_the_first_and_last_weeks_of_the_calendar_are_counted_and_linked(client, manager, query, sids):
    make_call(sid="first", date_created=datetime(1999, 12, 31, 18, 30, tzinfo=UTC))  # 2000-01-01 00:00 IST
    make_call(sid="last", date_created=datetime(2100, 12, 31, 18, 29, 59, tzinfo=UTC))  # 23:59:59 IST
    client.force_login(manager)
    response = client.get(f"/{query}")
    assert period_errors(response) == ""
    assert response.context["totals"]["calls"] == 1
    for url, count in LINKED_COUNT.findall(response.content.decode()):
        assert rows(client, html.unescape(url)) == (sids if int(count) else []), url


def day_bars_links(page):
    """Per day bar: (its focusable links' (href, accessible name)), and whether every other link is hidden."""
    bars = re.findall(r'<g data-testid="day-bar"[^>]*>(.*?)</g>', page, re.S)
    found = []
    for bar in bars:
        links = re.findall(r"<a ([^>]*)>", bar)
        reachable = [link for link in links if 'tabindex="-1"' not in link]
        hidden = [link for link in links if 'tabindex="-1"' in link]
        found.append(
            (
                [
                    (
                        html.unescape(re.search(r'href="([^"]*)"', link).group(1)),
                        html.unescape(re.search(r'aria-label="([^"]*)"', link).group(1)),
                    )
                    for link in reachable
                ],
                all('aria-hidden="true"' in link for link in hidden),
            )
        )
    return found


def test_each_days_bar_is_one_keyboard_stop_named_for_a_screen_reader(client, manager, period_calls):
    client.force_login(manager)
    response = client.get(f"/{PERIOD}")
    page = response.content.decode()
    # A group, not an image: an image's parts are hidden from screen readers, its links too.
    assert re.search(
        r'<svg [^>]*role="group" aria-labelledby="chart-title" data-testid="calls-per-day"', page
    )
    first, second = response.context["per_day"]
    assert day_bars_links(page) == [
        ([(first["url"], "19 Nov: 2 calls, 1 answered")], True),
        ([(second["url"], "20 Nov: 2 calls, 1 answered")], True),
    ]
    assert set(rows(client, first["url"])) == {"first", "late"}


def test_a_day_without_calls_is_still_a_named_stop(client, manager):
    make_call(sid="one", date_created=ist(20, 11, 0), status="busy")
    client.force_login(manager)
    links = day_bars_links(client.get(f"/{PERIOD}").content.decode())
    assert [[name for _, name in reachable] for reachable, _ in links] == [
        ["19 Nov: 0 calls, 0 answered"],
        ["20 Nov: 1 call, 0 answered"],
    ]
