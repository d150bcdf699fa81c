"""A manager in a real Chromium: filter, sort, open a call, play its recording, export exactly those calls."""

import csv
from datetime import timedelta

import pytest

from calls.tests.factories import T0, make_call
from exotel_dashboard.testing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def log(app_on_sandbox, agent, other_agent, exophone):
    sandbox = app_on_sandbox
    recorded = sandbox.inject_call(From="09845012301", To="09876543210", Record="true", Duration="42")
    # T0 is 10:00 on 20 Nov in Kolkata. In the range and completed: "short", "long", "recorded".
    make_call(sid="short", agent=agent, status="completed", duration=15, date_created=T0)
    make_call(
        sid="long", agent=other_agent, status="completed", duration=300, date_created=T0 + timedelta(hours=2)
    )
    make_call(
        sid=recorded["sid"],
        agent=agent,
        status="completed",
        duration=42,
        conversation_duration=30,
        date_created=T0 + timedelta(hours=1),
        recording_url=recorded["recording_url"],
    )
    make_call(sid="busy", agent=agent, status="busy", duration=0, date_created=T0)  # wrong status
    make_call(sid="older", agent=agent, status="completed", duration=99, date_created=T0 - timedelta(days=2))
    make_call(sid="newer", agent=agent, status="completed", duration=77, date_created=T0 + timedelta(days=2))
    return recorded["sid"]


PLAY_THEN_SEEK = """async audio => {
    const reached = seconds => new Promise(resolve => {
        const check = () => {
            if (audio.currentTime < seconds) return;
            audio.removeEventListener("timeupdate", check);
            resolve();
        };
        audio.addEventListener("timeupdate", check);
        check();
    });
    audio.muted = true;
    await audio.play();
    await reached(0.2);
    audio.currentTime = 20;  // seeking asks our proxy for a byte range
    await new Promise(resolve => audio.addEventListener("seeked", resolve, {once: true}));
    audio.pause();
    return {duration: audio.duration, position: audio.currentTime, error: audio.error && audio.error.code};
}"""


def table_sids(page):
    """The Sid of each row, read from the call pages the rows link to."""
    return page.locator("[data-testid=call-table] tbody tr td:first-child a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )


def test_a_manager_filters_sorts_opens_plays_and_exports(page, manager, log):
    recorded_sid = log
    log_in(page, manager)
    page.get_by_role("link", name="Call log").click()
    page.get_by_test_id("filter-panel").locator("summary").click()  # folded away until used
    page.get_by_label("Completed").check()
    page.get_by_label("Created from").fill("2026-11-20T00:00")
    page.get_by_label("Created until").fill("2026-11-20T23:59")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/calls/?*status=completed*")
    assert len(table_sids(page)) == 3

    page.get_by_role("link", name="Duration, sort ascending").click()
    page.wait_for_url("**sort=duration*")
    page.get_by_role("link", name="Duration, sort descending").click()
    page.wait_for_url("**sort=-duration*")
    # Duration, price, disposition, recording: the last four cells.
    durations = page.locator("[data-testid=call-table] tbody tr td.num:nth-last-child(4)").all_inner_texts()
    assert durations == ["5:00", "0:42", "0:15"]
    assert page.get_by_test_id("result-count").inner_text() == "3 calls"
    filtered_url = page.url

    # The log's play button: no player (so no audio fetched) until it is pressed; then one, on our proxy.
    table = page.get_by_test_id("call-table")
    assert table.locator("audio").count() == 0
    table.get_by_role("button", name="Play recording of the call at 11:00").click()
    assert table.locator("audio").count() == 1
    assert table.locator("audio").evaluate("audio => new URL(audio.src).pathname").endswith("/recording/")

    page.locator("[data-testid=call-table] tbody tr").nth(1).locator("td:first-child a").click()
    page.wait_for_url("**/calls/*/")
    assert recorded_sid in page.content()
    played = page.get_by_test_id("recording").evaluate(PLAY_THEN_SEEK)
    assert played["error"] is None
    assert 29 < played["duration"] < 31  # the sandbox's recording lasts the conversation
    assert played["position"] >= 19.9

    page.goto(filtered_url)
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    with open(download.value.path(), encoding="utf-8") as exported:
        rows = list(csv.DictReader(exported))
    assert {row["Sid"] for row in rows} == {"short", "long", recorded_sid}
    assert all(row["Status"] == "Completed" for row in rows)
