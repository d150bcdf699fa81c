"""Durations as people read them on a clock."""


def clock(seconds):
    """Seconds as m:ss, h:mm:ss past an hour; a dash when there is none."""
    if seconds is None:
        return "—"
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"
