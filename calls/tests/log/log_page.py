"""The call log as a user reads it: the calls on the page, and what the page says is wrong."""

import re
from html import unescape
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from django.utils.html import strip_tags

KOLKATA = ZoneInfo("Asia/Kolkata")  # the site's time zone (settings.TIME_ZONE)
ERROR_BLOCK = re.compile(r'<div[^>]*data-testid="filter-errors"[^>]*>(.*?)</div>', re.S)


def get(client, query=""):
    """GET the log with a query string as typed in the address bar, or a dict to encode."""
    if isinstance(query, dict):
        return client.get("/calls/", query)
    return client.get(f"/calls/?{query}")


def rows(response):
    """The Sids of the calls on this page, in the order shown."""
    return [row.record.sid for row in response.context["table"].page.object_list]


def errors_shown(response):
    """The text of the page's filter-errors block; empty when there is none."""
    match = ERROR_BLOCK.search(response.content.decode())
    return " ".join(unescape(strip_tags(match[1])).split()) if match else ""


def listed(client, query=""):
    """The calls on the page, in order, for a query the page takes without complaint."""
    response = get(client, query)
    assert response.status_code == 200
    assert errors_shown(response) == ""
    return rows(response)


def selected(client, query=""):
    return set(listed(client, query))


def use_time_zone(user, zone):
    user.agent_profile.time_zone = zone
    user.agent_profile.save(update_fields=["time_zone"])


class TableReader(HTMLParser):
    """The call table's headings and each row's cells, as text a sighted user reads (not what is visually
    hidden), with each cell's classes."""

    def __init__(self):
        super().__init__()
        self.headings, self.rows, self.hidden = [], [], 0
        self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.hidden or "visually-hidden" in (attrs.get("class") or ""):
            self.hidden += 1
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self.cell = {"text": "", "class": attrs.get("class") or "", "tag": tag} | attrs

    def handle_endtag(self, tag):
        if self.hidden:
            self.hidden -= 1
        elif tag in ("th", "td") and self.cell is not None:
            self.cell["text"] = " ".join(self.cell["text"].split())
            (self.headings if tag == "th" else self.rows[-1]).append(self.cell)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None and not self.hidden:
            self.cell["text"] += data


def table(response):
    """The call table as (headings, rows); each heading and cell a dict: text, class and its attributes."""
    page = response.content.decode()
    start = page.index('data-testid="call-table"')
    reader = TableReader()
    reader.feed(page[page.rindex("<table", 0, start) : page.index("</table>", start)])
    return reader.headings, [row for row in reader.rows if row]


def column(response, heading):
    """The texts of one column, top to bottom, by its heading as shown (without the sort arrow)."""
    headings, rows = table(response)
    index = [cell["text"].rstrip(" ▲▼") for cell in headings].index(heading)
    return [row[index]["text"] for row in rows]


CHIP_LIST = re.compile(r'<ul[^>]*data-testid="active-filters"[^>]*>(.*?)</ul>', re.S)
LINK = re.compile(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', re.S)


def shown_text(html):
    """Text as a sighted user reads it: what is visually hidden left out."""
    html = re.sub(r'<span class="visually-hidden">.*?</span>', "", html)
    return " ".join(unescape(strip_tags(html)).split())


REMOVE = " \N{MULTIPLICATION SIGN}"


def chips(response):
    """The active-filter chips above the table, each as (text shown, link), "Clear all" last. Each chip's
    text ends with its remove sign, left out here."""
    match = CHIP_LIST.search(response.content.decode())
    if not match:
        return []
    shown = [(shown_text(text), unescape(href)) for href, text in LINK.findall(match[1])]
    assert [text.endswith(REMOVE) for text, _ in shown] == [True] * (len(shown) - 1) + [False]
    return [(text.removesuffix(REMOVE), href) for text, href in shown]


def filters_open(response):
    """Whether the filter panel (a <details>) is open when the page loads."""
    page = response.content.decode()
    tag = re.search(r'<details[^>]*data-testid="filter-panel"[^>]*>', page)[0]
    return " open" in tag
