"""The call log as a user reads it: the calls on the page, and what the page says is wrong."""

import re
from html import unescape
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
