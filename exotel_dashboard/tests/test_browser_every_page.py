"""Every page, as each role that may open it, at desktop and phone width: no serious or critical WCAG 2.2 A/AA
violation (axe-core in Chromium), and nothing wider than a 390 px phone.

The pages are the URL matrix's (test_url_matrix.MATRIX): a page added there is checked here too. A GET URL
that answers something other than a whole page (a fragment, a download) must be listed in NOT_PAGES; it is
checked within the page that shows it. `pytest -s` prints the summary.
"""

from collections import Counter
from contextlib import suppress
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from exotel_dashboard.testing import PASSWORD, log_in
from exotel_dashboard.tests.test_url_matrix import MATRIX, app_url
from exotel_dashboard.tests.test_url_matrix import world as world  # a fixture, used by name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
ROLES = ("anonymous", "agent", "manager", "admin")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}
# GET URLs that answer 200 with something other than a page, and where it is shown.
NOT_PAGES = {
    "healthz": "JSON for the load balancer",
    "call-export": "a CSV download",
    "call-recording": "the recording's audio, played on the call page",
    "call-status": "htmx fragment of the call page",
    "number-lookup": "htmx fragment of the call forms",
    "live-board": "htmx fragment of /live/",
    "live-mine": "htmx fragment of every page an agent has open",
    "campaign-export": "a CSV download",
    "campaign-progress": "htmx fragment of a campaign's page",
}
# Pages outside the matrix's 200s: (what, role, url).
ERROR_PAGES = [
    ("403 (audit trail)", "agent", "/audit/"),
    ("404", "agent", "/no/such/page/"),
    ("404", "anonymous", "/no/such/page/"),
]


@dataclass
class Problem:
    page: str
    role: str
    width: str
    what: str

    def __str__(self):
        return f"{self.page} as {self.role} at {self.width}: {self.what}"


@dataclass
class Report:
    checked: Counter
    impacts: Counter
    problems: list

    def summary(self):
        lines = ["", "axe (WCAG 2.2 A/AA) and phone width, every page:"]
        for (width, role), count in sorted(self.checked.items()):
            lines.append(f"  {width:7} {role:9} {count:3} pages")
        impacts = ", ".join(f"{impact} {n}" for impact, n in self.impacts.most_common()) or "none"
        lines.append(f"  {sum(self.checked.values())} page views; violations by impact (elements): {impacts}")
        lines.extend(f"  FAIL {problem}" for problem in self.problems)
        return "\n".join(lines)


def gets_a_page(name, role):
    method, expected = MATRIX[name]
    return method == "GET" and expected.get(role, expected.get("*")) == 200


def matrix_pages(role, objects):
    return [(name, app_url(name, objects)) for name in MATRIX if gets_a_page(name, role)]


def admin_pages():
    return [
        ("admin index", reverse("admin:index")),
        ("admin ExoPhones", reverse("admin:numbers_exophone_changelist")),
        ("admin add ExoPhone", reverse("admin:numbers_exophone_add")),
    ]


def pages_for(role, objects):
    pages = matrix_pages(role, objects)
    pages += [(what, url) for what, who, url in ERROR_PAGES if who == role]
    return pages + (admin_pages() if role == "admin" else [])


def check(page, axe, report, where):
    """Runs axe on the page as it is, and measures its width."""
    results = axe.run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    )
    for violation in results.response["violations"]:
        report.impacts[violation["impact"]] += len(violation["nodes"])
        if violation["impact"] in FAILING_IMPACTS:
            targets = " | ".join(",".join(node["target"]) for node in violation["nodes"][:5])
            what = f"{violation['id']} ({violation['impact']}): {targets}"
            report.problems.append(Problem(*where, what))
    _, role, width = where
    report.checked[(width, role)] += 1
    if width == "phone":
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > WIDTHS["phone"]["width"]:
            report.problems.append(Problem(*where, f"{scroll_width} px wide, wider than the phone"))


def open_page(page, url):
    page.goto(url)
    # What a page loads after it loads (htmx's load triggers) is part of it; one that polls may never idle.
    with suppress(PlaywrightTimeout):
        page.wait_for_load_state("networkidle", timeout=3000)


def is_whole_page(request_context, url):
    response = request_context.get(url, max_redirects=0)
    content_type = response.headers.get("content-type", "")
    return content_type.startswith("text/html") and response.text().lstrip().lower().startswith("<!doctype")


@pytest.fixture
def people(agent, manager, admin):
    return {"agent": agent, "manager": manager, "admin": admin}


def storage_state(browser, live_server, person):
    """A role's cookies, logged in through the login form; a stranger's are none."""
    if person is None:
        return {"cookies": [], "origins": []}
    context = browser.new_context(base_url=live_server.url)
    log_in(context.new_page(), person)
    state = context.storage_state()
    context.close()
    return state


def report_of(report, capsys):
    with capsys.disabled():
        print(report.summary())
    assert not report.problems, "\n".join(str(problem) for problem in report.problems)


def new_context(browser, live_server, width, **options):
    context = browser.new_context(
        base_url=live_server.url, viewport=WIDTHS[width], timezone_id="Asia/Kolkata", **options
    )
    context.set_default_timeout(10_000)
    return context


# One test per role and width, so that pytest-xdist spreads the pages over its workers.
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_and_fits_a_phone(browser, live_server, world, people, role, width, capsys):
    axe = Axe()
    report = Report(Counter(), Counter(), [])
    state = storage_state(browser, live_server, people.get(role))
    context = new_context(browser, live_server, width, storage_state=state)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for name, url in pages_for(role, world):
        if name in MATRIX and is_whole_page(context.request, url) == (name in NOT_PAGES):
            wrong = "a whole page, yet listed" if name in NOT_PAGES else "not a whole page, nor listed"
            report.problems.append(Problem(name, role, width, f"{wrong} in NOT_PAGES"))
        if name in NOT_PAGES:
            continue
        open_page(page, url)
        check(page, axe, report, (name, role, width))
    report.problems.extend(Problem("(any)", role, width, f"JavaScript error: {e}") for e in errors)
    context.close()
    report_of(report, capsys)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_refused_login_and_the_lockout_pass_axe_and_fit_a_phone(
    browser, live_server, settings, width, capsys
):
    """The refused form (CSRF) and the lockout, as a stranger sees them."""
    axe = Axe()
    report = Report(Counter(), Counter(), [])
    context = new_context(browser, live_server, width)
    page = context.new_page()
    page.goto("/login/")
    context.clear_cookies()  # the form's CSRF cookie is gone: sending it is refused
    submit_login(page, "asha", PASSWORD)
    check(page, axe, report, ("CSRF failure", "anonymous", width))

    settings.AXES_FAILURE_LIMIT = 1
    page.goto("/login/")
    submit_login(page, f"locked-{width}", "wrong")
    assert page.get_by_test_id("locked-out").is_visible()
    check(page, axe, report, ("lockout", "anonymous", width))
    context.close()
    report_of(report, capsys)


def submit_login(page, username, password):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_each_get_url_of_the_matrix_is_a_page_or_a_listed_fragment():
    get_names = {name for name, (method, _) in MATRIX.items() if method == "GET"}
    assert set(NOT_PAGES) <= get_names, "NOT_PAGES names a URL the matrix no longer has"
