"""The calling window: the weekdays and hours, in a zone, when a campaign may dial.

TRAI allows promotional calls from 09:00 to 21:00, hence the default. The end is exclusive: a 21:00 end dials
nothing at 21:00:00. Times that a clock change skips or repeats are read as the zone's clocks show them.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_START = time(9, 0)
DEFAULT_END = time(21, 0)
DEFAULT_DAYS = (0, 1, 2, 3, 4, 5, 6)
MINUTE = timedelta(minutes=1)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class CallingWindow:
    days: tuple
    start: time
    end: time
    zone: str

    @classmethod
    def of(cls, campaign):
        return cls(
            tuple(campaign.window_days), campaign.window_start, campaign.window_end, campaign.window_zone
        )

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(ZoneInfo(self.zone))
        return local.weekday() in self.days and self.start <= local.time().replace(tzinfo=None) < self.end

    def next_opening(self, moment: datetime) -> datetime | None:
        """When it next opens after `moment` (UTC), or None with no day chosen. `moment` itself if open."""
        if self.is_open(moment):
            return moment
        zone = ZoneInfo(self.zone)
        today = moment.astimezone(zone).date()
        for ahead in range(8):
            day = today + timedelta(days=ahead)
            if day.weekday() not in self.days:
                continue
            # Through UTC, a start in a skipped hour reads as after the change; the window opened when the
            # clocks jumped past the start, up to an hour before that.
            opening = datetime.combine(day, self.start, tzinfo=zone).astimezone(UTC)
            while opening - MINUTE > moment and self.is_open(opening - MINUTE):
                opening -= MINUTE
            if opening > moment and self.is_open(opening):
                return opening
            if opening > moment:
                later = opening + timedelta(hours=1)
                if self.is_open(later):
                    return later
        return None

    def closes_at(self, moment: datetime) -> datetime | None:
        """When the window open at `moment` closes (UTC)."""
        if not self.is_open(moment):
            return None
        zone = ZoneInfo(self.zone)
        local_day = moment.astimezone(zone).date()
        return datetime.combine(local_day, self.end, tzinfo=zone).astimezone(UTC)

    def describe(self) -> str:
        if set(self.days) == set(range(7)):
            days = "Every day"
        elif set(self.days) == set(range(5)):
            days = "Monday to Friday"
        elif set(self.days) == set(range(6)):
            days = "Monday to Saturday"
        else:
            days = ", ".join(WEEKDAYS[day] for day in sorted(self.days))
        return f"{days}, {self.start:%H:%M} to {self.end:%H:%M} {self.zone}"
