"""Time as Exotel writes it: zone-less `YYYY-MM-DD HH:MM:SS` in India Standard Time."""

import time
from datetime import datetime, timedelta, timezone

# India has no daylight saving time, so a fixed offset is exact and needs no tz database.
IST = timezone(timedelta(hours=5, minutes=30), "IST")
EXOTEL_FORMAT = "%Y-%m-%d %H:%M:%S"


def now() -> float:
    """Seconds since the epoch. One clock for call state and for the scheduler, so they never disagree."""
    return time.time()


def ist(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, IST)


def stamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(IST).strftime(EXOTEL_FORMAT)


def parse_stamp(text: str) -> datetime:
    """Read an Exotel timestamp as IST; raises ValueError on anything else."""
    return datetime.strptime(text.strip(), EXOTEL_FORMAT).replace(tzinfo=IST)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day of the month `months` earlier (the 31st falls back to the month's last day)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month + 1, day=day)
        except ValueError:
            day -= 1
