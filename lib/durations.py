"""Durations as people read them on a clock, and the moments a page's clocks tick from."""

from datetime import UTC

DAY = 24 * 3600


def clock(seconds):
    """Seconds as m:ss, h:mm:ss past an hour; a dash when there is none."""
    if seconds is None:
        return "—"
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def wait(seconds):
    """How long someone has waited: m:ss or h:mm:ss within a day, then days and hours ("3 d 4 h")."""
    if seconds is None or seconds < DAY:
        return clock(seconds)
    days, rest = divmod(round(seconds), DAY)
    return f"{days} d {rest // 3600} h"


def tick_from(moment):
    """A moment as the browser's ticking clocks read it (static/app/live.js: `data-since`, `data-now`)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")
